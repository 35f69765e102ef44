"""The service worker keeps at most 1,500 map tiles, and drops the least recently used first."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from survey.web.security import tile_origin
from tests.web.test_capture_page import TILE

MAX_TILES = 1500  # static/capture/sw.js
EVICT = 50
TILES = "tiles-v1"


class TileHandler(BaseHTTPRequestHandler):
    """Any /z/x/y.png is the same small PNG, with CORS as OpenStreetMap's tile servers send it."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


@pytest.fixture
def tile_server(app):
    """A real tile server on another loopback port (another origin, as tile servers are): faster than routes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["TILE_URL"] = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    yield tile_origin(app.config["TILE_URL"])
    server.shutdown()
    server.server_close()
    thread.join(10)


def load_tiles(page, origin: str, numbers, at_once=50) -> None:
    """Show tiles as the map does, as <img>s (the page's CSP lets it fetch tiles only as images)."""
    page.evaluate(
        """async ([origin, numbers, atOnce]) => {
            for (let i = 0; i < numbers.length; i += atOnce) {
                await Promise.all(numbers.slice(i, i + atOnce).map((n) => new Promise((resolve, reject) => {
                    const img = new Image();
                    img.onload = resolve;
                    img.onerror = () => reject(new Error(`tile ${n} failed`));
                    img.src = `${origin}/19/${n}/7.png`;
                })));
            }
        }""",
        [origin, list(numbers), at_once],
    )


def cached_numbers(page) -> list[int]:
    """The cached tiles' numbers, in the cache's order (oldest used first)."""
    return page.evaluate(
        f"""caches.open('{TILES}').then((c) => c.keys())
            .then((keys) => keys.map((k) => Number(new URL(k.url).pathname.split('/')[2])))"""
    )


def test_past_1500_tiles_the_least_recently_used_are_dropped(tile_server, phone):
    page = phone()
    page.context.unroute(f"{tile_server}/**")  # the fixture's stand-in: this test's server answers instead
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")  # tiles pass through the worker
    origin = tile_server

    load_tiles(page, origin, range(MAX_TILES))
    before = cached_numbers(page)  # in the order the worker saw them: 50 load at once
    assert sorted(before) == list(range(MAX_TILES))  # full, nothing dropped yet
    page.reload()  # a new document: its images do not come from the last one's memory cache
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    load_tiles(page, origin, [0])  # one of the first is used again: now it is the newest
    new = range(MAX_TILES, MAX_TILES + 101)
    load_tiles(page, origin, new[:60], at_once=1)
    assert len(cached_numbers(page)) <= MAX_TILES
    load_tiles(page, origin, new[60:], at_once=1)  # 101 new tiles in all

    cached = cached_numbers(page)
    used = [*(n for n in before if n != 0), 0, *new]  # least recently used first
    assert MAX_TILES - EVICT <= len(cached) <= MAX_TILES  # room is made a batch at a time, never more
    assert cached == used[-len(cached) :]  # what went is exactly the least recently used
    assert used[0] not in cached and 0 in cached  # tile 0 stayed because it was used again
