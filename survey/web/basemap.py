"""The self-hosted basemap: one PMTiles archive (BASEMAP_PMTILES) served by byte ranges to the pin map.

The page's pmtiles reader asks for the header, then directories and tiles, each a Range request;
it compares the ETag of every answer, so a replaced file is noticed. A phone may also fetch the
whole file once (a plain 200) to keep it for offline use.
"""

from pathlib import Path

from flask import Blueprint, current_app, jsonify, send_file
from werkzeug.exceptions import NotFound, RequestedRangeNotSatisfiable

from survey.errors.handlers import error_body

blp = Blueprint("basemap", __name__)
URL = "/basemap.pmtiles"
MEDIA_TYPE = "application/vnd.pmtiles"


def basemap_path() -> Path | None:
    """The configured archive, if it is set and is a file."""
    value = current_app.config.get("BASEMAP_PMTILES") or ""
    path = Path(value) if value else None
    return path if path and path.is_file() else None


def basemap_info() -> dict | None:
    """What the capture page needs to know: where the archive is and how big (None: no basemap)."""
    path = basemap_path()
    if path is None:
        return None
    stat = path.stat()
    return {"url": URL, "bytes": stat.st_size, "version": f"{stat.st_mtime_ns:x}-{stat.st_size:x}"}


@blp.route(URL)
def basemap_file():
    """The basemap archive: 206 for a Range (If-Range honoured), 416 for a range it cannot satisfy."""
    path = basemap_path()
    if path is None:
        raise NotFound("No basemap is configured on this server: the map uses TILE_URL's tiles.")
    try:
        response = send_file(path, MEDIA_TYPE, conditional=True, etag=True, max_age=3600)
    except RequestedRangeNotSatisfiable:
        return _unsatisfiable(path.stat().st_size)
    response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Range"
    return response


def _unsatisfiable(size: int):
    """416 in the error shape, with the `bytes */size` readers use to learn the length."""
    body = error_body(416, "Range Not Satisfiable", f"The range is not within the basemap's {size} bytes.")
    response = jsonify(body)
    response.status_code = 416
    response.headers["Content-Range"] = f"bytes */{size}"
    response.headers["Accept-Ranges"] = "bytes"
    return response
