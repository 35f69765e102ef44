"""CORS: public read-only routes answer any origin (no credentials); moderation, auth and volunteers' routes never do."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.support import camera

PUBLIC = [
    "/api/v1/cameras.geojson",
    "/api/v1/cameras.csv",
    "/api/v1/cameras.osm",
    "/api/v1/vocab",
    "/ogcapi",
    "/ogcapi/collections/cameras/items",
]
PRIVATE = [
    ("GET", "/api/v1/moderation/sightings"),
    ("GET", "/api/v1/moderation/audit"),
    ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/sightings"),
    ("GET", "/console"),
]
PREFLIGHT = {"Origin": "http://elsewhere.example", "Access-Control-Request-Method": "GET"}


@pytest.mark.parametrize("path", PUBLIC)
def test_public_reads_allow_any_origin_without_credentials(client, app, path):
    camera(app)
    response = client.get(path, headers={"Origin": "http://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_preflight_is_answered(client, path):
    response = client.options(path, headers={**PREFLIGHT, "Access-Control-Request-Headers": "if-none-match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_a_camera_its_photo_and_errors_on_public_routes_carry_cors(client, app):
    camera_id = camera(app)
    assert client.get(f"/api/v1/cameras/{camera_id}").headers["Access-Control-Allow-Origin"] == "*"
    missing = client.get("/api/v1/cameras/999999")
    assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == "*"
    photo = client.get(f"/media/display/{'0' * 64}.jpg")  # a script can read why it failed
    assert photo.status_code == 404 and photo.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(("method", "path"), PRIVATE)
def test_moderation_auth_and_volunteer_routes_never_allow_other_origins(client, method, path):
    response = client.open(path, method=method, headers={"Origin": "http://elsewhere.example"})
    assert response.status_code < 500
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(path, headers={**PREFLIGHT, "Access-Control-Request-Method": method})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


@pytest.fixture
def other_origin():
    """A second loopback server (another port, so another origin) that serves one blank page."""

    class Blank(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>a notebook</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Blank)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


FETCH = """async ([url, headers]) => {
    try { const r = await fetch(url, {headers}); return [r.status, await r.text()]; }
    catch (e) { return [0, String(e)]; }
}"""


def test_chromium_on_another_origin_reads_public_data_but_not_moderation(browser, live_server, app, other_origin):
    camera(app, manufacturer="Axis")
    page = browser.new_page()
    page.goto(f"{other_origin}/")
    # If-None-Match is not a CORS-safelisted header, so this fetch needs a preflight first.
    items = f"{live_server.url}/ogcapi/collections/cameras/items"
    status, body = page.evaluate(FETCH, [items, {"If-None-Match": '"x"', "Accept": "application/geo+json"}])
    assert status == 200 and '"Axis"' in body, body
    status, body = page.evaluate(FETCH, [f"{live_server.url}/api/v1/cameras.csv", {}])
    assert status == 200 and "Axis" in body
    queue = f"{live_server.url}/api/v1/moderation/sightings"
    status, body = page.evaluate(FETCH, [queue, {"Authorization": "Bearer stolen"}])
    assert status == 0 and "Failed to fetch" in body
    status, body = page.evaluate(FETCH, [f"{live_server.url}/api/v1/auth/me", {}])  # a simple request, no preflight
    assert status == 0 and "Failed to fetch" in body
    page.close()
