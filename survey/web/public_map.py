"""The public map at /map: confirmed cameras on Leaflet, loaded one viewport at a time, with filters,
downloads, the survey areas' coverage layer and a signs layer. Its JSON (/map/*.json) is in the API's
OpenAPI document."""

import gzip
import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, request
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import RAISE

from survey import vocab
from survey.extensions import api
from survey.publish import map_data, map_grid
from survey.publish.downloads import public_base_url
from survey.schemas.map import MapDataOut, MapQuery, SignsMapOut, SignsMapQuery, dump_map, dump_signs

blp = Blueprint("public_map", __name__)
data = ApiBlueprint("map_data", __name__, url_prefix="/map", description="The public map's data, one view at a time")


def init_app(app) -> None:
    """The page's blueprint, and its JSON's through the API, which documents it in /api/v1/openapi.json."""
    app.register_blueprint(blp)
    api.register_blueprint(data)


# Short: a moderator's decision reaches the map within a minute; a pan back and forth costs nothing.
CACHE_CONTROL = "public, max-age=60"


@blp.get("/map")
def map_page():
    """The map page. Its script asks /map/cameras.json for each view; settings travel in data- attributes."""
    config = current_app.config
    return render_template(
        "public/map.html",
        title="Surveillance cameras map",
        tile_url=config["TILE_URL"],
        tile_attribution=config["TILE_ATTRIBUTION"],
        data_license=config["DATA_LICENSE"],
        data_attribution=config["DATA_ATTRIBUTION"],
        choices=map_data.filter_choices(),
        areas=map_data.public_areas(),
        street_states=vocab.served(frozenset({"street_state"}))["street_state"],
        cell_degrees=map_grid.CELL_DEGREES_AT_ZOOM_0,
    )


@data.route("/cameras.json")
@data.arguments(MapQuery, location="query", unknown=RAISE, error_status_code=400)
@data.response(200, MapDataOut, description="Cameras (at most 1,500) or, past that, clusters on a fixed grid.")
@data.alt_response(304, description="Not modified: the client has these bytes (If-None-Match).")
def map_cameras(view):
    """Clusters or cameras for one box at one zoom (bbox, zoom and the map's filters); 400 before any work."""
    return cached_json(dump_map(map_data.viewport(view, public_base_url())))


@data.route("/signs.json")
@data.arguments(SignsMapQuery, location="query", unknown=RAISE, error_status_code=400)
@data.response(
    200, SignsMapOut, description="The signs in the box or, past 1,500, their clusters (with a zoom) or a message."
)
@data.alt_response(304, description="Not modified: the client has these bytes (If-None-Match).")
def map_signs(view):
    """The approved signs in one box, for the map's signs layer (bbox, zoom and the sign filters)."""
    found = map_data.signs_in_view(view, public_base_url())
    return cached_json(json.dumps(dump_signs(found), separators=(",", ":")))


def cached_json(body: str) -> Response:
    """JSON with an ETag of its own bytes (304 when the client has them), gzipped when the client takes it."""
    data = body.encode()
    etag = hashlib.sha256(data).hexdigest()[:32]
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304, headers=headers)
    else:
        if request.accept_encodings["gzip"] > 0 and len(data) > 1024:
            data, headers["Content-Encoding"] = gzip.compress(data, compresslevel=5), "gzip"
        response = Response(data, mimetype="application/json", headers=headers)
    response.set_etag(etag, weak=True)  # weak: the same data gzipped or not
    return response
