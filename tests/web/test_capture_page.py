"""The capture page in Debian's chromium as a phone: GPS photos, device fixes, pins, offline, refusals."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import select

from survey import vocab
from survey.extensions import db
from survey.geo import distance_m
from survey.models import Sighting
from survey.web.security import tile_origin
from tests.conftest import corpus, screenshot_path
from tests.factories import photo
from tests.support import camera, moderator

LONDON = {"latitude": 51.5033, "longitude": -0.1196, "accuracy": 8}
GPS_PHOTO = ("apple-iphone5-north-west-rotated-180.jpg", 47.6271666666667, -122.337333333333)
NEAR_GPS_PHOTO = {"latitude": 47.6275, "longitude": -122.3373, "accuracy": 8}  # 37 m from where the photo says
DAMAGED_PHOTO = "google-pixel6-north-east-direction-magnetic.jpg"  # image data cut short: the server says 422
SLOW_MS = 15_000  # installing the service worker or sending can take a while on a busy machine
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}


def _tile() -> bytes:
    """A plain map-like tile, so screenshots show a map without fetching real tiles."""
    image = Image.new("RGB", (256, 256), (242, 239, 233))
    draw = ImageDraw.Draw(image)
    draw.line((0, 96, 256, 110), fill=(255, 255, 255), width=14)
    draw.line((150, 0, 130, 256), fill=(255, 255, 255), width=10)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


TILE = _tile()
TILE_HEADERS = {"Access-Control-Allow-Origin": "*"}  # as OpenStreetMap's tile servers send


def jpeg_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


@pytest.fixture
def phone(browser, live_server, app):
    """Open the capture page in a new phone-like browser context; granted location unless geolocation=None."""
    contexts, errors = [], []

    def open_page(geolocation=LONDON):
        grants = {"permissions": ["geolocation"], "geolocation": geolocation} if geolocation else {}
        context = browser.new_context(**PHONE, **grants)
        contexts.append(context)
        tiles = f"{tile_origin(app.config['TILE_URL'])}/**"
        context.route(tiles, lambda route: route.fulfill(body=TILE, content_type="image/png", headers=TILE_HEADERS))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.goto(f"{live_server.url}/")
        expect(page.locator("#offline-ready")).to_be_visible(timeout=SLOW_MS)  # the service worker has cached the shell
        if geolocation:
            expect(page.locator("#fix-text")).to_have_text(f"Position ±{geolocation['accuracy']} m")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], "uncaught errors in the page"


def capture(page, files, input_id="camera-input"):
    page.set_input_files(f"#{input_id}", files)
    expect(page.locator("#screen-details")).to_be_visible()
    expect(page.locator("#photo-strip img")).to_have_count(1 if not isinstance(files, list) else len(files))
    page.locator("#photo-strip img").first.evaluate("(img) => img.decode().catch(() => null)")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()


def save_and_send(page):
    page.click("#send")
    expect(page.locator("#screen-capture")).to_be_visible()


def tap(page, group, value):
    page.click(f"label[for='{group}-{value}']")


def drag_pin(page) -> tuple[float, float]:
    """Drag the pin by its tip, as a thumb does; returns where the page says it now is."""
    box = page.locator(".leaflet-marker-icon").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y - 30, steps=8)
    page.mouse.move(x + 80, y - 50, steps=8)
    page.mouse.up()
    expect(page.locator("#pin-text")).to_contain_text("Pin moved by hand")
    lat, lon = map(float, re.findall(r"-?\d+\.\d+", page.locator("#pin-text").inner_text()))
    return lat, lon


def shoot(page, name, top=None):
    """A 360×640 screenshot, scrolled so that `top` (a selector) is at the top of the screen."""
    page.evaluate(
        "(selector) => selector ? document.querySelector(selector).scrollIntoView() : window.scrollTo(0, 0)", top
    )
    page.screenshot(path=screenshot_path(f"capture-{name}.png"))


def sightings(app) -> list[Sighting]:
    with app.app_context():
        rows = db.session.scalars(select(Sighting).order_by(Sighting.id)).all()
        db.session.expunge_all()
        return rows


def local_client_ids(page) -> list[str]:
    """The client_ids in the page's IndexedDB outbox (read with the page's own module)."""
    return page.evaluate(
        "import('/static/capture/db.js').then((db) => db.all()).then((rs) => rs.map((r) => r.client_id))"
    )


def local_photo_counts(page) -> list[int]:
    """How many photos the page still keeps for each sighting in its IndexedDB."""
    return page.evaluate("""import('/static/capture/db.js').then(async (db) => {
        const records = await db.all();
        return Promise.all(records.map(async (r) => (await db.getPhotos(r.client_id)).length));
    })""")


def test_photo_with_gps_is_stored_with_its_exif_position(phone, app):
    name, lat, lon = GPS_PHOTO
    page = phone(geolocation=NEAR_GPS_PHOTO)  # the phone agrees with the photo, so its GPS is plausible
    shoot(page, "1-start")
    capture(page, str(corpus() / name))
    shoot(page, "2-details")
    tap(page, "maker", "Hikvision")
    tap(page, "type", "anpr")
    tap(page, "mount", "pole")
    shoot(page, "3-quick-taps", top="fieldset[data-name=maker]")
    page.evaluate("""() => {
        window.progressSeen = [];
        const bar = document.getElementById("upload-progress");
        new MutationObserver(() => window.progressSeen.push(bar.value)).observe(bar, { attributes: true });
    }""")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#upload")).to_be_hidden()
    assert page.evaluate("window.progressSeen")[-1] == 1  # XMLHttpRequest's upload progress reached 100%
    [row] = sightings(app)
    assert row.location_source == "exif"
    assert (row.lat, row.lon) == (pytest.approx(lat, abs=1e-6), pytest.approx(lon, abs=1e-6))
    assert (row.device_lat, row.device_lon, row.device_accuracy_m) == (47.6275, -122.3373, 8.0)
    assert (row.heading, row.heading_ref, row.heading_source) == (pytest.approx(93.4188, abs=1e-3), "T", "exif")
    assert (row.manufacturer, row.camera_type, row.surveillance_type, row.mount) == (
        "Hikvision",
        "fixed",
        "ALPR",
        "pole",
    )
    assert row.operator is None and row.signage is None  # "unknown" is not sent
    assert row.client_id in local_client_ids(page) and row.volunteer_key


def test_photo_without_gps_takes_the_device_position(phone, app):
    camera_id = camera(app, lat=LONDON["latitude"] + 0.00009, lon=LONDON["longitude"])
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480))))
    expect(page.locator("#pin-text")).to_contain_text("Your position (±8 m)")
    save_and_send(page)
    question = page.locator("#prompts .nearby")
    expect(question).to_contain_text(f"A confirmed camera (#{camera_id}) is 10 m", timeout=SLOW_MS)
    shoot(page, "4-nearby-camera")
    [row] = sightings(app)
    assert (row.location_source, row.lat, row.lon, row.accuracy_m) == ("device", 51.5033, -0.1196, 8.0)
    notice = page.locator("#prompts .sent-notice")
    expect(notice.locator(".sent-title")).to_have_text(f"Sighting #{row.id} sent.")
    expect(notice.locator(".position")).to_have_text("Position: from the phone's location (±8 m)")
    expect(notice.locator(".position-note")).to_have_count(0)
    assert row.captured_at_source == "device" and row.captured_at is not None
    with page.expect_response("**/nearby") as answered:
        question.get_by_role("button", name="A different camera here").click()
    assert answered.value.status == 200
    expect(question).to_have_count(0)
    [row] = sightings(app)
    assert (row.nearby_camera_id, row.nearby_answer, row.status, row.camera_id) == (
        camera_id,
        "different",
        "pending",
        None,
    )
    page.click("#tab-mine")
    expect(page.locator(".mine-item .position")).to_have_text("Position: from the phone's location (±8 m)")


def test_dragging_the_pin_stores_a_manual_position(phone, app):
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=3)))
    pin_lat, pin_lon = drag_pin(page)
    expect(page.get_by_role("button", name="Back to my position")).to_be_visible()
    shoot(page, "5-pin-moved")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#prompts .sent-notice .position")).to_have_text("Position: from your pin")
    expect(page.locator("#prompts .sent-notice .position-note")).to_have_count(0)
    [row] = sightings(app)
    assert row.location_source == "manual"
    assert (row.lat, row.lon) == (pytest.approx(pin_lat, abs=2e-6), pytest.approx(pin_lon, abs=2e-6))
    assert (row.device_lat, row.device_lon, row.device_accuracy_m) == (51.5033, -0.1196, 8.0)
    assert distance_m(row.lat, row.lon, row.device_lat, row.device_lon) > 5

    with app.app_context():  # a moderator's decision, read back through the receipt
        stored = db.session.get(Sighting, row.id)
        stored.status, stored.reject_reason, stored.moderator_note = "rejected", "not_a_camera", "This is a lamp."
        db.session.commit()
    page.click("#tab-mine")
    page.click("#refresh")
    said = f"{vocab.SIGHTING_STATUS_LABELS['rejected']}: {vocab.REJECT_REASON_LABELS['not_a_camera']}"  # the server's labels
    expect(page.locator(".mine-item .review")).to_have_text(f"{said} — “This is a lamp.”")
    expect(page.locator(".mine-item .position")).to_have_text("Position: from your pin")
    shoot(page, "6-my-sightings")


def local_positions(page) -> list[dict]:
    """What the page's IndexedDB outbox keeps of where each sent sighting's position came from."""
    return page.evaluate(
        "import('/static/capture/db.js').then((db) => db.all()).then((rs) => rs.map((r) => r.position))"
    )


def test_a_pin_moved_off_the_photos_gps_is_stored_and_the_photos_gps_kept(phone, app):
    photo_lat, photo_lon = 51.5041, -0.1183  # about 130 m from the phone's fix: plausible, so the pin starts there
    page = phone()
    capture(page, jpeg_file("with-gps.jpg", photo(photo_lat, photo_lon, size=(640, 480), seed=51)))
    expect(page.locator("#pin-text")).to_have_text("The photo's own GPS. Drag the pin onto the camera.")
    pin_lat, pin_lon = drag_pin(page)
    expect(page.get_by_role("button", name="Back to the photo's position")).to_be_visible()
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert row.location_source == "manual"
    assert (row.lat, row.lon) == (pytest.approx(pin_lat, abs=2e-6), pytest.approx(pin_lon, abs=2e-6))
    assert (row.exif_lat, row.exif_lon) == (pytest.approx(photo_lat, abs=1e-6), pytest.approx(photo_lon, abs=1e-6))
    assert (row.device_lat, row.device_lon, row.device_accuracy_m) == (51.5033, -0.1196, 8.0)

    notice = page.locator("#prompts .sent-notice")
    expect(notice.locator(".sent-title")).to_have_text(f"Sighting #{row.id} sent.")
    expect(notice.locator(".position, .position-note")).to_have_text(["Position: from your pin"])
    expect(page.locator("#toast")).to_be_hidden()  # the "Sending…" toast is out of date
    shoot(page, "15-pin-over-photo-gps")
    assert local_positions(page) == [{"source": "manual", "accuracy_m": None, "pin_kept": False}]

    page.reload()  # the phone remembers what it was told
    expect(notice.locator(".position")).to_have_text("Position: from your pin")
    page.click("#tab-mine")
    page.click("#refresh")  # a status check does not lose it
    expect(page.locator(".mine-item .review")).to_have_text("Waiting for review")
    expect(page.locator(".mine-item .position")).to_have_text("Position: from your pin")

    page.click("#tab-capture")  # the next capture starts: the notice has done its job
    capture(page, jpeg_file("next.jpg", photo(size=(320, 240), seed=52)))
    page.click("#cancel")
    expect(page.locator("#screen-capture")).to_be_visible()
    expect(notice).to_have_count(0)


def test_offline_captures_survive_a_reload_and_reach_the_server_exactly_once(phone, app):
    page = phone()
    context = page.context
    context.set_offline(True)
    expect(page.locator("#network")).to_have_text("Offline")
    for seed in (1, 2, 3):
        capture(page, jpeg_file(f"offline-{seed}.jpg", photo(size=(320, 240), seed=seed)))
        if seed == 1:
            tap(page, "maker", "Dahua")
            tap(page, "signage", "same_structure")
        else:
            page.click("#repeat-last")  # one tap repeats the last answers
            expect(page.locator("#maker-Dahua")).to_be_checked()
        save_and_send(page)
        expect(page.locator("#count-queued")).to_have_text(str(seed))
    expect(page.locator("#toast")).to_contain_text("sent when you are online")
    shoot(page, "7-offline-queued")

    print(
        "capture-to-queued, ms:",
        page.evaluate("performance.getEntriesByName('capture-to-queued').map((m) => m.duration)"),
    )

    page.reload()  # no network: the service worker serves the shell, IndexedDB still has the photos
    expect(page.locator("#count-queued")).to_have_text("3")
    expect(page.locator("#network")).to_have_text("Offline")
    page.click("#tab-mine")
    expect(page.locator(".mine-item .badge")).to_have_text(["Waiting to send"] * 3)
    shoot(page, "8-offline-after-reload")
    queued = local_client_ids(page)
    assert len(queued) == 3 and sightings(app) == []
    assert local_photo_counts(page) == [1, 1, 1]

    replies = []

    def lose_the_first_answer(route):
        if not replies:  # the page shows the upload while it is under way
            expect(page.locator("#upload-label")).to_contain_text("(2 more waiting)")
            expect(page.locator("#count-sending")).to_have_text("1")
            shoot(page, "9-sending")
        response = route.fetch()  # the request reaches the server and is stored...
        replies.append(response.status)
        if len(replies) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    context.route("**/api/v1/sightings", lose_the_first_answer)
    context.set_offline(False)
    expect(page.locator("#count-sent")).to_have_text("3", timeout=30_000)
    rows = sightings(app)
    assert sorted(r.client_id for r in rows) == sorted(queued)
    assert {(r.manufacturer, r.signage) for r in rows} == {("Dahua", "same_structure")}
    assert sorted(replies) == [200, 201, 201, 201]  # the lost one was retried and found, not duplicated
    assert local_photo_counts(page) == [0, 0, 0]  # the server has them: the phone's space is freed


def test_a_refused_photo_shows_the_servers_message(phone, app):
    page = phone()
    capture(page, str(corpus() / DAMAGED_PHOTO))
    saves = page.locator("html").get_attribute("data-draft-saves")
    tap(page, "mount", "wall")
    expect(page.locator("html")).not_to_have_attribute("data-draft-saves", saves or "")
    page.reload()  # closed while answering: the draft comes back with its photo and answers
    expect(page.locator("#screen-details")).to_be_visible()
    expect(page.locator("#photo-strip img")).to_have_count(1)
    expect(page.locator("#mount-wall")).to_be_checked()
    save_and_send(page)
    expect(page.locator("#count-failed")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#prompts .notice-error")).to_contain_text("1 sighting was not accepted")
    page.click("#tab-mine")
    expect(page.locator(".mine-item .error")).to_contain_text("This image file is damaged or incomplete")
    expect(page.get_by_role("button", name="Edit & send again")).to_be_visible()
    shoot(page, "10-refused")
    assert sightings(app) == []
    expect(page.locator("#count-queued")).to_have_text("0")  # refused on purpose: not retried


def test_without_location_permission_the_pin_is_placed_by_hand(phone, app):
    page = phone(geolocation=None)
    expect(page.locator("#fix-text")).to_have_text("Location blocked")
    expect(page.locator("#location-help")).to_contain_text("tap the map where the camera is")
    shoot(page, "11-location-blocked")
    capture(page, jpeg_file("no-gps.jpg", photo(size=(320, 240), seed=5)))
    expect(page.locator("#pin-text")).to_have_text("No position yet: tap the map where the camera is.")
    page.click("#send")
    expect(page.locator("#send")).to_have_text("Send without a position")  # asks before sending blind
    save_and_send(page)
    expect(page.locator("#count-failed")).to_have_text("1", timeout=SLOW_MS)
    page.click("#tab-mine")
    expect(page.locator(".mine-item .error")).to_have_text(
        "This photo has no location: allow location access or place a pin on the map."
    )
    page.get_by_role("button", name="Edit & send again").click()  # the same photo, back in the form
    expect(page.locator("#photo-strip img")).to_have_count(1)
    page.locator("#map").click(position={"x": 180, "y": 120})
    expect(page.locator("#pin-text")).to_contain_text("Pin moved by hand")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#count-failed")).to_have_text("0")
    [row] = sightings(app)
    assert row.location_source == "manual" and row.device_lat is None


def form_fields(request) -> dict[str, str]:
    """The plain (non-file) fields of a multipart request body."""
    parts = re.findall(rb'name="([^"]+)"\r\n\r\n(.*?)\r\n--', request.post_data_buffer, re.S)
    return {name.decode(): value.decode() for name, value in parts}


def turn_compass(page, alpha=90):
    """Feed the page compass readings, as a phone's sensor does, until the page shows one."""
    page.evaluate(
        """(alpha) => setInterval(() => window.dispatchEvent(new DeviceOrientationEvent(
        "deviceorientationabsolute", { alpha, beta: 90, gamma: 0, absolute: true })), 100)""",
        alpha,
    )
    expect(page.locator("#compass-text")).to_have_text(re.compile(r"Compass: \d+° "))


def test_a_gallery_photo_asks_for_the_pin_and_sends_no_live_fix_or_heading(phone, app):
    page = phone()
    turn_compass(page)  # a live fix and compass that must not be taken for the old photo's
    capture(page, jpeg_file("holiday.jpg", photo(size=(640, 480), seed=11)), input_id="gallery-input")
    expect(page.locator("#gallery-hint")).to_contain_text("your position now is not used: place the pin")
    expect(page.locator("#pin-text")).to_have_text("Tap the map where the camera in the photo is.")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(0)
    expect(page.locator("#heading-text")).to_have_text(
        "No compass: drag the cone on the map, or slide, to the direction you faced."
    )
    shoot(page, "12-gallery-pin")
    page.locator("#map").click(position={"x": 120, "y": 90})
    expect(page.locator("#pin-text")).to_contain_text("Pin moved by hand")
    with page.expect_request(lambda r: r.url.endswith("/api/v1/sightings") and r.method == "POST") as sent:
        save_and_send(page)
    fields = form_fields(sent.value)
    assert (fields["capture"], fields["location_source"]) == ("gallery", "manual")
    assert not {"accuracy_m", "device_lat", "device_lon", "device_accuracy_m", "heading", "captured_at"} & set(fields)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.location_source, row.device_lat, row.heading, row.captured_at) == ("manual", None, None, None)
    assert (row.lat, row.lon) == (float(fields["lat"]), float(fields["lon"]))
    assert row.warnings == []


def test_a_camera_photo_still_sends_the_live_fix_and_compass(phone, app):
    page = phone()
    turn_compass(page)
    with page.expect_file_chooser() as chooser:
        page.click("#camera-button")
    chooser.value.set_files(jpeg_file("now.jpg", photo(size=(640, 480), seed=12)))
    expect(page.locator("#pin-text")).to_contain_text("Your position (±8 m)")
    with page.expect_request(lambda r: r.url.endswith("/api/v1/sightings") and r.method == "POST") as sent:
        save_and_send(page)
    fields = form_fields(sent.value)
    assert (fields["capture"], fields["location_source"], fields["lat"]) == ("camera", "device", "51.5033")
    assert fields["heading_source"] == "device" and 0 <= float(fields["heading"]) < 360
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)  # nothing left in flight


def local_reply(page):
    """The answer to a moderator as the page's IndexedDB outbox keeps it."""
    return page.evaluate("import('/static/capture/db.js').then((db) => db.all()).then((rs) => rs[0].reply)")


def sent_and_asked(page, app, client, seed, question) -> tuple[int, dict]:
    """Send a sighting from the page, have a moderator ask about it, and show the page's My sightings."""
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=seed)))
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    headers = moderator(app)
    asked = client.post(f"/api/v1/moderation/sightings/{row.id}/needs-info", headers=headers, json={"note": question})
    assert asked.status_code == 200 and asked.json["sighting"]["status"] == "needs_info"
    page.click("#tab-mine")
    page.click("#refresh")
    expect(page.locator(".mine-item .review")).to_have_text(f"Needs more information — “{question}”")
    return row.id, headers


def test_a_volunteer_answers_a_request_for_more_information(phone, app, client):
    page = phone()
    sent_and_asked(page, app, client, 21, "Which side of the street is it on?")
    item = page.locator(".mine-item")
    page.click("#tab-capture")
    expect(page.locator("#prompts")).to_contain_text("A moderator has a question about one of your sightings.")
    page.click("#tab-mine")

    page.context.set_offline(True)  # answered with no signal: kept on the phone, sent later
    answer = "North side, above the bakery door."
    item.get_by_label("Your answer to the moderator").fill(answer)
    shoot(page, "13-needs-info", top=".mine-item")
    item.get_by_role("button", name="Send answer").click()
    expect(item.locator(".reply-waiting")).to_have_text(
        "Your answer is saved on this phone and will be sent when you are online."
    )
    assert local_reply(page)["notes"] == answer
    assert sightings(app)[0].status == "needs_info"

    replies = []

    def lose_the_first_answer(route):
        response = route.fetch()  # it reaches the server...
        replies.append(response.status)
        if len(replies) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back, so it asks again
        else:
            route.fulfill(response=response)

    page.context.route("**/additions", lose_the_first_answer)
    page.context.set_offline(False)
    expect(item.locator(".review")).to_have_text("Waiting for review", timeout=30_000)
    expect(item.locator("form.reply")).to_have_count(0)
    expect(item.locator(".reply-waiting")).to_have_count(0)
    assert replies == [200, 409]  # the retry found its answer already there
    assert local_reply(page) is None
    [row] = sightings(app)
    assert row.status == "pending" and row.notes == answer
    page.click("#tab-capture")
    expect(page.locator("#prompts")).not_to_contain_text("A moderator has")


def test_map_tiles_carry_the_sites_origin_as_referer(phone, app, live_server):
    """The site says no-referrer, but OpenStreetMap's tile servers refuse requests without a Referer."""
    page = phone()
    referers = []

    def tile(route):
        referers.append(route.request.header_value("referer"))
        route.fulfill(body=TILE, content_type="image/png", headers=TILE_HEADERS)

    page.context.route(f"{tile_origin(app.config['TILE_URL'])}/**", tile)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(320, 240), seed=31)))
    tiles = page.locator(".leaflet-tile")
    assert tiles.count() > 0
    assert set(tiles.evaluate_all("(imgs) => imgs.map((img) => img.getAttribute('referrerpolicy'))")) == {
        "strict-origin-when-cross-origin"
    }
    assert referers and set(referers) == {f"{live_server.url}/"}  # the origin only, never the page's path


def test_the_pin_is_a_thumb_sized_target_and_a_tap_still_places_it(phone, app):
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(320, 240), seed=41)))
    pin = page.get_by_role("button", name="Camera position: drag to move")
    box = pin.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    drawn = pin.locator("img").bounding_box()
    x, y = drawn["x"] + drawn["width"] + 8, drawn["y"] + drawn["height"] - 12  # beside the drawn pin, not on it
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 20, steps=8)
    page.mouse.move(x + 60, y + 40, steps=8)
    page.mouse.up()
    expect(page.locator("#pin-text")).to_contain_text("Pin moved by hand")
    moved = pin.bounding_box()
    assert (moved["x"] - box["x"], moved["y"] - box["y"]) == (pytest.approx(60, abs=2), pytest.approx(40, abs=2))
    shoot(page, "14-big-pin", top="#map")

    map_box = page.locator("#map").bounding_box()
    tapped = (map_box["width"] / 2 - 60, 80)  # within the middle of the map, which then does not scroll
    dragged_to = page.locator("#pin-text").inner_text()
    page.locator("#map").click(position={"x": tapped[0], "y": tapped[1]})  # a tap elsewhere moves the pin there
    expect(page.locator("#pin-text")).not_to_have_text(dragged_to)
    placed = pin.bounding_box()
    tip = (placed["x"] + 28, placed["y"] + 54)  # the icon's anchor is its tip
    assert tip == (pytest.approx(map_box["x"] + tapped[0], abs=3), pytest.approx(map_box["y"] + tapped[1], abs=3))


def test_an_answer_that_comes_too_late_is_reported_not_lost(phone, app, client):
    page = phone()
    sighting_id, headers = sent_and_asked(page, app, client, 22, "Is it the left one?")
    page.context.set_offline(True)
    item = page.locator(".mine-item")
    item.get_by_label("Your answer to the moderator").fill("Yes, the left one.")
    item.get_by_role("button", name="Send answer").click()
    expect(item.locator(".reply-waiting")).to_be_visible()
    reopened = client.post(f"/api/v1/moderation/sightings/{sighting_id}/reopen", headers=headers, json={})
    assert reopened.status_code == 200  # meanwhile the moderator took the question back
    with page.expect_response("**/additions") as refused:
        page.context.set_offline(False)
    assert refused.value.status == 409
    expect(item.locator(".error")).to_have_text(
        "Your answer was not sent: This sighting is not waiting for more information from you."
    )
    expect(item.locator(".review")).to_have_text("Waiting for review")
    expect(item.locator("form.reply")).to_have_count(0)
    [row] = sightings(app)
    assert row.status == "pending" and "left one" not in (row.notes or "")
