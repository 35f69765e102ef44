"""Log a sign on the capture page, in chromium at 360x640: the switch, what the sign says, the camera it is
fixed to, and the same outbox as a camera (online, and offline across a reload)."""

from playwright.sync_api import expect

from survey import vocab
from tests.factories import photo
from tests.support import camera, moderator
from tests.web.capture.test_layout import small_targets
from tests.web.test_capture_page import LONDON, SLOW_MS, capture, jpeg_file, save_and_send, shoot, sightings

SIGN_TARGETS = "#kind-switch label, #sign-fields label.chip, #sign-fields input[type=text], #send, #cancel"


def switch_to_sign(page):
    page.click("label[for='kind-sign']")
    expect(page.locator("#kind-sign")).to_be_checked()
    expect(page.locator("#camera-button-text")).to_have_text("Photograph the sign")


def boxes_smaller_than_44(page, selector) -> list[str]:
    """The visible targets matching selector that are under 44x44 CSS px (the page's own 44 px rule)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length)
        .map((el) => [el, el.getBoundingClientRect()]).filter(([, b]) => b.width < 44 || b.height < 44)
        .map(([el, b]) => `${el.id || el.htmlFor} ${b.width}x${b.height}`)""",
        selector,
    )


def covered_targets(page, selector) -> list[str]:
    """Targets that, scrolled to the middle of the screen, are not what a tap on their centre would hit."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length)
        .filter((el) => {
          el.scrollIntoView({ block: "center" });
          const b = el.getBoundingClientRect();
          const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
          return !(hit && (el.contains(hit) || hit.contains(el)));
        }).map((el) => el.id || el.htmlFor)""",
        selector,
    )


def review_view(app, sighting_id) -> dict:
    """The sighting as the moderation API gives it."""
    response = app.test_client().get(f"/api/v1/moderation/sightings/{sighting_id}", headers=moderator(app))
    assert response.status_code == 200, response.json
    return response.json


def test_a_sign_logged_online_is_stored_with_what_it_says(phone, app):
    camera_id = camera(app, lat=LONDON["latitude"] + 0.00009, lon=LONDON["longitude"], operator="Lambeth Council")
    page = phone()
    # A camera first: its receipt names the confirmed camera nearby, which the sign is then fixed to.
    capture(page, jpeg_file("camera.jpg", photo(size=(320, 240), seed=40)))
    save_and_send(page)
    question = page.locator("#prompts .nearby")
    expect(question).to_contain_text(f"#{camera_id}", timeout=SLOW_MS)
    question.get_by_role("button", name="Same camera").click()
    expect(question).to_have_count(0)

    switch_to_sign(page)
    assert small_targets(page) == [] and boxes_smaller_than_44(page, "#kind-switch label") == []
    capture(page, jpeg_file("sign.jpg", photo(size=(320, 240), seed=41)))
    expect(page.locator("#sign-fields")).to_be_visible()
    expect(page.locator("fieldset[data-name=maker]")).to_be_hidden()
    expect(page.locator("#heading-input")).to_be_hidden()
    expect(page.locator("#operator-names option[value='Lambeth Council']")).to_have_count(1)  # suggested
    page.fill("#sign-operator", "Lambeth Council")
    page.fill("#sign-purpose", "Crime prevention and public safety")
    page.click("label[for='sign-contact-yes']")
    pick = page.locator(f"label[for='sign-camera-{camera_id}']")
    expect(pick).to_have_text(f"Camera #{camera_id}, 10 m")  # the public download's position: exact
    pick.click()
    assert small_targets(page) == [] and boxes_smaller_than_44(page, SIGN_TARGETS) == []
    assert covered_targets(page, SIGN_TARGETS) == []  # nothing under the Send bar or the status bar
    shoot(page, "21-sign-details", top="#sign-fields")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("2", timeout=SLOW_MS)
    expect(page.locator("#prompts .sent-title")).to_contain_text("Sign #")
    expect(page.locator("#prompts .nearby")).to_have_count(0)  # "Same camera?" is not asked of a sign

    row = sightings(app)[-1]
    item = review_view(app, row.id)
    assert (item["kind"], item["attributes"]["operator"]) == (vocab.SIGN, "Lambeth Council")
    assert (item["sign_purpose"], item["sign_has_contact"], item["sign_camera_id"]) == (
        "Crime prevention and public safety",
        True,
        camera_id,
    )
    assert item["location"]["source"] == "device"
    assert (item["location"]["lat"], item["location"]["lon"]) == (LONDON["latitude"], LONDON["longitude"])
    assert all(item["attributes"][name] is None for name in ("manufacturer", "mount", "camera_type", "signage"))

    page.click("#tab-mine")
    newest = page.locator(".mine-item").first
    expect(newest.locator(".badge-sign")).to_have_text("Sign")
    expect(newest.locator(".mine-title")).to_contain_text(f"Sign report #{row.id}")
    expect(newest.locator(".logged")).to_have_text(
        f"Lambeth Council · Crime prevention and public safety · gives a contact · on camera #{camera_id}"
    )
    assert small_targets(page) == []
    shoot(page, "22-sign-in-my-sightings")


def test_a_sign_logged_offline_arrives_once_after_a_reload(phone, app):
    page = phone()
    context = page.context
    context.set_offline(True)
    expect(page.locator("#network")).to_have_text("Offline")
    switch_to_sign(page)
    capture(page, jpeg_file("sign-offline.jpg", photo(size=(320, 240), seed=42)))
    expect(page.locator("#sign-camera-hint")).to_be_visible()  # no camera known nearby on this phone
    page.fill("#sign-operator", "Transport for London")
    page.click("label[for='sign-contact-no']")
    save_and_send(page)
    expect(page.locator("#count-queued")).to_have_text("1")

    page.reload()  # no network: the shell (sign.js too) comes from the service worker
    expect(page.locator("#count-queued")).to_have_text("1")
    expect(page.locator("#kind-sign")).to_be_checked()  # the switch stays where the volunteer left it
    assert sightings(app) == []

    posts = []

    def count(route):
        response = route.fetch()
        posts.append(response.status)
        route.fulfill(response=response)

    context.route("**/api/v1/sightings", count)
    context.set_offline(False)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=30_000)
    [row] = sightings(app)
    assert posts == [201]
    assert (row.kind, row.operator, row.sign_has_contact, row.sign_purpose, row.sign_camera_id) == (
        vocab.SIGN,
        "Transport for London",
        False,
        None,
        None,
    )
    assert (row.lat, row.lon, row.location_source) == (LONDON["latitude"], LONDON["longitude"], "device")
    assert row.manufacturer is None and row.heading is None


def test_the_operator_names_endpoint_lists_public_cameras_operators(client, app):
    camera(app, operator="Lambeth Council")
    camera(app, operator="Hidden Ltd", status="withdrawn")
    response = client.get("/api/v1/operators")
    assert response.status_code == 200
    assert response.json == {"operators": ["Lambeth Council"]}


def test_online_the_public_cameras_around_a_sign_are_offered_without_a_camera_logged_first(phone, app):
    near = camera(app, lat=LONDON["latitude"] - 0.000135, lon=LONDON["longitude"])  # 15 m south
    camera(app, lat=LONDON["latitude"] + 0.0018, lon=LONDON["longitude"])  # 200 m north: too far for this sign
    page = phone()
    switch_to_sign(page)
    capture(page, jpeg_file("sign-alone.jpg", photo(size=(320, 240), seed=43)))
    chips = page.locator("#sign-camera-row label.chip")
    expect(chips).to_have_text(["Not on one of these", f"Camera #{near}, 15 m"])
    expect(page.locator("#sign-camera-hint")).to_be_hidden()
    chips.last.click()
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.kind, row.sign_camera_id) == (vocab.SIGN, near)
