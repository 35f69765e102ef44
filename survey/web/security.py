"""Security headers on every response."""

from urllib.parse import urlsplit

from flask import Flask, current_app


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
    return response


def init_app(app: Flask) -> None:
    # Flask's defaults already hold these keys (SameSite=None), so setdefault would change nothing.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.after_request(_headers)
