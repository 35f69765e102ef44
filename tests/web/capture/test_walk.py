"""Walking on the capture page, in chromium at 360x640: the area picked from the phone's position, a
street marked walked (all of it, or a part between two taps), offline and after a reload, exactly once."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.geo import distance_m, distance_to_line_m
from survey.models import Walk
from survey.privacy import stable_hash
from tests.areas.osmdata import make_town, way_points
from tests.support import camera
from tests.web.capture.test_layout import small_targets
from tests.web.test_capture_page import SLOW_MS, shoot

IN_TOWN = {"latitude": 52.2051, "longitude": 0.1191, "accuracy": 8}  # beside Sidney Street's first node
# How far the list says Sidney Street is, computed here from the stored lines.
AWAY = round(min(distance_to_line_m(52.2051, 0.1191, [list(p) for p in way_points(w)]) for w in (100, 101)))
LEGEND = ["Not walked yet", "Walked", "Walked, cameras found", "Due to be walked again"]


@pytest.fixture
def town(app, tmp_path):
    from survey.areas import streets

    london = (
        '{"type":"Polygon","coordinates":[[[-0.13,51.50],[-0.11,51.50],[-0.11,51.51],[-0.13,51.51],[-0.13,51.50]]]}'
    )
    with app.app_context():
        streets.create_area("A London area", london)  # listed first, but the phone is not in it
    return make_town(app, tmp_path)


def walks(app) -> list[Walk]:
    with app.app_context():
        rows = db.session.scalars(select(Walk).order_by(Walk.id)).all()
        db.session.expunge_all()
        return rows


def open_streets(page, area_id: int):
    page.click("#tab-walk")
    expect(page.locator("#screen-walk")).to_be_visible()
    expect(page.locator("#walk-area")).to_have_value(str(area_id))
    expect(page.locator("#walk-list button").first).to_be_visible()


def tap_map(page, lon: float, lat: float):
    point = page.evaluate(
        "([lat, lon]) => import('/static/capture/walk.js').then((w) => w.pagePoint(lat, lon))", [lat, lon]
    )
    page.mouse.click(point["x"], point["y"])


def coverage_rows(client, area_id: int) -> dict:
    response = client.get(f"/api/v1/areas/{area_id}/coverage")
    assert response.status_code == 200
    return {row["name"]: row for row in response.json["streets"]}


def test_the_area_comes_from_the_position_and_a_street_walked_shows_in_the_coverage(phone, app, client, town):
    lon, lat = way_points(102)[0]
    on_passage = camera(app, lat=lat, lon=lon)  # Market Passage has a camera: walked, cameras found
    page = phone(geolocation=IN_TOWN)
    open_streets(page, town["area_id"])
    expect(page.locator("#walk-area-note")).to_have_text("Picked from where you are.")
    expect(page.locator("#walk-legend li")).to_have_text(LEGEND)
    nearest = page.locator("#walk-list button").first
    expect(nearest).to_have_text(f"Sidney Street: Not walked yet · {AWAY} m away")
    nearest.click()
    expect(page.locator("#walk-street")).to_have_text("Sidney Street: Not walked yet")
    assert small_targets(page) == []
    page.click("#walk-whole")
    expect(page.locator("#walk-counts")).to_have_text("Walks on this phone: 0 waiting to send, 1 sent", timeout=SLOW_MS)
    expect(page.locator("#walk-street")).to_have_text("Sidney Street: Walked")
    expect(page.locator("#walk-whole")).to_be_disabled()  # a second tap would count the same walk twice

    rows = coverage_rows(client, town["area_id"])
    assert rows["Sidney Street"]["state"] == "walked" and rows["Sidney Street"]["walked_fraction"] == 1
    [stored] = walks(app)
    assert stored.street_id == town["streets"]["Sidney Street"] and stored.from_fraction is None
    assert stored.day.isoformat() == page.evaluate("new Date().toLocaleDateString('sv')")  # the phone's day
    device = page.evaluate("localStorage.getItem('cctv-device-id')")
    with app.app_context():
        assert stored.volunteer_key == stable_hash(device)  # the key the sightings use, nothing else

    page.locator("#walk-list button", has_text="Market Passage").click()
    page.click("#walk-whole")
    expect(page.locator("#walk-street")).to_have_text("Market Passage: Walked, cameras found, 1 camera")
    assert coverage_rows(client, town["area_id"])["Market Passage"]["cameras"] == [on_passage]
    shoot(page, "21-streets-walked", top="#walk-map")


def test_a_part_of_a_street_is_two_taps_along_it_and_two_fractions_sent(phone, app, client, town):
    page = phone(geolocation=IN_TOWN)
    open_streets(page, town["area_id"])
    (lon1, lat1), (lon2, lat2) = way_points(100)
    tap_map(page, (lon1 + lon2) / 2, (lat1 + lat2) / 2)  # on the street's first stretch: picks it
    expect(page.locator("#walk-street")).to_have_text("Sidney Street: Not walked yet")
    page.click("#walk-part")
    expect(page.locator("#walk-part-text")).to_have_text("Tap the map where your walk along this street began.")
    tap_map(page, lon2, lat2)  # the end of the first way: where the second begins
    expect(page.locator("#walk-part-text")).to_have_text("Now tap where it ended.")
    tap_map(page, (lon1 + lon2) / 2, (lat1 + lat2) / 2)  # back to the middle of the first stretch
    expect(page.locator("#walk-part-send")).to_be_visible()
    assert small_targets(page) == []
    shoot(page, "22-street-part", top="#walk-map")
    page.click("#walk-part-send")
    expect(page.locator("#walk-counts")).to_have_text("Walks on this phone: 0 waiting to send, 1 sent", timeout=SLOW_MS)
    expect(page.locator("#walk-street")).to_have_text("Sidney Street: Not walked yet, part walked")

    lengths = [distance_m(a[1], a[0], b[1], b[0]) for w in (100, 101) for a, b in zip(way_points(w), way_points(w)[1:])]
    total = sum(lengths)
    [stored] = walks(app)
    assert stored.from_fraction == pytest.approx(lengths[0] / 2 / total, abs=0.01)  # ends sorted along the street
    assert stored.to_fraction == pytest.approx(lengths[0] / total, abs=0.01)
    row = coverage_rows(client, town["area_id"])["Sidney Street"]
    assert row["walked_fraction"] == pytest.approx(lengths[0] / 2 / total, abs=0.01)


def test_a_street_walked_offline_arrives_exactly_once_after_a_reload(phone, app, town):
    page = phone(geolocation=IN_TOWN)
    open_streets(page, town["area_id"])  # the area's streets are now kept on the phone
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#screen-walk")).to_be_visible()
    sidney = page.locator("#walk-list button", has_text="Sidney Street")
    expect(sidney).to_have_text(f"Sidney Street: Not walked yet · {AWAY} m away")  # from the phone's copy
    sidney.click()
    page.click("#walk-whole")
    expect(page.locator("#walk-saved")).to_have_text("Saved: Sidney Street. It will be sent when there is signal.")
    page.reload()  # still offline: the walk is on disk, not in the page
    expect(page.locator("#walk-counts")).to_have_text("Walks on this phone: 1 waiting to send, 0 sent")
    expect(sidney).to_have_text(f"Sidney Street: Walked, waiting to send · {AWAY} m away")
    assert walks(app) == []

    answers = []

    def lose_the_first_answer(route):  # the server stores it, the phone never hears: it must send again
        answers.append(route.fetch())
        if len(answers) == 1:
            route.abort()
        else:
            route.fulfill(response=answers[-1])

    page.context.route("**/api/v1/areas/*/walks", lose_the_first_answer)
    page.context.set_offline(False)
    expect(page.locator("#walk-counts")).to_have_text("Walks on this phone: 0 waiting to send, 1 sent", timeout=SLOW_MS)
    assert [a.status for a in answers] == [201, 200]  # the retry found the stored walk
    [stored] = walks(app)
    kept = page.evaluate("import('/static/capture/walkstore.js').then((w) => w.all())")
    assert [w["client_id"] for w in kept] == [stored.client_id]
    assert stored.street_id == town["streets"]["Sidney Street"]
