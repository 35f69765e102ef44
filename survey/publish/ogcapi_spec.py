"""The OpenAPI 3.0 definition of /ogcapi, so clients (GDAL, QGIS) can read its parameters and limits."""

from survey import vocab
from survey.publish.cql2 import ALIASES, LANGUAGES
from survey.publish.ogcapi import CRS84, DEFAULT_LIMIT, GEOJSON, JSON, MAX_LIMIT, OPENAPI, SCHEMA

STRING = {"type": "string"}
INTEGER = {"type": "integer"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


# What the JSON documents must hold, so schemathesis checks each response against its shape.
SCHEMAS = {
    "Link": _object(["href", "rel"], href=STRING, rel=STRING, type=STRING, title=STRING),
    "Links": {"type": "array", "items": _ref("Link")},
    "LandingPage": _object(["links"], title=STRING, description=STRING, links=_ref("Links")),
    "Conformance": _object(["conformsTo"], conformsTo={"type": "array", "items": STRING}),
    "Collection": _object(
        ["id", "links"],
        id=STRING,
        title=STRING,
        description=STRING,
        itemType=STRING,
        links=_ref("Links"),
        crs={"type": "array", "items": STRING},
        extent=_object(
            ["spatial"],
            spatial=_object(
                ["bbox"],
                crs=STRING,
                bbox={
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                },
            ),
        ),
    ),
    "Collections": _object(
        ["links", "collections"], links=_ref("Links"), collections={"type": "array", "items": _ref("Collection")}
    ),
    "Point": _object(
        ["type", "coordinates"],
        type={"type": "string", "enum": ["Point"]},
        coordinates={
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number"},
        },
    ),
    # Cameras and signs are points; streets are MultiLineStrings.
    "Geometry": {"oneOf": [_ref("Point"), _ref("MultiLineString")]},
    "MultiLineString": _object(
        ["type", "coordinates"],
        type={"type": "string", "enum": ["MultiLineString"]},
        coordinates={
            "type": "array",
            "items": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        },
    ),
    "Feature": _object(
        ["type", "id", "geometry", "properties"],
        type={"type": "string", "enum": ["Feature"]},
        id=INTEGER,
        geometry=_ref("Geometry"),
        properties={"type": "object"},
        links=_ref("Links"),
    ),
    "FeatureCollection": _object(
        ["type", "features", "numberMatched", "numberReturned", "timeStamp", "links"],
        type={"type": "string", "enum": ["FeatureCollection"]},
        features={"type": "array", "items": _ref("Feature")},
        numberMatched={"type": "integer", "minimum": 0},
        numberReturned={"type": "integer", "minimum": 0},
        timeStamp={"type": "string", "format": "date-time"},
        links=_ref("Links"),
    ),
    "Queryables": _object(["type", "properties"], type=STRING, title=STRING, properties={"type": "object"}),
    "Error": _object(
        ["code", "status", "message"], code=INTEGER, status=STRING, message=STRING, errors={"type": "object"}
    ),
}


def _param(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def _items_parameters() -> list[dict]:
    return [
        _param(
            "bbox",
            "minLon,minLat,maxLon,maxLat in WGS84 (CRS84), or six numbers with heights; "
            "minLon > maxLon crosses the antimeridian",
            {
                "type": "array",
                "minItems": 4,
                "maxItems": 6,  # six with heights, which are checked and ignored
                "items": {"type": "number"},
            },
        )
        | {"style": "form", "explode": False},
        _param(
            "limit",
            "Features per page",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        ),
        _param("offset", "Features to skip", {"type": "integer", "minimum": 0, "default": 0}),
        _param("after", "Keyset cursor from a next link: only ids above it", {"type": "integer", "minimum": 0}),
        _param("before", "Keyset cursor from a prev link: only ids below it", {"type": "integer", "minimum": 0}),
        _param("datetime", "A date or interval, met by [first_seen, last_confirmed] (cameras, signs)", STRING),
        *_cql2_parameters(),
        *_filter_parameters(),
        _format_param(),
    ]


def _cql2_parameters() -> list[dict]:
    # GDAL 3.6 sends a -where to the server only when filter-lang lists "cql-text", the draft's name.
    languages = {"type": "string", "enum": [*LANGUAGES, *ALIASES], "default": LANGUAGES[0]}
    return [
        _param("filter", "A CQL2 filter over the collection's queryables (see /queryables)", STRING),
        _param("filter-lang", "The filter's language; cql-text is read as cql2-text", languages),
        _param("filter-crs", "The filter's coordinates: CRS84 only", {"type": "string", "enum": [CRS84]}),
    ]


def _filter_parameters() -> list[dict]:
    return [
        _param("manufacturer", "Exact manufacturer, any case", STRING),
        _param("operator", "Exact operator, any case", STRING),
        _param("camera_type", "camera:type", {"type": "string", "enum": list(vocab.CAMERA_TYPES)}),
        _param(
            "status", "active (default), removed or all", {"type": "string", "enum": list(vocab.CAMERA_STATUS_FILTERS)}
        ),
        _param("updated_since", "ISO 8601 date or date-time", STRING),
    ]


PAGING = ("limit", "offset", "after", "before", "datetime", "filter", "filter-lang", "filter-crs", "f")


def _document_parameters() -> list[dict]:
    """Every document takes the filters too, because GDAL repeats a connection string's parameters on each."""
    shared = [p for p in _items_parameters() if p["name"] not in PAGING]
    return [p | {"description": p["description"] + " (checked, then ignored here)"} for p in shared] + [_format_param()]


def _format_param() -> dict:
    return _param(
        "f", "Response format; otherwise the Accept header decides", {"type": "string", "enum": ["json", "html"]}
    )


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _get(summary: str, media: str, body: str, parameters: list[dict] | None = None) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters or _document_parameters(),
            "responses": {
                "200": {"description": summary, "content": {media: {"schema": _ref(body)}, "text/html": {}}},
                "400": _error("A query parameter is not valid"),
                "414": _error("The URL is longer than the service accepts (MAX_URL_LENGTH)"),
            },
        }
    }


COLLECTIONS = {
    "cameras": ("camera", "Cameras"),
    "streets": ("street", "Surveyed streets"),
    "signs": ("sign", "Camera signs"),
}


def _collection_paths(collection_id: str, one: str, title: str) -> dict:
    """Each collection's own paths, written out: GDAL reads the items parameters from /collections/{id}/items."""
    feature_id = _param("featureId", f"The {one} id", {"type": "integer"}, where="path", required=True)
    item = _get(f"One {one}", GEOJSON, "Feature", [feature_id, *_document_parameters()])
    item["get"]["responses"]["404"] = _error(f"No {one} with that id")
    base = f"/collections/{collection_id}"
    return {
        base: _get(f"The {collection_id} collection", JSON, "Collection"),
        f"{base}/queryables": _get(f"What a filter may name in {collection_id}", SCHEMA, "Queryables"),
        f"{base}/items": _get(title, GEOJSON, "FeatureCollection", _items_parameters()),
        f"{base}/items/{{featureId}}": item,
    }


def api_definition(ogc: str) -> dict:
    definition = _get("This definition", OPENAPI, "OpenAPI")
    paths = {
        "/": _get("Landing page", JSON, "LandingPage"),
        "/conformance": _get("Conformance classes", JSON, "Conformance"),
        "/api": definition,
        "/collections": _get("Feature collections", JSON, "Collections"),
    }
    for collection_id, (one, title) in COLLECTIONS.items():
        paths |= _collection_paths(collection_id, one, title)
    return {
        "openapi": "3.0.3",
        "info": {"title": "cctv-survey OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": ogc}],
        "paths": paths,
        "components": {"schemas": SCHEMAS | {"OpenAPI": _object(["openapi", "info", "paths"])}},
    }
