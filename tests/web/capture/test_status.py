"""Status that arrives: a moderator's question without a tap, cards in words, a stalled upload retried."""

import time

from playwright.sync_api import expect

from tests.factories import photo
from tests.support import moderator
from tests.web.test_capture_page import SLOW_MS, capture, jpeg_file, save_and_send, shoot, sightings, tap


def test_a_moderators_question_reaches_the_open_page_without_a_tap(phone, app, client):
    page = phone()
    page.clock.install()
    page.reload()  # the page's timers are now the test's clock
    expect(page.locator("#fix-text")).to_have_text("Position ±8 m")
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=81)))
    tap(page, "maker", "Dahua")
    tap(page, "mount", "wall")
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    asked = client.post(
        f"/api/v1/moderation/sightings/{row.id}/needs-info", headers=moderator(app), json={"note": "Which door?"}
    )
    assert asked.status_code == 200
    expect(page.locator("#tab-badge")).to_be_hidden()
    page.clock.fast_forward("01:01")  # a minute later, no tap
    expect(page.locator("#tab-badge")).to_have_text("1")
    expect(page.locator("#prompts")).to_contain_text("A moderator has a question about one of your sightings.")
    shoot(page, "19-question-badge")
    page.click("#tab-mine")
    card = page.locator(".mine-item")
    expect(card.locator(".logged")).to_have_text("Dahua · Wall")
    expect(card.locator("img.thumb")).to_be_visible()
    expect(card.locator(".review")).to_have_text("Needs more information — “Which door?”")


def test_warnings_are_shown_in_words(phone, app):
    page = phone()
    page.evaluate("""() => import('/static/capture/db.js').then((db) => db.put({
        client_id: "00000000-0000-4000-8000-000000000009", created_at: Date.now(), state: "sent", sent_at: 1,
        answers: { maker: "unknown" }, result: { id: 9, receipt: "r", status: "pending", warnings: [
            { code: "position_mismatch", message: "The photo's GPS is 1,480 km from the phone." },
            { code: "time_old" }, { code: "something_new" }] } }))""")
    page.reload()
    page.click("#tab-mine")
    expect(page.locator(".mine-item .warnings li")).to_have_text(
        [
            "The photo's GPS is 1,480 km from the phone.",  # the server's words when it sends some
            "The photo is more than a year old.",
            "A moderator will look at this sighting closely.",
        ]
    )
    expect(page.locator(".mine-item .logged")).to_have_text("No details tapped")


def test_a_stalled_upload_is_aborted_and_retried(phone, app):
    page = phone()
    attempts = []

    def stall_the_first(route):
        attempts.append(time.monotonic())
        if len(attempts) > 1:
            route.continue_()
        # the first is never answered: no byte moves, as on a dead mobile connection

    page.context.route("**/api/v1/sightings", stall_the_first)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=82)))
    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=40_000)
    assert len(attempts) == 2
    print(f"stalled upload retried after {attempts[1] - attempts[0]:.1f} s")
    assert 18 < attempts[1] - attempts[0] < 27  # aborted after 20 s without progress, retried at once
    assert len(sightings(app)) == 1
