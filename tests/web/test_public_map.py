"""The public map at /map: the page itself, then Debian's chromium at a phone's size."""

import re

import pytest

from survey import vocab
from tests.conftest import screenshot_path
from tests.support import camera, camera_from_upload


def test_map_page_takes_its_settings_from_config(client, app):
    app.config.update(
        TILE_URL="https://{s}.tiles.example.net/{z}/{x}/{y}.png", TILE_ATTRIBUTION="© Example <b>Tiles</b>"
    )
    response = client.get("/map")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-tile-url="https://{s}.tiles.example.net/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Example &lt;b&gt;Tiles&lt;/b&gt;"' in html
    assert "https://*.tiles.example.net" in response.headers["Content-Security-Policy"]
    assert "ODbL-1.0" in html
    for href in ("/api/v1/cameras.geojson", "/api/v1/cameras.csv", "/api/v1/cameras.osm"):
        assert f'href="{href}"' in html


def test_map_page_has_no_inline_script(client):
    html = client.get("/map").get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers either
    assert all(body.strip() == "" for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S))


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/vendor/leaflet.markercluster/MarkerCluster.css",
        "/static/map/map.js",
        "/static/map/map.css",
        "/static/public/site.css",
    ],
)
def test_map_assets_are_served(client, path):
    assert client.get(path).status_code == 200


POPUP_SETTLED = (  # faded in, and the map has panned to show it whole
    "() => { const p = document.querySelector('.leaflet-popup'); const box = p.getBoundingClientRect();"
    " return getComputedStyle(p).opacity === '1' && box.left >= 0 && box.right <= window.innerWidth; }"
)


@pytest.fixture
def phone(browser):
    """A phone-sized page that records script errors and CSP violations (failed tile loads aside)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on(
        "console",
        lambda m: m.type == "error" and "Failed to load resource" not in m.text and page.problems.append(m.text),
    )
    yield page
    context.close()


def test_map_on_a_phone_shows_markers_and_a_popup(phone, live_server, app, client):
    # Tiles from the test server itself (they 404): no test ever reaches the internet.
    app.config["TILE_URL"] = live_server.url + "/no-tiles/{z}/{x}/{y}.png"
    made = camera_from_upload(client, app, camera_fields={"lat": 51.5033, "lon": -0.1196, "direction": 45.0})
    camera(app, lat=51.5033, lon=-0.1096, manufacturer="Dahua", operator="Transport for London", direction=None)
    camera(app, lat=51.5083, lon=-0.1146, signage="none")
    tile_referers = []
    phone.on("request", lambda r: "/no-tiles/" in r.url and tile_referers.append(r.all_headers().get("referer")))
    phone.goto(f"{live_server.url}/map")
    phone.wait_for_function("() => document.querySelectorAll('.camera-icon').length === 3", timeout=15000)
    # OpenStreetMap refuses tiles without a Referer, and the site's own policy is no-referrer.
    policies = phone.eval_on_selector_all(
        "img.leaflet-tile", "tiles => tiles.map(t => t.getAttribute('referrerpolicy'))"
    )
    assert policies and set(policies) == {"strict-origin-when-cross-origin"}
    assert tile_referers and all(referer == f"{live_server.url}/map" for referer in tile_referers)
    assert phone.locator(".camera-icon .fov").count() == 2  # wedges only where a direction is known
    assert phone.locator("#camera-count").text_content() == "3 cameras in view."  # in the closed panel

    phone.locator(f'.leaflet-marker-icon[title^="Camera {made["camera_id"]},"]').click()
    popup = phone.locator(".leaflet-popup .camera-popup")
    popup.wait_for(timeout=10000)
    signage = vocab.SIGNAGE_LABELS["within_50m"]  # the popup shows the server's label
    for expected in ("Hikvision DS-2CD2143G0-I", "Lambeth Council", signage, "2026-05-02", "45°"):
        assert expected in popup.inner_text()
    phone.wait_for_function("() => document.querySelector('.camera-popup img').naturalWidth > 0", timeout=10000)
    phone.wait_for_function(POPUP_SETTLED, timeout=10000)
    phone.screenshot(path=str(screenshot_path("map.png")))

    phone.locator("#panel summary").click()
    phone.select_option("#filter-manufacturer", "Dahua")
    phone.wait_for_function("() => document.querySelectorAll('.camera-icon').length === 1", timeout=10000)
    phone.wait_for_function("() => document.getElementById('camera-count').textContent === '1 camera in view.'")
    assert phone.get_attribute("#download-csv", "href") == "/api/v1/cameras.csv?manufacturer=Dahua"
    assert phone.problems == []
