"""The OpenAPI 3.0 definition of /ogcapi, so clients (GDAL, QGIS) can read its parameters and limits."""
from survey import vocab
from survey.camera_filters import STATUSES
from survey.ogcapi import DEFAULT_LIMIT, MAX_LIMIT

STRING = {"type": "string"}


def _param(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def _items_parameters() -> list[dict]:
    return [
        _param("bbox", "minLon,minLat,maxLon,maxLat in WGS84 (CRS84); minLon > maxLon crosses the antimeridian", {
            "type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"},
        }) | {"style": "form", "explode": False},
        _param("limit", "Features per page", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        _param("offset", "Features to skip", {"type": "integer", "minimum": 0, "default": 0}),
        _param("after", "Keyset cursor from a next link: only ids above it", {"type": "integer", "minimum": 0}),
        _param("datetime", "A date or interval, met by [first_seen, last_confirmed]", STRING),
        _param("manufacturer", "Exact manufacturer, any case", STRING),
        _param("operator", "Exact operator, any case", STRING),
        _param("camera_type", "camera:type", {"type": "string", "enum": list(vocab.CAMERA_TYPES)}),
        _param("status", "active (default), removed or all", {"type": "string", "enum": list(STATUSES)}),
        _param("updated_since", "ISO 8601 date or date-time", STRING),
        _format_param(),
    ]


def _format_param() -> dict:
    return _param("f", "Response format; otherwise the Accept header decides", {"type": "string", "enum": ["json", "html"]})


def _get(summary: str, media: str, parameters: list[dict] | None = None) -> dict:
    return {"get": {
        "summary": summary,
        "parameters": (parameters or []) + ([] if parameters else [_format_param()]),
        "responses": {
            "200": {"description": summary, "content": {media: {}, "text/html": {}}},
            "400": {"description": "A query parameter is not valid", "content": {"application/json": {}}},
        },
    }}


def api_definition(ogc: str) -> dict:
    feature_id = _param("featureId", "The camera id", {"type": "integer"}, where="path", required=True)
    item = _get("One camera", "application/geo+json", [feature_id, _format_param()])
    item["get"]["responses"]["404"] = {"description": "No camera with that id", "content": {"application/json": {}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "cctv-survey OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": ogc}],
        "paths": {
            "/": _get("Landing page", "application/json"),
            "/conformance": _get("Conformance classes", "application/json"),
            "/api": {"get": {"summary": "This definition", "responses": {"200": {"description": "OpenAPI 3.0"}}}},
            "/collections": _get("Feature collections", "application/json"),
            "/collections/cameras": _get("The cameras collection", "application/json"),
            "/collections/cameras/items": _get("Cameras", "application/geo+json", _items_parameters()),
            "/collections/cameras/items/{featureId}": item,
        },
    }
