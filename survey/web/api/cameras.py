"""Public downloads of the confirmed cameras, and one camera with its history. No login, no volunteer data."""

import json

from flask import Response, current_app, request, send_file
from flask_smorest import Blueprint
from werkzeug.datastructures import Accept
from werkzeug.http import http_date, is_resource_modified, quote_etag

from survey.publish.camera import public_camera
from survey.publish.downloads import FORMATS, STREAMS, freshness, gzipped, public_base_url, started
from survey.publish.filters import CameraFilter
from survey.publish.geopackage import MEDIA_TYPE, geopackage_bytes
from survey.publish.snapshots import SnapshotFile, snapshot_for
from survey.schemas.publish import CameraQuery

blp = Blueprint("cameras", __name__, url_prefix="/api/v1", description="Confirmed cameras, for anyone")


MEDIA_TYPES = {**FORMATS, "gpkg": MEDIA_TYPE}
PREFERRED = ("br", "gzip")  # on equal q-values: brotli's copy is the smaller


def accepted_codings(accept: Accept) -> tuple[str, ...]:
    """The codings of PREFERRED the client takes (q > 0), highest q first; none means identity.

    A coding named in the header is judged by its own q-value, `*` only gives one to the others,
    so `br;q=0, *` refuses brotli and `gzip, *;q=0` takes gzip alone.
    """
    named = {value.lower(): quality for value, quality in accept}
    quality = {coding: named.get(coding, named.get("*", 0)) for coding in PREFERRED}
    return tuple(sorted((c for c in PREFERRED if quality[c] > 0), key=lambda c: -quality[c]))  # stable: ties keep br


def send_download(fmt: str, flt: CameraFilter) -> Response:
    """The snapshot file when unfiltered, else a stream; 304 for a fresh copy, brotli or gzip when asked."""
    base = public_base_url()
    codings = accepted_codings(request.accept_encodings)
    snapshot = snapshot_for(fmt, flt, base, codings)
    if snapshot is not None:
        return send_snapshot(fmt, snapshot)
    fresh = freshness(fmt, flt, base)
    headers = download_headers(fmt, fresh.etag, fresh.last_modified)
    if not is_resource_modified(request.environ, etag=fresh.etag, last_modified=fresh.last_modified):
        return Response(status=304, headers=headers)
    if fmt == "gpkg":
        return Response(geopackage_bytes(flt, base), mimetype=MEDIA_TYPE, headers=headers)
    chunks = started(STREAMS[fmt](flt, base))
    if "gzip" in codings:  # a stream is gzipped on the fly (level 1); brotli is for the files made once
        headers["Content-Encoding"] = "gzip"
        chunks = gzipped(chunks)
    return Response(chunks, mimetype=FORMATS[fmt], headers=headers)


def download_headers(fmt: str, etag: str, last_modified, name: str = "cameras") -> dict:
    """Validators and caching for a download; a file name for every format but GeoJSON."""
    headers = {"ETag": etag, "Vary": "Accept-Encoding", "Cache-Control": "public, max-age=60"}
    if last_modified:
        headers["Last-Modified"] = http_date(last_modified)
    if fmt != "geojson":
        headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return headers


def send_snapshot(fmt: str, snapshot: SnapshotFile) -> Response:
    """A published file: by the proxy when SNAPSHOT_ACCEL_PREFIX is set, else send_file (ranges, 304)."""
    last_modified = snapshot.version.changed_at
    headers = download_headers(fmt, quote_etag(snapshot.etag), last_modified)
    if snapshot.encoding:
        headers["Content-Encoding"] = snapshot.encoding
    if not is_resource_modified(request.environ, etag=headers["ETag"], last_modified=last_modified):
        return Response(status=304, headers=headers)
    if prefix := current_app.config.get("SNAPSHOT_ACCEL_PREFIX"):
        # nginx keeps only Content-Type, -Disposition, Cache-Control and a few more of ours; its
        # gzip_static (Caddy: precompressed br gzip) picks the copy beside the plain file and says so itself.
        headers.pop("Content-Encoding", None)
        headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + snapshot.plain
        return Response(mimetype=MEDIA_TYPES[fmt], headers=headers)
    response = send_file(
        snapshot.path, MEDIA_TYPES[fmt], conditional=True, etag=snapshot.etag, last_modified=last_modified, max_age=60
    )
    response.headers.update(headers)
    return response


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
    return send_download("gpkg", flt)


@blp.route("/cameras/<int:camera_id>")
@blp.response(200, content_type="application/geo+json", description="A Feature with `history` and `photos`.")
@blp.alt_response(404, description="No camera with that id.")
def camera(camera_id):
    """One camera, with its confirmations by day: dates and counts only."""
    body = json.dumps(public_camera(camera_id, public_base_url()))
    return Response(body, mimetype="application/geo+json")
