"""In Chromium: the pin map draws the self-hosted PMTiles basemap, by ranges, and offline once saved."""

from playwright.sync_api import expect

from survey.web.security import tile_origin
from tests.factories import photo
from tests.web.capture.test_basemap_serving import BASEMAP_COLOUR, basemap  # noqa: F401  (a fixture)
from tests.web.test_capture_page import SLOW_MS, capture, jpeg_file, shoot

BLOB_TILES = "#map .leaflet-tile-loaded[src^='blob:']"


def watch_requests(page, app):
    """Every request the page and its service worker make: to the OSM tile origin, and for the basemap."""
    seen = {"osm": [], "basemap": []}
    origin = tile_origin(app.config["TILE_URL"])

    def on_request(request):
        if request.url.startswith(origin):
            seen["osm"].append(request.url)
        if request.url.endswith("/basemap.pmtiles"):
            seen["basemap"].append(request)

    page.context.on("request", on_request)
    return seen


def drawn_colour(page):
    """The colour of a basemap tile as drawn: its centre pixel read back through a canvas."""
    return page.locator(BLOB_TILES).first.evaluate("""(img) => {
        const canvas = Object.assign(document.createElement("canvas"), { width: 256, height: 256 });
        const context = canvas.getContext("2d");
        context.drawImage(img, 0, 0, 256, 256);
        return Array.from(context.getImageData(10, 60, 1, 1).data.slice(0, 3));
    }""")


def test_the_map_draws_from_the_pmtiles_file_by_ranges_and_never_asks_osm(phone, app, basemap):  # noqa: F811
    page = phone()
    seen = watch_requests(page, app)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=51)))
    expect(page.locator(BLOB_TILES).first).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.basemap") == "network"
    assert drawn_colour(page) == list(BASEMAP_COLOUR)
    assert seen["osm"] == []
    ranges = [r for r in seen["basemap"] if r.headers.get("range")]
    assert ranges and len(ranges) == len(seen["basemap"])  # header, directory and tiles: all byte ranges
    statuses = {r.response().status for r in ranges if r.response()}
    assert statuses == {206}
    shoot(page, "22-basemap")


def test_a_saved_basemap_draws_offline(phone, app, basemap):  # noqa: F811
    path, _ = basemap
    page = phone()
    size_mb = f"{path.stat().st_size / 1e6:.1f} MB"
    button = page.locator("#basemap-save")
    expect(button).to_have_text(f"Save the map ({size_mb})")
    shoot(page, "23-basemap-save")
    button.click()
    expect(page.locator("#basemap-status")).to_have_text(
        f"The map is saved on this phone ({size_mb}): it draws with no signal.", timeout=SLOW_MS
    )
    expect(button).to_have_text("Delete the saved map")
    saved = page.evaluate(
        "caches.open('basemap-v1').then((c) => c.match('/basemap.pmtiles')).then((r) => r.arrayBuffer()).then((b) => b.byteLength)"
    )
    assert saved == path.stat().st_size

    seen = watch_requests(page, app)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#basemap-save")).to_have_text("Delete the saved map")
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=52)))
    expect(page.locator(BLOB_TILES).first).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.basemap") == "saved"
    assert drawn_colour(page) == list(BASEMAP_COLOUR)
    assert seen["osm"] == [] and seen["basemap"] == []  # drawn from the phone's copy alone

    page.context.set_offline(False)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#cancel").click()
    button.click()  # delete the copy: the space comes back
    expect(button).to_have_text(f"Save the map ({size_mb})")
    assert page.evaluate("caches.has('basemap-v1')") is False
