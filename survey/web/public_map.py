"""The public map at /map: confirmed cameras on Leaflet, loaded one viewport at a time, with filters,
downloads and the survey areas' coverage layer."""

import gzip
import hashlib

from flask import Blueprint, Response, current_app, render_template, request

from survey import vocab
from survey.publish import map_data, map_grid
from survey.publish.downloads import public_base_url
from survey.schemas.map import MapQuery, dump_map
from survey.schemas.publish import load_query

blp = Blueprint("public_map", __name__)
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


@blp.get("/map/cameras.json")
def map_cameras():
    """Clusters or cameras for one box at one zoom (bbox, zoom and the map's filters); 400 before any work."""
    view = load_query(request.args, MapQuery())
    return cached_json(dump_map(map_data.viewport(view, public_base_url())))


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
