"""The console at 1280x800 in Debian's chromium: a sighting on a two-camera pole, its candidates with
photos and view wedges, and a photo viewer that zooms where the moderator looks."""

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot_path
from tests.factories import new_client_id, photo, upload
from tests.support import PASSWORD, camera_from_upload, make_user, submit
from tests.web.test_console import OUTSIDE, watched

POLE = (51.5100, -0.1200)
M = 1 / 111_195  # degrees of latitude in a metre


@pytest.fixture
def laptop(browser, live_server, app):
    make_user(app, "desk@example.org")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(OUTSIDE, lambda route: route.abort())
    page = watched(context.new_page(), live_server.url)
    page.goto(f"{live_server.url}/console/login")
    page.fill("input[name=email]", "desk@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    yield page
    context.close()


def two_camera_pole(client, app) -> tuple[int, int, dict]:
    """A pole with a camera facing north and one facing south a metre away, each with its photo; a
    volunteer 9 m north of it, looking south: the north-facing camera is the one photographed."""
    north = camera_from_upload(
        client, app, seed=11, lat=POLE[0], lon=POLE[1], camera_fields={"lat": POLE[0], "lon": POLE[1], "direction": 0}
    )["camera_id"]
    south = camera_from_upload(
        client,
        app,
        seed=12,
        lat=POLE[0],
        lon=POLE[1],
        camera_fields={"lat": POLE[0] + M, "lon": POLE[1], "direction": 180},
    )["camera_id"]
    sent = submit(client, POLE[0] + 9 * M, POLE[1], seed=13, heading=180, accuracy_m=12, mount="pole")
    return north, south, sent


def viewer_geometry(page) -> dict:
    """The photo's point under the viewer's centre, as fractions of the photo, and how large it is drawn."""
    return page.evaluate(
        """() => {
        const box = document.getElementById('viewer').getBoundingClientRect();
        const img = document.getElementById('photo').getBoundingClientRect();
        const at = (x, y) => [(x - img.left) / img.width, (y - img.top) / img.height];
        return {box: [box.left, box.top, box.width, box.height], img: [img.left, img.top, img.width, img.height],
                centre: at(box.left + box.width / 2, box.top + box.height / 2),
                probe: at(box.left + box.width * 0.75, box.top + box.height * 0.3)};
    }"""
    )


def test_two_camera_pole_candidates_with_photos_and_wedges_right_one_first(laptop, live_server, app, client):
    north, south, sent = two_camera_pole(client, app)
    page = laptop
    page.goto(f"{live_server.url}/console?id={sent['id']}")
    expect(page.locator("#detail")).to_have_attribute("data-id", str(sent["id"]))
    rows = page.locator("#candidates li")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-camera") for i in range(2)] == [str(north), str(south)]
    expect(rows.nth(0)).to_contain_text("very likely the same")
    expect(rows.nth(0)).to_contain_text("faces 0° N")
    expect(rows.nth(1)).to_contain_text("faces 180° S")
    thumbs = page.locator("#candidates img")
    expect(thumbs).to_have_count(2)
    page.wait_for_function("() => [...document.querySelectorAll('#candidates img')].every(i => i.naturalWidth > 0)")
    # Both cameras' view wedges and the phone's heading are on the map.
    page.screenshot(path=str(screenshot_path("console-two-camera-pole.png")))
    expect(page.locator("#map path.camera-wedge")).to_have_count(2)
    expect(page.locator("#map path.heading-wedge")).to_have_count(1)
    # The attributes and decisions sit beside the photo, above the fold.
    photo_box = page.locator("#viewer").bounding_box()
    for selector in ("#attributes", "#attributes button[type=submit]", "button[data-action=approve]", "#actions"):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 800, f"{selector} is below the fold: {box}"
        assert box["x"] >= photo_box["x"] + photo_box["width"], f"{selector} is not beside the photo"
    assert photo_box["width"] >= 550 and photo_box["height"] >= 600  # large by default
    # The candidate's photo beside the sighting's.
    rows.nth(0).locator("button.compare").click()
    expect(page.locator("#compare")).to_be_visible()
    assert page.locator("#compare img").get_attribute("src").endswith("/display")
    assert page.problems == []


def test_the_viewer_zooms_where_the_moderator_looks(laptop, live_server, app, client):
    big = photo(*POLE, size=(1600, 1200), seed=21)  # a phone photo's display copy, larger than the box
    response = upload(client, big, client_id=new_client_id(), device_id="volunteer-device-1")
    assert response.status_code == 201, response.json
    sent = response.json
    page = laptop
    page.goto(f"{live_server.url}/console?id={sent['id']}")
    page.wait_for_function("() => document.getElementById('photo').naturalWidth > 0")
    page.wait_for_timeout(100)
    fitted = viewer_geometry(page)
    assert fitted["centre"] == pytest.approx([0.5, 0.5], abs=0.02)
    page.keyboard.press("z")  # no click yet: the middle, never the top-left corner
    zoomed = viewer_geometry(page)
    assert zoomed["img"][2] > 2.5 * fitted["img"][2]
    assert zoomed["centre"] == pytest.approx([0.5, 0.5], abs=0.02)
    page.keyboard.press("z")
    assert viewer_geometry(page)["img"][2] == pytest.approx(fitted["img"][2], rel=0.01)
    # A click zooms keeping the photo's point under the pointer where it was.
    x, y, w, h = fitted["box"]
    before = viewer_geometry(page)["probe"]
    page.mouse.click(x + w * 0.75, y + h * 0.3)
    after = viewer_geometry(page)
    assert after["img"][2] > 1.4 * fitted["img"][2] and after["probe"] == pytest.approx(before, abs=0.01)
    # z now zooms at that clicked point, brought to the middle.
    page.keyboard.press("z")
    page.keyboard.press("z")
    assert viewer_geometry(page)["centre"] == pytest.approx(before, abs=0.02)
    page.keyboard.press("0")
    # + and - from the keyboard, the wheel at the pointer, dragging to pan.
    page.keyboard.press("+")
    bigger = viewer_geometry(page)["img"][2]
    page.keyboard.press("-")
    assert bigger > viewer_geometry(page)["img"][2] * 1.3
    page.mouse.move(x + w * 0.25, y + h * 0.7)
    under = viewer_geometry(page)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(100)
    wheeled = viewer_geometry(page)
    assert wheeled["img"][2] > under["img"][2]
    left = wheeled["img"][0]
    page.mouse.down()
    page.mouse.move(x + w * 0.25 + 120, y + h * 0.7, steps=5)
    page.mouse.up()
    panned = viewer_geometry(page)
    assert panned["img"][0] == pytest.approx(left + 120, abs=3) and panned["img"][2] == wheeled["img"][2]
    # The original as sent, for moderators (the route refuses anyone else).
    page.keyboard.press("o")
    page.wait_for_function("() => document.getElementById('photo').src.endsWith('/original')")
    assert page.problems == []


def test_the_original_is_moderators_only(app, client):
    sent = submit(client, *POLE, seed=31)
    body = client.get("/api/v1/sightings/" + str(sent["id"]), headers={"X-Receipt": sent["receipt"]})
    assert body.status_code == 200 and "original_url" not in str(body.json)
    from survey.extensions import db
    from survey.models import Sighting

    with app.app_context():
        photo_id = db.session.get(Sighting, sent["id"]).photos[0].id
    anonymous = client.get(f"/api/v1/moderation/photos/{photo_id}/original")
    assert anonymous.status_code == 401
