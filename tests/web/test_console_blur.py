"""The blur tool in the console at 1280x800 in Debian's chromium: the detector's box over the photo, a box
drawn by dragging, a false one removed; saved, approved, and the public copy measured where it changed;
a save after another moderator's refused, with theirs shown."""

import io

import numpy as np
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Photo, Sighting
from survey.photos.images import make_public_copies
from tests.conftest import screenshot_path
from tests.faces import ASTRONAUT_FACE, astronaut_jpeg, detail, scaled
from tests.factories import new_client_id, upload
from tests.web.test_console_review import laptop  # noqa: F401 (the logged-in 1280x800 page)

FACE = scaled(ASTRONAUT_FACE, 2)  # in the 1024 px photo
SUIT = (300, 700, 500, 900)  # patches and folds of the suit: no face, much detail
SIZE = 1024


def _send(client) -> int:
    response = upload(client, astronaut_jpeg(SIZE), lat=51.5033, lon=-0.1196, client_id=new_client_id())
    assert response.status_code == 201, response.json
    return response.json["id"]


def _open_tool(page, live_server, sighting_id):
    page.goto(f"{live_server.url}/console?id={sighting_id}")
    expect(page.locator("#detail")).to_have_attribute("data-id", str(sighting_id))
    page.click("button[data-blur]")
    # The first look detects faces (and, first in this process, loads the model): slow under load.
    expect(page.locator(".blur-overlay")).to_be_visible(timeout=60_000)


def _drag(page, box):
    """Drag over ``box`` (pixels of the 1024 px photo) on the drawn photo."""
    rect = page.locator(".blur-overlay").bounding_box()
    x1, y1 = rect["x"] + box[0] / SIZE * rect["width"], rect["y"] + box[1] / SIZE * rect["height"]
    x2, y2 = rect["x"] + box[2] / SIZE * rect["width"], rect["y"] + box[3] / SIZE * rect["height"]
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.up()


def _save_and_approve(page, app, sighting_id):
    page.click("button[data-blur-save]")
    expect(page.locator("#message")).to_contain_text("Blur saved", timeout=30_000)
    page.click("button[data-action=approve]")
    _wait_approved(page, app, sighting_id)


def _wait_approved(page, app, sighting_id):
    """The console goes on to the next sighting once approved; the database says it was."""
    for _ in range(100):
        with app.app_context():
            if db.session.get(Sighting, sighting_id, populate_existing=True).status == "approved":
                return
        page.wait_for_timeout(100)
    raise AssertionError(f"sighting {sighting_id} was not approved")


def _public_display(app, client) -> Image.Image:
    with app.app_context():
        digest = db.session.scalars(select(Photo.display_sha256)).one()
    response = client.get(f"/media/display/{digest}.jpg")
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.data)).convert("RGB")


def _plain() -> Image.Image:
    """The display copy as the service makes it with nothing blurred."""
    return Image.open(io.BytesIO(make_public_copies(astronaut_jpeg(SIZE)).display)).convert("RGB")


def _outside(image: Image.Image, boxes, margin=16) -> np.ndarray:
    """The image's pixels with each box (and a JPEG block or two around it) masked out."""
    pixels = np.asarray(image, dtype=np.float64)
    mask = np.ones(pixels.shape[:2], bool)
    for x1, y1, x2, y2 in boxes:
        mask[max(0, y1 - margin) : y2 + margin, max(0, x1 - margin) : x2 + margin] = False
    return pixels[mask]


def test_a_box_drawn_and_saved_is_blurred_in_the_public_copy_and_nothing_else_changes(laptop, live_server, app, client):  # noqa: F811
    sighting_id = _send(client)
    page = laptop
    _open_tool(page, live_server, sighting_id)
    expect(page.locator(".blur-box.detector")).to_have_count(1)  # the astronaut's face, found on first look
    _drag(page, SUIT)
    expect(page.locator(".blur-box.moderator")).to_have_count(1)
    expect(page.locator("[data-blur-count]")).to_have_text("2 to blur")
    page.screenshot(path=str(screenshot_path("console-blur-tool.png")))
    _save_and_approve(page, app, sighting_id)
    public, plain = _public_display(app, client), _plain()
    assert detail(public, SUIT) < 0.05 * detail(plain, SUIT)
    assert detail(public, FACE) < 0.05 * detail(plain, FACE)
    grown_face = (FACE[0] - 30, FACE[1] - 40, FACE[2] + 30, FACE[3] + 40)  # detection grows its box by 30%
    rest = np.abs(_outside(public, [SUIT, grown_face]) - _outside(plain, [SUIT, grown_face]))
    assert rest.mean() < 0.5 and np.percentile(rest, 99.9) <= 8


def test_a_removed_detected_box_is_not_blurred(laptop, live_server, app, client):  # noqa: F811
    sighting_id = _send(client)
    page = laptop
    _open_tool(page, live_server, sighting_id)
    expect(page.locator(".blur-box.detector")).to_have_count(1)
    page.click(".blur-box.detector .blur-remove")
    expect(page.locator(".blur-box")).to_have_count(0)
    _save_and_approve(page, app, sighting_id)
    public, plain = _public_display(app, client), _plain()
    assert detail(public, FACE) > 0.9 * detail(plain, FACE)
    assert np.abs(np.asarray(public, float) - np.asarray(plain, float)).mean() < 0.5


def test_approval_waits_for_an_unsaved_blur(laptop, live_server, app, client):  # noqa: F811
    sighting_id = _send(client)
    page = laptop
    _open_tool(page, live_server, sighting_id)
    expect(page.locator(".blur-box.detector")).to_have_count(1)
    _drag(page, SUIT)
    page.keyboard.press("a")
    expect(page.locator("#message")).to_contain_text("Save or cancel the blur first")
    page.click("button[data-action=approve]")
    expect(page.locator("#message")).to_contain_text("Save or cancel the blur first")
    with app.app_context():
        assert db.session.scalars(select(Photo.blur_reviewed_at)).one() is None
    page.click("button[data-blur-cancel]")
    page.keyboard.press("a")
    _wait_approved(page, app, sighting_id)


def test_a_save_after_another_moderators_is_refused_and_shows_theirs(laptop, live_server, app, client, mod):  # noqa: F811
    sighting_id = _send(client)
    page = laptop
    _open_tool(page, live_server, sighting_id)
    expect(page.locator(".blur-box.detector")).to_have_count(1)
    with app.app_context():
        photo_id = db.session.scalars(select(Photo.id)).one()
    url = f"/api/v1/moderation/photos/{photo_id}/blur"
    # Meanwhile another moderator blurs the whole photo, from the copy this page shows.
    seen = client.get(url, headers=mod).json["display_sha256"]
    theirs = client.put(url, json={"boxes": [], "whole": True, "display_sha256": seen}, headers=mod)
    assert theirs.status_code == 200, theirs.json
    page.click(".blur-box.detector .blur-remove")  # this moderator would unblur the face
    page.click("button[data-blur-save]")
    expect(page.locator("#message")).to_contain_text("Someone else changed this photo's blur", timeout=30_000)
    expect(page.locator("[data-blur-count]")).to_have_text("the whole photo")  # theirs, drawn in the tool
    expect(page.locator(".blur-bar input[name=whole]")).to_be_checked()
    page.screenshot(path=str(screenshot_path("console-blur-conflict.png")))
    assert client.get(url, headers=mod).json == theirs.json  # nothing of this page's was saved
    page.click("button[data-blur-save]")  # from their copy now: taken
    expect(page.locator("#message")).to_contain_text("Blur saved", timeout=30_000)
    with app.app_context():
        saves = db.session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "blur_reviewed"))
        assert len(set(saves)) == 2  # theirs, then this page's moderator's
    assert page.problems == []
