"""Gzip for text responses: the capture page, its modules and Leaflet load fast on a slow phone link.

Each body is compressed once and kept in memory (the set of files is small and fixed).
"""

import gzip
from functools import lru_cache

from flask import Response, request

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")
MIN_SIZE = 512  # smaller bodies gain nothing from compression


@lru_cache(maxsize=256)
def _gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def compress(response: Response) -> Response:
    """Gzip a whole 200 text response when the client accepts it; its ETag names the encoding."""
    response.vary.add("Accept-Encoding")
    wanted = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if not wanted or response.status_code != 200 or "Content-Encoding" in response.headers:
        return response
    if not (response.mimetype or "").startswith(COMPRESSIBLE):
        return response
    etag, weak = response.get_etag()
    if etag and request.if_none_match.contains(f"{etag}-gzip"):
        return _not_modified(response, f"{etag}-gzip", weak)
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(_gzipped(data))
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def _not_modified(response: Response, etag: str, weak: bool) -> Response:
    """The 304 for a client holding the compressed copy (the file's own check saw another ETag)."""
    response.close()
    unchanged = Response(status=304)
    unchanged.set_etag(etag, weak=weak)
    for name in ("Cache-Control", "Expires", "Last-Modified", "Vary"):
        if name in response.headers:
            unchanged.headers[name] = response.headers[name]
    return unchanged
