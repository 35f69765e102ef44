"""One hand, one screen: the capture page's layout measured in chromium at 360x640 and 390x844."""

import pytest
from playwright.sync_api import expect

from tests.conftest import corpus
from tests.factories import photo
from tests.web.capture.test_photo_position import ROME
from tests.web.test_capture_page import capture, jpeg_file, shoot

TARGETS = (
    "button, a[href], select, textarea, summary, label.button, label.chip, [role=button],"
    " input:not([type=radio]):not([type=file]):not([type=checkbox])"
)
# OpenStreetMap's attribution must be shown; its links are inline text, which WCAG 2.5.8 exempts.
EXEMPT = ".leaflet-control-attribution a"


def small_targets(page) -> list[str]:
    """Every visible tap target smaller than 44x44 CSS px, as 'tag#id.class WxH'."""
    return page.evaluate(
        """([targets, exempt]) => [...document.querySelectorAll(targets)]
        .filter((el) => !el.matches(exempt) && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([, box]) => box.width > 2 && (box.width < 44 || box.height < 44))
        .map(([el, box]) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${box.width}x${box.height}`)""",
        [TARGETS, EXEMPT],
    )


def box(page, selector) -> dict:
    return page.locator(selector).first.bounding_box()


def place_in_page(page, selector) -> list[float]:
    """Where an element sits in the document (not the viewport): [left, top, width, height]."""
    return page.locator(selector).evaluate(
        "(el) => { const b = el.getBoundingClientRect(); return [b.left, b.top + scrollY, b.width, b.height]; }"
    )


@pytest.mark.parametrize("size", [(360, 640), (390, 844)], ids=["360x640", "390x844"])
def test_the_quick_taps_and_send_are_within_half_a_screens_scroll(phone, size):
    width, height = size
    page = phone()
    page.set_viewport_size({"width": width, "height": height})
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=71)))
    send_bar = box(page, "#details-form .actions")
    assert send_bar["y"] + send_bar["height"] <= height  # Send is on the first screen
    for selector in ("#photo-strip img", "#map", ".leaflet-marker-icon"):  # nothing under the Send bar
        shown = box(page, selector)
        assert shown["y"] >= 0 and shown["y"] + shown["height"] <= send_bar["y"], selector
    last_tap = page.locator("fieldset.chips label.chip:visible").last
    bottom = last_tap.bounding_box()["y"] + last_tap.bounding_box()["height"]
    scroll_needed = bottom - send_bar["y"]
    print(f"{width}x{height}: last quick tap ends {bottom:.0f} px down, {scroll_needed:.0f} px of scroll")
    assert scroll_needed <= height / 2
    page.mouse.wheel(0, max(scroll_needed, 0) + 4)
    page.wait_for_timeout(300)  # the wheel's scroll is smooth
    assert page.evaluate("scrollY") <= height / 2 + 4
    last_tap.click()  # reachable: tapped, not hidden under the bar
    expect(last_tap.locator("xpath=preceding-sibling::input[1]")).to_be_checked()
    if size == (360, 640):
        shoot(page, "2-details")


def test_every_tap_target_is_at_least_44_px(phone, app):
    page = phone()
    assert small_targets(page) == []  # the capture screen
    capture(page, str(corpus() / ROME))  # a far photo: its notice and "use the photo's position" too
    expect(page.locator("#use-other")).to_be_visible()
    assert small_targets(page) == []
    page.locator("details.help summary").click()
    page.mouse.wheel(0, 2000)
    assert small_targets(page) == []
    page.click("#send")
    expect(page.locator("#screen-capture")).to_be_visible()
    page.click("#tab-mine")
    expect(page.locator(".mine-item")).to_have_count(1)
    assert small_targets(page) == []


def pending_questions(page, count: int) -> None:
    """Sent sightings with an unanswered "Same camera?" each, put in the page's IndexedDB as the outbox would."""
    page.evaluate(
        """(count) => import('/static/capture/db.js').then(async (db) => {
        for (let i = 1; i <= count; i++) {
            await db.put({ client_id: `00000000-0000-4000-8000-00000000000${i}`, created_at: Date.now() + i,
                state: "sent", sent_at: 1, result: { id: 100 + i, receipt: "r", status: "pending" },
                nearby: { camera_id: 7, distance_m: 9, answer: null, sent: false } });
        }})""",
        count,
    )


def test_take_photo_keeps_its_place_with_four_questions_pending(phone):
    page = phone()
    before = place_in_page(page, "#camera-button")
    pending_questions(page, 4)
    page.reload()
    card = page.locator("#prompts .nearby")
    expect(card).to_have_count(1)  # one card, one question at a time
    expect(card.locator(".nearby-count")).to_have_text("1 of 4 questions")
    shoot(page, "4-nearby-camera")
    assert place_in_page(page, "#camera-button") == before and before[1] + before[3] <= 640
    same = place_in_page(page, "#prompts .nearby .button-primary")
    assert same[1] > before[1] + before[3]  # never where a habitual tap lands
    page.context.set_offline(True)  # the answer waits in the outbox; the next question comes up
    card.get_by_role("button", name="A different camera here").click()
    expect(card.locator(".nearby-count")).to_have_text("1 of 3 questions")
    assert place_in_page(page, "#camera-button") == before
