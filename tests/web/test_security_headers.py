"""Security headers on every route and every error; session cookies Secure, HttpOnly, SameSite."""

import re

import pytest
from flask import session

import config as settings
from survey import create_app
from tests.factories import photo, upload

TILE_ORIGIN = "https://tile.openstreetmap.org"


def example_path(rule) -> str:
    """A concrete URL for a route, with made-up values for its arguments."""
    values = {"int": "1", "path": "x/y.js", "default": "x"}
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
        lambda m: "leaflet" if m[2] == "package" else values.get(m[1] or "default", "x"),
        rule.rule,
    )


def every_response(client, app):
    """A GET of every route, plus the error paths: 404, 405, 413, 415, 422."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            yield rule.rule, client.get(example_path(rule))
    yield "404", client.get("/no/such/page")
    yield "405", client.delete("/api/v1/sightings")
    yield "415", upload(client, b"not an image", lat=51.5, lon=-0.12)
    yield "422", upload(client, photo())
    yield (
        "413",
        client.post(
            "/api/v1/sightings",
            data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
            content_type="multipart/form-data; boundary=x",
        ),
    )


def csp_directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_response_carries_the_security_headers(client, app):
    seen = 0
    for route, response in every_response(client, app):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", route
        assert headers["Referrer-Policy"] == "no-referrer", route
        assert headers["X-Frame-Options"] == "DENY", route
        csp = csp_directives(headers["Content-Security-Policy"])
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], route
        assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"], route
        origins = {src for values in csp.values() for src in values if src.startswith(("http:", "https:"))}
        assert origins == {TILE_ORIGIN}, (route, origins)  # the map tiles' host and nothing else
        assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
        seen += 1
    assert seen >= 8


def test_csp_follows_the_configured_tile_server(database_url, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "x",
            "DATA_DIR": str(tmp_path),
            "TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        }
    )
    csp = csp_directives(app.test_client().get("/api/v1/openapi.json").headers["Content-Security-Policy"])
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://*.tiles.example.org"]


def _session_cookie(app) -> str:
    with app.test_request_context("/"):
        session["moderator"] = 1
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
        return response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "env,secure", [({}, True), ({"SESSION_COOKIE_SECURE": "0"}, False)], ids=["production", "make run"]
)
def test_session_cookie_flags(tmp_path, env, secure):
    config = settings.from_environment({"INSTANCE_DIR": str(tmp_path), **env})
    app = create_app(config | {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    cookie = _session_cookie(app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie.split("; ")) is secure


def test_hsts_only_when_public_url_is_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/map").headers
    app.config["PUBLIC_URL"] = "https://cameras.example.org/"
    for path in ("/map", "/api/v1/cameras.geojson", "/console/login"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000", path
    app.config["PUBLIC_URL"] = "http://cameras.example.org/"
    assert "Strict-Transport-Security" not in client.get("/map").headers
