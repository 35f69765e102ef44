"""A generated grid town imported with the documented commands, some streets walked; the public
coverage map and the capture page's street screen as docs/areas.md shows them (360x640)."""

import json
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from survey.web.security import tile_origin
from tests.areas.osmdata import walk, write_boundary, write_osm
from tests.conftest import screenshot_path
from tests.support import camera
from tests.web.test_capture_page import PHONE, TILE, TILE_HEADERS

LAT0, LON0, DLAT, DLON = 52.2000, 0.1100, 0.0015, 0.0024
EAST_WEST = ["Mill Road", "Hills Road", "Tenison Road", "Cavendish Road", "Glisson Road", "Lyndewode Road"]
NORTH_SOUTH = ["Station Road", "Bateman Street", "Panton Street", "Norwich Street", "Union Road", "Coronation Street"]


def grid_town() -> tuple[dict, list, dict]:
    """Nodes at the crossings; each street is one way per block, so the import merges them."""
    nodes = {1 + r * 10 + c: (LON0 + c * DLON, LAT0 + r * DLAT) for r in range(6) for c in range(6)}
    ways, way_id = [], 1000
    for r, name in enumerate(EAST_WEST):
        for c in range(5):
            ways.append(
                (way_id := way_id + 1, {"highway": "residential", "name": name}, [1 + r * 10 + c, 2 + r * 10 + c])
            )
    for c, name in enumerate(NORTH_SOUTH):
        for r in range(5):
            ways.append(
                (way_id := way_id + 1, {"highway": "residential", "name": name}, [1 + r * 10 + c, 11 + r * 10 + c])
            )
    west, south = LON0 - DLON / 2, LAT0 - DLAT / 2
    east, north = LON0 + 5.5 * DLON, LAT0 + 5.5 * DLAT
    boundary = {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }
    return nodes, ways, boundary


def test_a_generated_town_imported_walked_and_shown(browser, live_server, app, client, runner, tmp_path):
    nodes, ways, boundary = grid_town()
    osm, area_file = write_osm(tmp_path / "town.osm", nodes, ways), write_boundary(tmp_path / "town.geojson", boundary)
    made = runner.invoke(
        args=["areas", "create", "Grid town", "--boundary", str(area_file), "--centre", "52.2030,0.1160"]
    )
    assert made.exit_code == 0, made.output
    imported = runner.invoke(args=["areas", "import-streets", "Grid town", str(osm)])
    assert imported.exit_code == 0, imported.output
    assert "60 of 60 ways inside Grid town: 12 streets added, 0 updated, 0 unchanged" in imported.output
    areas = client.get("/api/v1/areas").json
    [area] = [a["id"] for a in areas if a["name"] == "Grid town"]
    layer = client.get(f"/api/v1/areas/{area}/streets.geojson").json
    ids = {f["properties"]["name"]: f["id"] for f in layer["features"]}

    today = datetime.now(UTC).date()
    for name in EAST_WEST[:3]:
        assert walk(client, area, ids[name], (today - timedelta(days=20)).isoformat()).status_code == 201
    for name in NORTH_SOUTH[:2]:
        assert walk(client, area, ids[name], (today - timedelta(days=420)).isoformat()).status_code == 201
    camera(app, lat=LAT0 + DLAT, lon=LON0 + 1.5 * DLON)  # on Hills Road: walked, cameras found
    camera(app, lat=LAT0 + 2 * DLAT, lon=LON0 + 3.5 * DLON)  # on Tenison Road
    states = [f["properties"]["state"] for f in client.get(f"/api/v1/areas/{area}/streets.geojson").json["features"]]
    assert sorted(states) == ["due_again"] * 2 + ["not_walked"] * 7 + ["walked"] * 3

    context = browser.new_context(
        **PHONE, permissions=["geolocation"], geolocation={"latitude": 52.2031, "longitude": 0.1161}
    )
    tiles = tile_origin(app.config["TILE_URL"])
    context.route(f"{tiles}/**", lambda route: route.fulfill(body=TILE, content_type="image/png", headers=TILE_HEADERS))
    page = context.new_page()
    page.goto(f"{live_server.url}/map#16/52.2037/0.1160")
    page.locator("#panel summary").click()
    page.locator("#layer-coverage").check()
    page.wait_for_function("() => document.querySelectorAll('path.street').length === 12")
    page.locator("#panel summary").click()
    page.screenshot(path=str(screenshot_path("areas-coverage-map.png")))

    page.goto(f"{live_server.url}/#walk")
    expect(page.locator("#walk-area-note")).to_have_text("Picked from where you are.", timeout=15_000)
    expect(page.locator("#walk-list button").first).to_be_visible()
    page.locator("#walk-list button", has_text="Hills Road").click()
    expect(page.locator("#walk-street")).to_have_text("Hills Road: Walked, cameras found, 1 camera")
    page.evaluate("document.querySelector('#walk-map').scrollIntoView()")
    page.screenshot(path=str(screenshot_path("areas-capture-streets.png")))
    context.close()
    assert json.dumps(layer).count("volunteer") == 0
