"""CORS for the public, read-only routes, so a page on another origin (a notebook, a newsroom's map) can fetch them.

`Access-Control-Allow-Origin: *` and never credentials: these routes need no login, and a browser sends no
cookies with a `*` answer. Moderation, sign-in and the volunteers' routes get no CORS header at all, so the
browser keeps other origins out of them.
"""

from flask import Flask, request

# Blueprints whose every route is public and read-only: downloads, a camera's or sign's JSON, the OGC API,
# published photo copies, and the vocabularies.
PUBLIC_BLUEPRINTS = frozenset({"cameras", "signs", "ogcapi", "media", "vocab"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    # Conditional and content-negotiated reads; anything else would not be a simple public read.
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
# Scripts may read these from a cross-origin response: caching and the download's file name.
EXPOSED = "ETag, Last-Modified, Content-Disposition"


def is_public_read() -> bool:
    return request.blueprint in PUBLIC_BLUEPRINTS and request.method in READ_METHODS


def _cors(response):
    if not is_public_read():
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT)
    else:
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def init_app(app: Flask) -> None:
    app.after_request(_cors)
