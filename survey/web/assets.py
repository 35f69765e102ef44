"""Static files: our own from static/, third-party ones from node_modules (installed, never copied).

Text files are sent gzip-compressed to clients that accept it (survey.web.compression).
"""

from flask import Blueprint, abort, send_from_directory

import config as settings
from survey.web.compression import compress

blp = Blueprint("assets", __name__)

# Only these packages' distribution folders are served.
VENDOR = {
    "leaflet": "leaflet/dist",
    "leaflet.markercluster": "leaflet.markercluster/dist",
    "exifr": "exifr/dist",  # the capture page reads a photo's GPS before sending
    "pmtiles": "pmtiles/dist",  # the capture page reads a self-hosted basemap (BASEMAP_PMTILES) by ranges
    "protomaps-leaflet": "protomaps-leaflet/dist",  # and draws it when its tiles are vector (MVT)
}


@blp.route("/static/<path:filename>")
def static_file(filename):
    """Our own front-end files, revalidated on every load (no-cache + ETag: a 304 costs little).

    The pages are ES modules importing one another: with a cache lifetime, a deploy could mix
    old and new modules for that long and stop a page with an import error.
    """
    return compress(send_from_directory(settings.ROOT / "static", filename, max_age=None))


@blp.route("/vendor/<package>/<path:filename>")
def vendor_file(package, filename):
    """A third-party front-end file, e.g. /vendor/leaflet/leaflet.js."""
    if package not in VENDOR:
        abort(404)
    return compress(send_from_directory(settings.ROOT / "node_modules" / VENDOR[package], filename, max_age=86400))
