"""The photo direction by dragging a view cone round the pin; the slider follows it and it follows the slider."""

import pytest
from playwright.sync_api import expect

from tests.factories import photo
from tests.web.test_capture_page import SLOW_MS, capture, jpeg_file, save_and_send, shoot, sightings

HANDLE = ".cone-handle"


def centre(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def pin_tip(page) -> tuple[float, float]:
    """The pin's point on screen: where the cone starts (the marker's anchor)."""
    return tuple(
        page.evaluate("""() => {
        const map = document.getElementById("map").getBoundingClientRect();
        const pin = document.querySelector(".leaflet-marker-icon").getBoundingClientRect();
        return [pin.left + 28, pin.top + 54];
    }""")
    )


def drag_handle_to(page, x, y, touch=False):
    hx, hy = centre(page.locator(HANDLE).bounding_box())
    if touch:  # a finger: pointer events of type "touch", through Chromium's own input pipeline
        session = page.context.new_cdp_session(page)
        send = lambda kind, px, py: session.send(  # noqa: E731
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": px, "y": py}] if px is not None else []}
        )
        send("touchStart", hx, hy)
        for i in range(1, 9):
            send("touchMove", hx + (x - hx) * i / 8, hy + (y - hy) * i / 8)
        send("touchEnd", None, None)
        return
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move((hx + x) / 2, (hy + y) / 2 - 20, steps=6)
    page.mouse.move(x, y, steps=6)
    page.mouse.up()


def stored_heading(page):
    return page.evaluate(
        "import('/static/capture/db.js').then((db) => db.all()).then((rs) => rs.find((r) => r.state === 'draft')?.heading_manual)"
    )


def test_dragging_the_cone_east_sets_90_degrees_and_the_slider_moves_the_cone(phone, app):
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=41)))
    handle = page.locator(HANDLE)
    expect(handle).to_be_visible()
    box = handle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    expect(page.locator("#map.cone-unset")).to_have_count(1)  # no compass: a faint cone, ready to drag

    x, y = pin_tip(page)
    saves = int(page.evaluate("document.documentElement.dataset.draftSaves"))
    drag_handle_to(page, x + 55, y)  # east; the heading snaps to the slider's 5° steps
    expect(page.locator("#heading-text")).to_contain_text("E (set by hand)")
    east = int(page.locator("#heading-input").input_value())
    assert east in (85, 90, 95)  # about 90°: a pixel off the pin's tip is a degree
    expect(page.locator("#heading-text")).to_have_text(f"{east}° E (set by hand)")
    expect(page.locator("#map.cone-unset")).to_have_count(0)
    page.wait_for_function(f"() => Number(document.documentElement.dataset.draftSaves) > {saves}")
    assert stored_heading(page) == east
    hx, hy = centre(handle.bounding_box())
    assert hx > x + 30 and abs(hy - y) < 8  # the handle sits east of the pin: the cone shows what is stored
    on_top = page.evaluate(f"document.elementFromPoint({hx}, {hy}).className")
    assert on_top == "cone-handle"  # pulled in from under the "+ Photo" button, so it can be grabbed again
    shoot(page, "21-view-cone")

    page.locator("#heading-input").fill("180")  # the slider (the keyboard's way): the cone follows
    expect(handle).to_have_attribute("data-heading", "180")
    x, y = pin_tip(page)  # the page scrolled to the slider
    hx, hy = centre(handle.bounding_box())
    assert abs(hx - x) < 8 and hy > y + 30
    page.locator("#heading-input").focus()
    page.keyboard.press("ArrowLeft")
    expect(handle).to_have_attribute("data-heading", "175")

    save_and_send(page)
    expect(page.locator("#count-sent")).to_have_text("1", timeout=SLOW_MS)
    [row] = sightings(app)
    assert (row.heading, row.heading_source) == (pytest.approx(175), "manual")


def test_a_finger_drags_the_cone_and_neither_pans_the_map_nor_moves_the_pin(phone, app):
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=42)))
    pin_before = page.locator("#pin-text").inner_text()
    tiles_before = page.locator(".leaflet-map-pane").evaluate("(pane) => pane.style.transform")
    x, y = pin_tip(page)
    drag_handle_to(page, x - 50, y, touch=True)  # west
    expect(page.locator("#heading-text")).to_have_text("270° W (set by hand)")
    assert page.locator("#heading-input").input_value() == "270"
    assert page.locator("#pin-text").inner_text() == pin_before  # the pin stays where it was
    assert page.locator(".leaflet-map-pane").evaluate("(pane) => pane.style.transform") == tiles_before
