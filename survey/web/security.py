"""Security headers on every response, and the request values no route may receive.

A NUL character is refused (422) wherever text comes in, before any rule sees it: PostgreSQL
cannot store one and SQLite would, so refusing it here makes both databases answer alike. A URL
longer than MAX_URL_LENGTH is a JSON 414 (set the server's own limit above it so the app answers).
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, request

from survey.errors import BadQuery, Invalid, UriTooLong

NUL_MESSAGE = "NUL characters are not allowed."
HSTS = "max-age=31536000"  # a year, the common floor for preload lists


def tile_origin(tile_url: str) -> str:
    """'https://{s}.tile.example.org/{z}/...' -> 'https://*.tile.example.org'."""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy() -> str:
    tiles = tile_origin(current_app.config["TILE_URL"])
    return "; ".join(
        (
            "default-src 'self'",
            f"img-src 'self' data: blob: {tiles}",
            "script-src 'self'",
            # Leaflet positions its panes with inline styles.
            "style-src 'self' 'unsafe-inline'",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    # Only when the site is served over HTTPS: HSTS on a plain-HTTP install would lock browsers out.
    if current_app.config["PUBLIC_URL"].lower().startswith("https://"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _nul_names(pairs) -> list[str]:
    """The names, of (name, value) pairs, whose name or value holds a NUL."""
    found = {name for name, value in pairs if _has_nul(name) or _has_nul(value)}
    return sorted({str(name).replace("\x00", "") or "_schema" for name in found})


def _body_fields_with_nul() -> list[str]:
    """Form and top-level JSON names whose names or values hold a NUL (files are bytes, not text)."""
    body = request.get_json(silent=True) if request.is_json else None
    pairs = [*request.form.items(multi=True), *(body.items() if isinstance(body, dict) else [])]
    return _nul_names(pairs) + (["_schema"] if not isinstance(body, dict) and _has_nul(body) else [])


def refuse_bad_requests() -> None:
    """414 for an over-long URL; 400 for a query, 422 for a body, holding a NUL: before any view or limiter runs."""
    if len(request.path) + len(request.query_string) > current_app.config["MAX_URL_LENGTH"]:
        raise UriTooLong(f"This URL is longer than {current_app.config['MAX_URL_LENGTH']} characters.")
    in_query = _nul_names(request.args.items(multi=True))
    if in_query:  # a bad query parameter is a 400 on every route, as the schemas' own refusals are
        raise BadQuery(NUL_MESSAGE, errors={name: [NUL_MESSAGE] for name in in_query})
    fields = _body_fields_with_nul()
    if fields:
        raise Invalid(NUL_MESSAGE, errors={name: [NUL_MESSAGE] for name in fields})


def init_app(app: Flask) -> None:
    # Flask's defaults already hold these keys (SameSite=None), so setdefault would change nothing.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.after_request(_headers)
    app.before_request(refuse_bad_requests)
