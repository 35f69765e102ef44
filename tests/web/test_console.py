"""The moderator console in Debian's chromium: log in, approve, merge, reject, all from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from survey import vocab
from survey.models import Camera, Sighting
from tests.conftest import screenshot_path
from tests.support import PASSWORD, bearer, fetch, make_user, receipt, submit, token_for

SPOT = (51.5033, -0.1196)
NEAR = (51.50334, -0.1196)  # about 4 m north: the same camera, seen again
HOSTILE = (
    '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    '"><svg onload="alert(1)"> & <b>bold</b>'
)
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


def watched(page, origin: str):
    """Collect in page.problems what a broken page shows only in its console: a script error, an own
    asset that fails or 404s (a bad module import stops the whole console silently), a CSP refusal."""
    page.problems = []

    def own(url: str) -> bool:
        return url.startswith(origin + "/")

    page.on("pageerror", lambda error: page.problems.append(f"error: {error}"))
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    # "Failed to load resource" lines repeat what the two listeners below report with the URL.
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Failed to load resource" not in m.text and page.problems.append(f"console: {m.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            own(r.url)
            and r.status >= 400
            and r.request.resource_type not in ("fetch", "xhr")
            and page.problems.append(f"{r.status}: {r.url}")
        ),
    )
    # A navigation cancels requests still in flight (ERR_ABORTED); that is the console moving on, not a fault.
    page.on(
        "requestfailed",
        lambda r: (
            own(r.url)
            and "ERR_ABORTED" not in (r.failure or "")
            and page.problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    return page


@pytest.fixture
def console(browser, live_server, app):
    """A logged-in laptop-sized page; map tiles from outside are refused, never fetched."""
    make_user(app, "mod@example.org")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.route(OUTSIDE, lambda route: route.abort())
    page = watched(context.new_page(), live_server.url)
    page.goto(f"{live_server.url}/console")
    assert "/console/login" in page.url
    page.fill("input[name=email]", "mod@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    yield page
    context.close()


def showing(page, sighting):
    expect(page.locator("#detail")).to_have_attribute("data-id", str(sighting["id"]))


def test_review_three_sightings_from_the_keyboard(console, live_server, app, browser):
    page, client = console, app.test_client()
    a = submit(client, *SPOT, seed=1, mount="pole", heading=100, heading_ref="T", device="dev-A-0001")
    b = submit(client, *NEAR, seed=2, mount="wall", device="dev-B-0002")
    c = submit(client, 51.51, -0.13, seed=3, notes="Looks like a bird box.", device="dev-C-0003")
    page.goto(f"{live_server.url}/console")
    showing(page, a)
    expect(page.locator("#queue li")).to_have_count(3)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)

    # a: approve as a new camera; the console moves on to the next sighting by itself.
    with page.expect_navigation():
        page.keyboard.press("a")
    showing(page, b)
    first = fetch(app, Sighting, a["id"])
    camera = fetch(app, Camera, first.camera_id)
    assert (first.status, camera.mount, camera.direction, camera.sightings_count) == ("approved", "pole", 100.0, 1)
    assert receipt(client, a)["status"] == "approved"

    # 1 selects the nearest candidate, m merges; the differing mount is offered for settling.
    expect(page.locator("#candidates li")).to_have_count(1)
    page.screenshot(path=screenshot_path("console.png"))
    page.keyboard.press("1")
    page.keyboard.press("m")
    expect(page.locator("#conflicts")).to_be_visible()
    expect(page.locator("#conflict-list li")).to_contain_text("mount: camera has pole, sighting says wall")
    page.locator("#conflict-list button").click()
    expect(page.locator("#conflict-list button")).to_have_text("Taken")
    second = fetch(app, Sighting, b["id"])
    camera = fetch(app, Camera, camera.id)
    assert (second.status, second.camera_id) == ("approved", camera.id)
    assert (camera.sightings_count, camera.volunteers_count, camera.mount) == (2, 2, "wall")
    assert receipt(client, b)["status"] == "approved"

    # j goes on; r then 4 picks "photo unclear", Enter rejects.
    with page.expect_navigation():
        page.keyboard.press("j")
    showing(page, c)
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    page.click("#reject-form button[type=submit]")  # no reason yet: refused, counting the reasons shown
    reasons = page.locator("#reject-form input[name=reason]").count()
    assert reasons == len(vocab.REJECT_REASONS)
    # The reasons, statuses and sorts on the page are the server's vocabularies, in order, with their labels.
    labels = page.locator("#reject-form fieldset label").all_inner_texts()
    shown = [re.sub(r"^\s*\d+\s*", "", text) for text in labels]
    assert shown == [vocab.REJECT_REASON_LABELS[value] for value in vocab.REJECT_REASONS]
    for name, values, labels in (
        ("status", vocab.SIGHTING_STATUSES, vocab.SIGHTING_STATUS_LABELS),
        ("sort", vocab.QUEUE_SORTS, vocab.QUEUE_SORT_LABELS),
    ):
        options = page.locator(f".filters select[name={name}] option")
        pairs = options.evaluate_all("options => options.map((o) => [o.value, o.textContent])")
        assert pairs == [[value, labels[value]] for value in values]
    expect(page.locator("#message")).to_have_text(f"Choose a reason (1–{reasons}).")
    assert fetch(app, Sighting, c["id"]).status == "pending"
    page.keyboard.press("4")
    page.fill("#reject-form textarea", "Please send a sharper photo.")
    page.locator("#reject-form input[name=reason]:checked").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".detail.empty")).to_contain_text("Nothing to review")
    third = fetch(app, Sighting, c["id"])
    assert (third.status, third.reject_reason, third.camera_id) == ("rejected", "photo_unclear", None)
    seen = receipt(client, c)
    assert (seen["status"], seen["reject_reason"], seen["moderator_note"]) == (
        "rejected",
        "photo_unclear",
        "Please send a sharper photo.",
    )
    assert page.problems == []


def test_volunteer_text_runs_no_script(console, live_server, app, browser):
    page, client = console, app.test_client()
    s = submit(client, *SPOT, seed=4, notes=HOSTILE, operator='<img src=x onerror="window.__pwned = 3">')
    page.goto(f"{live_server.url}/console?id={s['id']}")
    showing(page, s)
    expect(page.locator("#notes")).to_have_text(HOSTILE)
    assert page.locator("#notes *").count() == 0  # shown as text, never parsed as markup
    assert page.locator('img[src=x], svg[onload], script:not([src]):not([type="application/json"])').count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.input_value("#attributes input[name=operator]") == '<img src=x onerror="window.__pwned = 3">'

    # The same page at tablet size: the queue becomes a strip above the sighting.
    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, storage_state=page.context.storage_state())
    tablet.route(OUTSIDE, lambda route: route.abort())
    small = watched(tablet.new_page(), live_server.url)
    small.goto(f"{live_server.url}/console?id={s['id']}")
    expect(small.locator("#detail")).to_be_visible()
    queue_box, detail_box = small.locator(".queue-pane").bounding_box(), small.locator("#detail").bounding_box()
    assert queue_box["y"] + queue_box["height"] <= detail_box["y"] + 1
    small.screenshot(path=screenshot_path("console-tablet.png"), full_page=True)
    assert small.evaluate("window.__pwned") is None
    tablet.close()
    assert page.problems == [] and small.problems == []


def test_clearing_a_field_clears_the_attribute(console, live_server, app):
    page, client = console, app.test_client()
    s = submit(client, *SPOT, seed=5, mount="pole", operator="Wrong Council", zone="town")
    page.goto(f"{live_server.url}/console?id={s['id']}")
    showing(page, s)
    # OpenStreetMap refuses tile requests without a Referer, and the site's policy sends none by default.
    tiles = page.locator("#map img.leaflet-tile")
    expect(tiles.first).to_be_attached()
    policies = tiles.evaluate_all("tiles => tiles.map(tile => tile.getAttribute('referrerpolicy'))")
    assert policies and set(policies) == {"strict-origin-when-cross-origin"}

    page.select_option("#attributes select[name=mount]", "")
    page.fill("#attributes input[name=operator]", "")
    with page.expect_navigation():
        page.click("#attributes button[data-action=save]")
    stored = fetch(app, Sighting, s["id"])
    assert (stored.mount, stored.operator, stored.zone) == (None, None, "town")
    expect(page.locator("#attributes select[name=mount]")).to_have_value("")

    # Cleared before approving: the new camera has no zone, the sighting keeps the volunteer's.
    page.select_option("#attributes select[name=zone]", "")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("a")
    stored = fetch(app, Sighting, s["id"])
    camera = fetch(app, Camera, stored.camera_id)
    assert (stored.status, stored.zone) == ("approved", "town")
    assert (camera.zone, camera.mount, camera.operator) == (None, None, None)
    assert page.problems == []


def test_bulk_approve_and_reject_from_the_queue(console, live_server, app):
    page, client = console, app.test_client()
    mod = bearer(token_for(app, "mod@example.org"))  # the console's own account
    a, b, c, d = (submit(client, 51.50 + n / 100, -0.12, seed=10 + n, device=f"dev-bulk-{n:04}") for n in range(4))
    page.goto(f"{live_server.url}/console")
    showing(page, a)
    expect(page.locator("#queue input.pick")).to_have_count(4)
    expect(page.locator("#bulk button[data-action=bulk-approve]")).to_be_disabled()

    # x picks the sighting on show; Space on a focused checkbox picks another; nothing else is needed.
    page.keyboard.press("x")
    page.focus(f"#queue input.pick[value='{b['id']}']")
    page.keyboard.press("Space")
    page.focus(f"#queue input.pick[value='{c['id']}']")
    page.keyboard.press("Space")
    expect(page.locator("#bulk-count")).to_have_text("3 selected")
    # Someone else decides c meanwhile: the bulk answer reports it item by item.
    assert (
        client.post(f"/api/v1/moderation/sightings/{c['id']}/reject", json={"reason": "other"}, headers=mod).status_code
        == 200
    )
    page.focus("#bulk button[data-action=bulk-approve]")
    page.keyboard.press("Enter")
    expect(page.locator("#bulk-summary")).to_have_text("2 done, 1 not done.")
    results = page.locator("#bulk-results li")
    expect(results).to_have_count(3)
    first, second = fetch(app, Sighting, a["id"]), fetch(app, Sighting, b["id"])
    assert (first.status, second.status) == ("approved", "approved") and first.camera_id != second.camera_id
    expect(results.nth(0)).to_have_text(f"#{a['id']}: approved as camera #{first.camera_id}")
    expect(results.nth(2)).to_contain_text(f"#{c['id']}: not done: This sighting was already decided")
    expect(page.locator(f"#queue input.pick[value='{a['id']}']")).to_be_disabled()
    expect(page.locator("#bulk-count")).to_have_text("0 selected")  # the failed one is unpicked too
    expect(page.locator("#actions button[data-action=approve]")).to_be_disabled()  # a, on show, is decided now
    page.screenshot(path=screenshot_path("console-bulk.png"))
    assert fetch(app, Sighting, c["id"]).reject_reason == "other"  # the failed one is left as it was
    assert fetch(app, Camera, first.camera_id).sightings_count == 1

    # Reject: a reason is required before anything is sent.
    page.check(f"#queue input.pick[value='{d['id']}']")
    page.click("#bulk button[data-action=bulk-reject]")
    expect(page.locator("#bulk-summary")).to_have_text("Choose a reason for the rejection.")
    assert fetch(app, Sighting, d["id"]).status == "pending"
    page.select_option("#bulk select[name=reason]", "abuse_or_spam")
    page.fill("#bulk input[name=note]", "Bulk spam sweep")
    page.click("#bulk button[data-action=bulk-reject]")
    expect(page.locator("#bulk-summary")).to_have_text("1 done, 0 not done.")
    expect(page.locator("#bulk-results li")).to_have_text([f"#{d['id']}: rejected"])
    fourth = fetch(app, Sighting, d["id"])
    assert (fourth.status, fourth.reject_reason, fourth.moderator_note) == (
        "rejected",
        "abuse_or_spam",
        "Bulk spam sweep",
    )
    with page.expect_navigation():
        page.click("#bulk-reload")
    expect(page.locator(".detail.empty")).to_contain_text("Nothing to review")
    page.goto(f"{live_server.url}/console?status=approved")  # decided sightings have nothing to pick
    expect(page.locator("#queue li")).to_have_count(2)
    expect(page.locator("#queue input.pick, #bulk")).to_have_count(0)
    assert page.problems == []
