"""OGC API - Features over HTTP under /ogcapi: JSON for clients such as GDAL and QGIS, HTML for browsers."""

import json

from flask import Blueprint, Response, render_template, request

from survey.errors import NotFound
from survey.publish import ogcapi
from survey.publish.downloads import public_base_url
from survey.publish.ogcapi_spec import api_definition
from survey.schemas.publish import DocumentQuery, ItemsQueryArgs, load_query

blp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")
# Made once: building the schema took a third of a millisecond on every items request.
ITEMS_ARGS = ItemsQueryArgs()
DOCUMENT_ARGS = DocumentQuery()


def _roots() -> tuple[str, str]:
    site = public_base_url()
    return site + "ogcapi", site


def _wants_html(args) -> bool:
    if "f" in args:
        return args["f"] == "html"
    best = request.accept_mimetypes.best_match([ogcapi.JSON, ogcapi.GEOJSON, ogcapi.HTML])
    return best == ogcapi.HTML


def _send(doc, title: str, media: str = ogcapi.JSON) -> Response:
    """The document as JSON, or rendered as HTML when asked (?f=html or a browser's Accept)."""
    if _wants_html(request.args):
        html = render_template("ogcapi/page.html", doc=doc, title=title, ogc=_roots()[0])
        response = Response(html, mimetype="text/html")
    else:
        response = Response(json.dumps(doc), mimetype=media)
    response.headers["Vary"] = "Accept"
    return response


def _collection(collection_id: str) -> None:
    if collection_id != ogcapi.COLLECTION:
        raise NotFound(f"No collection named {collection_id!r}; there is only {ogcapi.COLLECTION!r}.")


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
    """The collections: only the cameras."""
    load_query(request.args, DOCUMENT_ARGS)
    return _send(ogcapi.collections_doc(_roots()[0]), "Collections")


@blp.get("/collections/<collection_id>")
def collection(collection_id):
    """The cameras collection, with its extent."""
    _collection(collection_id)
    load_query(request.args, DOCUMENT_ARGS)
    return _send(ogcapi.collection_doc(_roots()[0]), "Surveillance cameras")


@blp.get("/collections/<collection_id>/items")
def items(collection_id):
    """A page of cameras: bbox, limit, offset, datetime and the shared filters."""
    _collection(collection_id)
    query = load_query(request.args, ITEMS_ARGS)
    page = ogcapi.items_page(*_roots(), query)
    if _wants_html(request.args):
        return _send(page.to_dict(), "Cameras")
    return Response(page.to_json(), mimetype=ogcapi.GEOJSON, headers={"Vary": "Accept"})


@blp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id, feature_id):
    """One camera."""
    _collection(collection_id)
    load_query(request.args, DOCUMENT_ARGS)
    return _send(ogcapi.item_doc(*_roots(), feature_id), f"Camera {feature_id}", ogcapi.GEOJSON)
