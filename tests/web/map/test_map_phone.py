"""The map in Debian's chromium at 360x640: loaded by viewport with bounded bytes, thumb-sized controls,
a closed panel, a popup that fits, and the coverage layer."""

import itertools
import json
import time
from urllib.parse import parse_qs, urlsplit

from survey.geo import parse_bbox
from tests.areas.osmdata import make_town, walk
from tests.conftest import screenshot_path
from tests.support import camera, many_cameras

TAP = 44  # CSS px
DEBOUNCE_S = 0.25  # map.js DEBOUNCE_MS
CONTROLS = (  # every control a finger uses; attribution links are inline text (exempt in WCAG 2.5.8)
    ".leaflet-control-zoom a",
    ".leaflet-marker-icon",
    "#panel summary",
    "#panel select",
    "#panel label.toggle",
    "#panel .downloads a",
)


def asked(response) -> dict:
    query = parse_qs(urlsplit(response.url).query)
    return {"bbox": parse_bbox(query["bbox"][0]), "zoom": int(query["zoom"][0])}


def settle(page, count: int):
    page.wait_for_function(f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {count}")
    page.wait_for_timeout(600)  # past the debounce: no request is still to come


def test_the_map_asks_for_its_view_only_and_stays_small(phone, live_server, app):
    many_cameras(app, 3000)  # lat 51.0..51.099, lon -0.5..-0.471: one small town, densely
    phone.goto(f"{live_server.url}/map#17/51.05/-0.485")
    settle(phone, 1)
    first = phone.views[-1]
    view = asked(first)
    assert view["zoom"] == 17
    box = view["bbox"]
    assert box.max_lon - box.min_lon < 0.01 and box.min_lat < 51.05 < box.max_lat  # the screen, not the dataset
    body = json.loads(first.body())
    assert body["kind"] == "cameras" and 0 < body["total"] < 100
    assert len(first.body()) < 100_000
    assert not any("cameras.geojson" in r for r in phone.evaluate("performance.getEntries().map(e => e.name)"))

    before, moves = len(phone.views), []
    for _ in range(5):  # quick pans: a request only once the map has rested for the debounce
        phone.mouse.move(180, 400)
        started = time.monotonic()
        phone.mouse.down()
        phone.mouse.move(120, 380, steps=2)
        phone.mouse.up()
        moves.append((started, time.monotonic()))
    phone.wait_for_timeout(1200)
    rests = sum(1 for (_, end), (start, _) in itertools.pairwise(moves) if start - end > DEBOUNCE_S)
    assert 1 <= len(phone.views) - before <= 1 + rests
    assert asked(phone.views[-1])["bbox"].min_lon > box.min_lon  # dragged west: the view moved east

    phone.goto(f"{live_server.url}/map?again#9/51.05/-0.485")  # a new document, not a hash change
    phone.wait_for_function("() => /zoom in/.test(document.getElementById('camera-count').textContent)")
    assert json.loads(phone.views[-1].body())["kind"] == "clusters"
    assert phone.problems == []


def test_every_control_is_thumb_sized_and_the_panel_starts_closed(phone, live_server, app, tmp_path):
    make_town(app, tmp_path)
    camera(app, lat=52.2050, lon=0.1190)
    camera(app, lat=52.2052, lon=0.1200, direction=None)
    phone.goto(f"{live_server.url}/map#17/52.2051/0.1195")
    settle(phone, 2)
    assert phone.evaluate("document.getElementById('panel').open") is False
    phone.locator("#panel summary").click()
    small = []
    for selector in CONTROLS:
        boxes = phone.eval_on_selector_all(
            selector, "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.width, b.height]; })"
        )
        assert boxes, selector
        small += [(selector, w, h) for w, h in boxes if w < TAP or h < TAP]
    assert small == []


def test_a_popup_fits_the_phone_and_closes_the_panel(phone, live_server, app):
    long_name = "Metropolitan Borough Council of Somewhere With A Very Long Name Indeed"
    camera(app, lat=51.5033, lon=-0.1196, operator=long_name)
    phone.goto(f"{live_server.url}/map#18/51.5033/-0.1196")
    settle(phone, 1)
    phone.locator("#panel summary").click()  # open, it covers the marker: a tap reaches it by the keyboard's way
    phone.locator(".camera-icon").first.dispatch_event("click")
    phone.locator(".leaflet-popup .camera-popup").wait_for()
    phone.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup'); const b = p.getBoundingClientRect();"
        " return getComputedStyle(p).opacity === '1' && b.left >= 0 && b.right <= innerWidth && b.top >= 0; }"
    )
    assert long_name in phone.locator(".camera-popup").inner_text()
    views = len(phone.views)
    phone.wait_for_timeout(800)  # the pan that showed the popup loads the view again: the popup stays
    assert len(phone.views) >= views and phone.locator(".leaflet-popup .camera-popup").count() == 1
    assert phone.evaluate("document.getElementById('panel').open") is False


def test_the_coverage_layer_colours_streets_by_state_and_never_says_who(phone, live_server, app, client, tmp_path):
    town = make_town(app, tmp_path)
    sidney = walk(client, town["area_id"], town["streets"]["Sidney Street"], "2026-06-01", device="SECRET-dev")
    assert sidney.status_code == 201
    walk(client, town["area_id"], town["streets"]["Market Passage"], "2020-01-01", device="SECRET-dev")
    phone.goto(f"{live_server.url}/map#16/52.2050/0.1200")
    phone.wait_for_function("() => document.getElementById('camera-count').textContent === '0 cameras in view.'")
    layers = []
    phone.on("response", lambda r: "/streets.geojson" in r.url and layers.append(r))
    phone.locator("#panel summary").click()
    phone.locator("#layer-coverage").check()
    phone.wait_for_function("() => document.querySelectorAll('path.street').length === 4")
    classes = phone.eval_on_selector_all("path.street", "ps => ps.map(p => p.getAttribute('class'))")
    states = sorted(next(word for word in c.split() if "walk" in word or "due" in word) for c in classes)
    assert states == ["due_again", "not_walked", "not_walked", "walked"]
    legend = phone.locator(".legend").inner_text()
    for words in ("Walked", "Not walked yet", "Due to be walked again"):
        assert words in legend
    [layer] = layers
    assert "SECRET" not in layer.text() and "2026-06-01" not in layer.text()
    phone.locator("#panel summary").click()  # closed again, to see the streets
    phone.screenshot(path=str(screenshot_path("map-coverage.png")))
    phone.locator("#panel summary").click()
    phone.locator("#layer-coverage").uncheck()
    assert phone.locator("path.street").count() == 0 and phone.locator(".legend").count() == 0
    assert phone.problems == []
