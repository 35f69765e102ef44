"""Before sending, the page shows where the photo says it was taken (read on the phone with exifr)."""

import json
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import corpus
from tests.web.test_capture_page import SLOW_MS, capture, drag_pin, save_and_send, shoot, sightings

ROME = "apple-iphone4-north-east-direction-true.jpg"  # 41.853, 12.4888: about 1,430 km from London
HEIC = "apple-iphone11promax-north-west-direction-magnetic.heic"  # ±38.8 m (GPSHPositioningError)


def truth(name: str) -> dict:
    return next(p for p in json.loads((corpus() / "truth.json").read_text()) if p["file"] == name)


def years_ago(name: str) -> str:
    """How the page words the age of a corpus photo (all are years old), from exiftool's reading."""
    taken = datetime.strptime(truth(name)["datetime_original"][:19], "%Y:%m:%d %H:%M:%S")
    return f"Taken {int((datetime.now() - taken).days / 365.25)} years ago."


def local_draft(page) -> dict:
    return page.evaluate(
        "import('/static/capture/db.js').then((db) => db.all()).then((rs) => rs.find((r) => r.state === 'draft'))"
    )


def test_a_gallery_photo_shows_its_own_gps_before_sending_and_needs_no_pin(phone, app):
    page = phone()
    capture(page, str(corpus() / HEIC), input_id="gallery-input")
    expected = truth(HEIC)
    expect(page.locator("#pin-text")).to_have_text("The photo's own GPS (±39 m). Drag the pin onto the camera.")
    expect(page.locator("#gallery-hint")).to_be_hidden()  # its own GPS: no pin needed
    gps = local_draft(page)["photo_gps"]
    assert (gps["lat"], gps["lon"]) == (
        pytest.approx(expected["lat"], abs=1e-6),
        pytest.approx(expected["lon"], abs=1e-6),
    )
    assert gps["accuracy_m"] == pytest.approx(38.813, abs=0.01)
    expect(page.locator("#photo-gps-text")).to_have_text(years_ago(HEIC))  # no fix: no distance
    expect(page.locator(".leaflet-marker-icon")).to_be_visible()
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(2)  # the photo's dot and accuracy circle
    shoot(page, "16-photo-gps-before-sending", top="#map")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert row.location_source == "exif"
    assert (row.lat, row.lon) == (pytest.approx(expected["lat"], abs=1e-6), pytest.approx(expected["lon"], abs=1e-6))


def test_a_photo_taken_far_from_the_phone_is_flagged_and_the_phones_fix_is_used(phone, app):
    page = phone()
    capture(page, str(corpus() / ROME))
    expect(page.locator("#photo-gps")).to_have_class("notice notice-photo notice-warn")
    expect(page.locator("#photo-gps-text")).to_contain_text("This photo's GPS is 1,43")
    expect(page.locator("#photo-gps-text")).to_contain_text(" km from you.")
    expect(page.locator("#photo-gps-text")).to_contain_text(years_ago(ROME))
    expect(page.locator("#pin-text")).to_contain_text("Your position (±8 m)")  # not Rome
    shoot(page, "17-far-photo-flagged", top="#map")
    page.click("#use-other")  # the volunteer knows better: the photo's own position
    expect(page.locator("#pin-text")).to_contain_text("The photo's own GPS")
    page.click("#use-other")
    expect(page.locator("#pin-text")).to_contain_text("Your position (±8 m)")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.location_source, row.lat, row.lon) == ("device", 51.5033, -0.1196)
    assert row.exif_lat == pytest.approx(truth(ROME)["lat"], abs=1e-6)  # kept for the moderator
    assert "position_mismatch" in {w["code"] for w in row.warnings}


def test_a_pin_moved_off_the_photos_gps_is_what_is_stored(phone, app):
    page = phone()
    capture(page, str(corpus() / HEIC), input_id="gallery-input")
    pin_lat, pin_lon = drag_pin(page)
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    expect(page.locator("#prompts .sent-notice .position")).to_have_text("Position: from your pin")
    [row] = sightings(app)
    assert row.location_source == "manual"
    assert (row.lat, row.lon) == (pytest.approx(pin_lat, abs=2e-6), pytest.approx(pin_lon, abs=2e-6))
    assert row.exif_lat == pytest.approx(truth(HEIC)["lat"], abs=1e-6)  # the photo's GPS, kept as a candidate
