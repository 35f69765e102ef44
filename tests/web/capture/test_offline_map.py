"""Offline, the pin map shows the tiles the volunteer viewed: the service worker keeps them."""

from playwright.sync_api import expect

from survey.web.security import tile_origin
from tests.factories import photo
from tests.web.test_capture_page import capture, jpeg_file, shoot

TILE_CACHE = "tiles-v1"


def cached_tiles(page) -> list[str]:
    return page.evaluate(f"caches.open('{TILE_CACHE}').then((c) => c.keys()).then((ks) => ks.map((k) => k.url))")


def test_offline_a_reload_shows_the_tiles_viewed_before(phone, app):
    page = phone()
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=91)))
    shown = set(page.locator("#map .leaflet-tile").evaluate_all("(tiles) => tiles.map((t) => t.src)"))
    expect(page.locator("#map .leaflet-tile-loaded")).to_have_count(len(shown))
    for _ in range(50):  # the worker stores each tile just after handing it over
        if set(cached_tiles(page)) >= shown:
            break
        page.wait_for_timeout(100)
    assert set(cached_tiles(page)) >= shown  # only what was viewed: no prefetching around it

    page.context.unroute(f"{tile_origin(app.config['TILE_URL'])}/**")  # no tile server any more...
    page.context.set_offline(True)  # ...and no network at all
    page.reload()
    expect(page.locator("#screen-details")).to_be_visible()  # the draft comes back
    expect(page.locator("#map .leaflet-tile-loaded").first).to_be_visible()
    loaded = set(page.locator("#map .leaflet-tile-loaded").evaluate_all("(tiles) => tiles.map((t) => t.src)"))
    assert loaded and loaded <= shown
    shoot(page, "20-offline-map", top="#map")
