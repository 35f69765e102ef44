"""OGC API - Features over HTTP under /ogcapi: JSON for clients such as GDAL and QGIS, HTML for browsers."""

import json

from flask import Blueprint, Response, render_template, request

from survey.errors import NotFound
from survey.publish import ogc_cameras, ogc_signs, ogc_streets, ogcapi
from survey.publish.downloads import public_base_url
from survey.publish.ogcapi_spec import api_definition
from survey.schemas.publish import DocumentQuery, ItemsQueryArgs, load_query

blp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")
# Made once: building the schema took a third of a millisecond on every items request.
ITEMS_ARGS = ItemsQueryArgs()
DOCUMENT_ARGS = DocumentQuery()
# Each collection's module answers the same calls: collection_doc, queryables, items_page, item_doc.
COLLECTIONS = {m.COLLECTION: m for m in (ogc_cameras, ogc_streets, ogc_signs)}


def _roots() -> tuple[str, str]:
    site = public_base_url()
    return site + "ogcapi", site


def _wants_html(args) -> bool:
    if "f" in args:
        return args["f"] == "html"
    best = request.accept_mimetypes.best_match([ogcapi.JSON, ogcapi.GEOJSON, ogcapi.HTML])
    return best == ogcapi.HTML


def _send(doc, title: str, media: str = ogcapi.JSON, collection: str | None = None) -> Response:
    """The document as JSON, or rendered as HTML when asked (?f=html or a browser's Accept)."""
    if _wants_html(request.args):
        html = render_template("ogcapi/page.html", doc=doc, title=title, ogc=_roots()[0], collection=collection)
        response = Response(html, mimetype="text/html")
    else:
        response = Response(json.dumps(doc), mimetype=media)
    response.headers["Vary"] = "Accept"
    return response


def _collection(collection_id: str):
    if collection_id not in COLLECTIONS:
        raise NotFound(f"No collection named {collection_id!r}; there are {', '.join(map(repr, COLLECTIONS))}.")
    return COLLECTIONS[collection_id]


@blp.get("")
@blp.get("/")
def landing():
    """The landing page: links to the API definition, conformance and the collections."""
    load_query(request.args, DOCUMENT_ARGS)
    return _send(ogcapi.landing_page(_roots()[0]), "cctv-survey OGC API")


@blp.get("/conformance")
def conformance():
    """The conformance classes this API implements."""
    load_query(request.args, DOCUMENT_ARGS)
    return _send(ogcapi.conformance(), "Conformance")


@blp.get("/api")
def definition():
    """The OpenAPI 3.0 definition."""
    load_query(request.args, DOCUMENT_ARGS)
    return _send(api_definition(_roots()[0]), "API definition", ogcapi.OPENAPI)


@blp.get("/collections")
def collections():
    """The collections: the cameras, the surveyed streets and the signs."""
    load_query(request.args, DOCUMENT_ARGS)
    ogc = _roots()[0]
    return _send(ogcapi.collections_doc(ogc, [c.collection_doc(ogc) for c in COLLECTIONS.values()]), "Collections")


@blp.get("/collections/<collection_id>")
def collection(collection_id):
    """One collection, with its extent."""
    found = _collection(collection_id)
    load_query(request.args, DOCUMENT_ARGS)
    doc = found.collection_doc(_roots()[0])
    return _send(doc, doc["title"])


@blp.get("/collections/<collection_id>/queryables")
def queryables(collection_id):
    """What a filter may name in the collection, as a JSON Schema."""
    found = _collection(collection_id)
    load_query(request.args, DOCUMENT_ARGS)
    # GDAL asks for JSON; JSON Schema clients get their own media type.
    media = request.accept_mimetypes.best_match([ogcapi.SCHEMA, ogcapi.JSON], ogcapi.SCHEMA)
    return _send(found.queryables(_roots()[0]), "Queryables", media)


@blp.get("/collections/<collection_id>/items")
def items(collection_id):
    """A page of features: bbox, limit, offset or a cursor, datetime, a CQL2 filter and the shared filters."""
    found = _collection(collection_id)
    query = load_query(request.args, ITEMS_ARGS)
    page = found.items_page(*_roots(), query)
    if _wants_html(request.args):
        return _send(page.to_dict(), collection_id.capitalize(), collection=collection_id)
    return Response(page.to_json(), mimetype=ogcapi.GEOJSON, headers={"Vary": "Accept"})


@blp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id, feature_id):
    """One feature."""
    found = _collection(collection_id)
    load_query(request.args, DOCUMENT_ARGS)
    return _send(found.item_doc(*_roots(), feature_id), f"{collection_id.capitalize()} {feature_id}", ogcapi.GEOJSON)
