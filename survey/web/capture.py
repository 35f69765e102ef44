"""The volunteers' capture page: its app shell at /, its service worker at /sw.js, its manifest."""

import hashlib
import json

from flask import Blueprint, Response, current_app, render_template

import config as settings
from survey import vocab
from survey.intake.start_view import map_centre
from survey.web.basemap import basemap_info
from survey.web.compression import compress
from survey.web.security import content_security_policy, tile_origin

CAPTURE = settings.ROOT / "static" / "capture"

# The shell is a template only for the map settings and the vocabularies; everything else in it is static.
blp = Blueprint("pages", __name__, template_folder=str(settings.ROOT / "static"))


def _no_cache(response: Response) -> Response:
    """Revalidate every time, so a new release reaches phones on their next visit; compressed."""
    response.headers["Cache-Control"] = "no-cache"
    return compress(response)


def shell_version() -> str:
    """A hash of everything the service worker caches; a new value makes phones fetch the new shell."""
    digest = hashlib.sha256()
    for path in sorted(p for p in CAPTURE.rglob("*") if p.is_file()):
        digest.update(path.relative_to(CAPTURE).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update((settings.ROOT / "package-lock.json").read_bytes())
    digest.update(f"{current_app.config['TILE_URL']}\0{current_app.config['TILE_ATTRIBUTION']}".encode())
    digest.update(json.dumps(vocab.served()).encode())  # the shell embeds the vocabularies too
    digest.update(repr(map_centre()).encode())  # and where its map opens
    digest.update(repr(basemap_info()).encode())  # and which basemap it draws
    return digest.hexdigest()[:16]


@blp.route("/")
def capture_page():
    """The capture page (the app shell the service worker keeps for offline use)."""
    config = current_app.config
    centre = map_centre()
    basemap = basemap_info() or {"url": "", "bytes": "", "version": ""}
    html = render_template(
        "capture/index.html",
        tile_url=config["TILE_URL"],
        tile_attribution=config["TILE_ATTRIBUTION"],
        map_centre=",".join(f"{x:.6f}" for x in centre) if centre else "",
        basemap=basemap,
    )
    return _no_cache(Response(html, mimetype="text/html"))


@blp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope covers the page at /.

    Its own policy lets it fetch map tiles (the page's CSP allows them only as images), to keep
    the ones the volunteer viewed for offline use.
    """
    source = (CAPTURE / "sw.js").read_text().replace("__SHELL_VERSION__", shell_version())
    response = Response(source, mimetype="text/javascript")
    tiles = tile_origin(current_app.config["TILE_URL"])
    policy = content_security_policy().replace("connect-src 'self'", f"connect-src 'self' {tiles}")
    response.headers["Content-Security-Policy"] = policy
    return _no_cache(response)


@blp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest, so the page can be added to a phone's home screen."""
    return _no_cache(Response((CAPTURE / "manifest.webmanifest").read_bytes(), mimetype="application/manifest+json"))
