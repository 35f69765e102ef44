"""The fix nearest the shutter, a stale fix said out loud, and a map that never opens on the whole world."""

import math
import re

import pytest
from playwright.sync_api import expect

from survey.extensions import db
from survey.geo import distance_m
from survey.models import SurveyArea
from tests.factories import photo
from tests.web.test_capture_page import LONDON, SLOW_MS, capture, jpeg_file, save_and_send, shoot, sightings

AHEAD = {"latitude": LONDON["latitude"] + 0.00036, "longitude": LONDON["longitude"], "accuracy": 12}  # 40 m on


def pin_position(page) -> tuple[float, float]:
    return tuple(map(float, re.findall(r"-?\d+\.\d+", page.locator("#pin-text").inner_text())))


def tile_coordinates(page) -> set[tuple[int, int, int]]:
    """(z, x, y) of the map tiles the page drew (the routed tile URLs end in /z/x/y.png)."""
    urls = page.locator("#map .leaflet-tile").evaluate_all("(tiles) => tiles.map((t) => t.src)")
    return {tuple(int(n) for n in re.search(r"/(\d+)/(\d+)/(\d+)\.png", url).groups()) for url in urls}


def tile_x(lon: float, zoom: int) -> int:
    return math.floor((lon + 180) / 360 * 2**zoom)


def test_the_fix_nearest_the_shutter_is_used_not_an_older_more_accurate_one(phone, app):
    page = phone(geolocation={**LONDON, "accuracy": 5})  # an accurate fix at the previous camera
    page.clock.install()
    page.clock.fast_forward("00:08")  # the volunteer walks 40 m in 8 s...
    page.context.set_geolocation(AHEAD)  # ...and the phone's next fix, less accurate, is where they are
    expect(page.locator("#fix-text")).to_have_text("Position ±12 m")
    capture(page, jpeg_file("next-camera.jpg", photo(size=(640, 480), seed=61)))
    expect(page.locator("#pin-text")).to_contain_text("Your position (±12 m)")
    expect(page.locator("#fix-warning")).to_be_hidden()
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.location_source, row.lat, row.lon, row.accuracy_m) == (
        "device",
        AHEAD["latitude"],
        AHEAD["longitude"],
        12,
    )
    assert distance_m(row.lat, row.lon, LONDON["latitude"], LONDON["longitude"]) == pytest.approx(40, abs=1)


def test_a_poor_old_fix_is_not_used_silently(phone, app):
    page = phone(geolocation={**LONDON, "accuracy": 38})
    page.clock.install()
    page.clock.fast_forward("00:12")
    expect(page.locator("#fix-text")).to_have_text(re.compile(r"Position ±38 m, 1\d s old"))
    capture(page, jpeg_file("stale.jpg", photo(size=(640, 480), seed=62)))
    warning = page.locator("#fix-warning")
    expect(warning).to_contain_text(re.compile(r"Waiting for a better fix: ±38 m, 1\d s old\."))
    shoot(page, "18-waiting-for-a-better-fix")
    page.click("#send")  # the first tap only asks
    expect(page.locator("#send")).to_have_text("Send anyway")
    expect(page.locator("#screen-details")).to_be_visible()
    assert sightings(app) == []
    save_and_send(page)  # the volunteer decides: send it as it is
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.location_source, row.accuracy_m) == ("device", 38)
    assert "low_accuracy" not in {w["code"] for w in row.warnings}  # 38 m is under the moderators' 50 m


def test_a_good_fix_that_arrives_while_waiting_replaces_the_stale_one(phone, app):
    page = phone(geolocation={**LONDON, "accuracy": 38})
    page.clock.install()
    page.clock.fast_forward("00:15")
    capture(page, jpeg_file("stale.jpg", photo(size=(640, 480), seed=63)))
    expect(page.locator("#fix-warning")).to_be_visible()
    page.context.set_geolocation({**LONDON, "accuracy": 6})  # the volunteer stood still: GPS settles
    expect(page.locator("#fix-warning")).to_be_hidden()
    expect(page.locator("#pin-text")).to_contain_text("Your position (±6 m)")
    expect(page.locator("#send")).to_have_text("Save & send")


def test_with_location_denied_the_map_opens_at_street_zoom_on_the_survey_area(phone, app):
    with app.app_context():
        db.session.add(
            SurveyArea(
                name="Cambridge",
                boundary="{}",
                centre_lat=52.2053,
                centre_lon=0.1218,
                **dict.fromkeys(("min_lon", "min_lat", "max_lon", "max_lat"), 0.0),
            )
        )
        db.session.commit()
    page = phone(geolocation=None)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(320, 240), seed=64)))
    tiles = tile_coordinates(page)
    assert {z for z, _, _ in tiles} == {18}
    assert tile_x(0.1218, 18) in {x for _, x, _ in tiles}
    expect(page.locator(".leaflet-marker-icon")).to_have_count(0)

    for _ in range(12):  # zoomed out to a whole region, a tap cannot place a pin...
        if max(z for z, _, _ in tile_coordinates(page)) <= 12:
            break
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(350)  # Leaflet ignores a zoom asked during its animation
    assert max(z for z, _, _ in tile_coordinates(page)) <= 12
    page.locator("#map").click(position={"x": 150, "y": 100})
    expect(page.locator("#pin-text")).to_have_text("Zoomed in to street level: now tap where the camera is.")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(0)
    page.wait_for_timeout(400)
    page.locator("#map").click(position={"x": 150, "y": 100})  # ...at street zoom it can
    expect(page.locator("#pin-text")).to_contain_text("Pin moved by hand")
    lat, lon = pin_position(page)
    assert distance_m(lat, lon, 52.2053, 0.1218) < 50_000  # near Cambridge, not Algeria

    pin = page.get_by_role("button", name="Camera position: drag to move")
    pin.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    moved_lat, moved_lon = pin_position(page)
    assert moved_lon > lon and moved_lat == pytest.approx(lat, abs=1e-5)  # east, give or take a pixel
    assert 2 < distance_m(lat, lon, moved_lat, moved_lon) < 20
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert row.location_source == "manual"  # the page shows 6 decimals, it sends 7
    assert (row.lat, row.lon) == (pytest.approx(moved_lat, abs=1e-6), pytest.approx(moved_lon, abs=1e-6))


def test_with_no_area_the_map_opens_at_the_configured_centre(phone, app):
    app.config["DEFAULT_MAP_CENTRE"] = (48.8584, 2.2945)
    page = phone(geolocation=None)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(320, 240), seed=65)))
    tiles = tile_coordinates(page)
    assert {z for z, _, _ in tiles} == {18} and tile_x(2.2945, 18) in {x for _, x, _ in tiles}


def test_the_page_refuses_nothing_itself_but_the_server_refuses_zero_zero(phone, live_server):
    page = phone(geolocation=None)
    status = page.evaluate("""async () => {
        const form = new FormData();
        form.append("lat", "0"); form.append("lon", "0"); form.append("location_source", "manual");
        form.append("position_choice", "manual"); form.append("capture", "camera");
        form.append("photo", new Blob([new Uint8Array([255, 216, 255])], { type: "image/jpeg" }), "x.jpg");
        const response = await fetch("/api/v1/sightings", { method: "POST", body: form });
        return [response.status, await response.json()];
    }""")
    assert status[0] == 422 and "0, 0 is not a position" in str(status[1]["errors"])
