"""Public downloads of the confirmed cameras, and one camera with its history. No login, no volunteer data."""

import json

from flask import Response, request
from flask_smorest import Blueprint
from werkzeug.http import is_resource_modified

from survey.publish.camera import public_camera
from survey.publish.downloads import FORMATS, STREAMS, freshness, gzipped, public_base_url
from survey.publish.filters import CameraFilter
from survey.publish.geopackage import MEDIA_TYPE, geopackage_bytes
from survey.schemas.publish import CameraQuery

blp = Blueprint("cameras", __name__, url_prefix="/api/v1", description="Confirmed cameras, for anyone")


def send_download(fmt: str, flt: CameraFilter) -> Response:
    """Stream one format, answering conditional requests with 304 and gzipping when asked."""
    base = public_base_url()
    fresh = freshness(fmt, flt, base)
    headers = {"ETag": fresh.etag, "Vary": "Accept-Encoding", "Cache-Control": "public, max-age=60"}
    if fresh.last_modified:
        headers["Last-Modified"] = fresh.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if not is_resource_modified(request.environ, etag=fresh.etag, last_modified=fresh.last_modified):
        return Response(status=304, headers=headers)
    if fmt != "geojson":
        headers["Content-Disposition"] = f'attachment; filename="cameras.{fmt}"'
    chunks = STREAMS[fmt](flt, base)
    if request.accept_encodings["gzip"] > 0:  # `"gzip" in` is true for gzip;q=0, which refuses it
        headers["Content-Encoding"] = "gzip"
        chunks = gzipped(chunks)
    return Response(chunks, mimetype=FORMATS[fmt], headers=headers)


@blp.route("/cameras.geojson")
@blp.arguments(CameraQuery, location="query", error_status_code=400)
@blp.response(200, content_type="application/geo+json", description="An RFC 7946 FeatureCollection, streamed.")
def cameras_geojson(flt):
    """All confirmed cameras as GeoJSON."""
    return send_download("geojson", flt)


@blp.route("/cameras.csv")
@blp.arguments(CameraQuery, location="query", error_status_code=400)
@blp.response(200, content_type="text/csv", description="UTF-8 CSV, lat and lon first, streamed.")
def cameras_csv(flt):
    """All confirmed cameras as CSV, for spreadsheets."""
    return send_download("csv", flt)


@blp.route("/cameras.osm")
@blp.arguments(CameraQuery, location="query", error_status_code=400)
@blp.response(200, content_type="application/xml", description="OSM XML of new nodes for JOSM; never uploaded.")
def cameras_osm(flt):
    """All confirmed cameras as OpenStreetMap XML, to review in JOSM."""
    return send_download("osm", flt)


@blp.route("/cameras.gpkg")
@blp.arguments(CameraQuery, location="query", error_status_code=400)
@blp.response(200, content_type=MEDIA_TYPE, description="A GeoPackage: the camera id is the feature id.")
def cameras_gpkg(flt):
    """All confirmed cameras as a GeoPackage, for QGIS."""
    headers = {"Content-Disposition": 'attachment; filename="cameras.gpkg"', "Cache-Control": "public, max-age=60"}
    return Response(geopackage_bytes(flt, public_base_url()), mimetype=MEDIA_TYPE, headers=headers)


@blp.route("/cameras/<int:camera_id>")
@blp.response(200, content_type="application/geo+json", description="A Feature with `history` and `photos`.")
@blp.alt_response(404, description="No camera with that id.")
def camera(camera_id):
    """One camera, with its confirmations by day: dates and counts only."""
    body = json.dumps(public_camera(camera_id, public_base_url()))
    return Response(body, mimetype="application/geo+json")
