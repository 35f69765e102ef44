"""Case 6: the public map under gunicorn on SQLite.

- A phone: Debian's chromium at 360x640 with the CPU throttled 4x (CDP Emulation.setCPUThrottlingRate)
  opens /map at city zoom over the densest part of the data; first markers in ms from navigation start,
  and the bytes transferred (tiles aside: the tile server sends those, and here they 404).
- Visitors: 2 and 8 threads each asking for random phone views, world to street (a view, then 250 ms,
  the page's debounce: a person panning without pause) while one OGC API items page is timed; p95
  against the same request with no visitors, after a warm-up that fills the workers' grids.
"""

from __future__ import annotations

import math
import random
import statistics
import threading
import time
from pathlib import Path

import requests

from bench.apps import dispose, migrated_app, sqlite_url
from bench.camera_data import CITY, COUNTRY, camera_rows, load_sqlite, point_in
from bench.harness import Context, Row, Target, Timing, with_ratios
from survey.publish.map_grid import cell_degrees
from tests.load.harness import Gunicorn

CASE = "6 map"
CITY_VIEW = "#13/51.5/-0.12"  # Greater London, where half the bench cameras are
LONE = (0.001, 0.001)  # the floor's one camera, far from the others (not at 0, 0: that is "no position")
LONE_VIEW = f"#19/{LONE[0]}/{LONE[1]}"
FIRST_MARKERS = Target("value", 2000, "< 2 s")
TRANSFER = Target("value", 2.0, "< 2 MB")
ITEMS_P95 = Target("value", 50, "p95 < 50 ms")
ITEMS = "/ogcapi/collections/cameras/items?f=json&limit=100"
THINK_S = 0.25
WORKERS = 2
# What a visitor does: a zoom, a place (in the city when zoomed in, over the country when not), a phone's view.
ZOOMS = (2, 6, 9, 11, 13, 14, 15, 16)


def phone_view(rng: random.Random) -> dict:
    """A 360x640 view at a random zoom and place, its box snapped out to the grid as the page does."""
    zoom = rng.choice(ZOOMS)
    lat, lon = point_in(CITY if zoom >= 9 else COUNTRY, rng)
    half_w = 180 / 256 * 360 / 2**zoom
    half_h = min(320 / 256 * 360 / 2**zoom * math.cos(math.radians(lat)), 80)
    cell = cell_degrees(zoom)
    west, east = math.floor((lon - half_w) / cell) * cell, math.ceil((lon + half_w) / cell) * cell
    box = (max(west, -180), max(math.floor((lat - half_h) / cell) * cell, -90), min(east, 180))
    north = min(math.ceil((lat + half_h) / cell) * cell, 90)
    return {"bbox": ",".join(f"{v:.7f}" for v in (*box, north)), "zoom": zoom}


def first_markers(browser, url: str, view: str = CITY_VIEW) -> tuple[float, float]:
    """(ms from navigation to the first marker, MB transferred) for one fresh phone."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cdp.send("Network.enable")
    sizes: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    page.goto(url + "/map" + view)
    page.wait_for_selector(".leaflet-marker-icon", timeout=30_000)
    elapsed = page.evaluate("performance.now()")
    page.wait_for_timeout(500)  # what is still on its way counts too
    context.close()
    return elapsed, sum(sizes) / 1e6


def phone_rows(url: str, runs: int, size: int) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        first_markers(browser, url)  # warm-up: the server's caches, as for every case
        first_markers(browser, url, LONE_VIEW)
        results, floor = [], []
        for _ in range(runs):  # interleaved, so the machine's load hits both alike
            results.append(first_markers(browser, url))
            floor.append(first_markers(browser, url, LONE_VIEW))
        browser.close()
    note = f"{size:,} cameras, 360x640, CPU 4x, city zoom"
    return with_ratios(
        [
            Row(
                CASE, "first marker, floor", Timing(tuple(r[0] for r in floor)), note="the same page, 1 camera in view"
            ),
            Row(
                CASE,
                "first markers",
                Timing(tuple(r[0] for r in results)),
                baseline="first marker, floor",
                target=FIRST_MARKERS,
                note=note,
                paired=True,
            ),
            Row(CASE, "transferred", Timing(tuple(r[1] for r in results)), unit="MB", target=TRANSFER, note=note),
        ]
    )


def visitor(url: str, stop: threading.Event, seed: int) -> None:
    rng, session = random.Random(seed), requests.Session()
    while not stop.is_set():
        session.get(f"{url}/map/cameras.json", params=phone_view(rng), timeout=60).raise_for_status()
        stop.wait(THINK_S)


def items_p95(url: str, visitors: int, rounds: int, per_round: int) -> Timing:
    """p95 of the items page, per round of `per_round` requests, with `visitors` on the map meanwhile."""
    stop = threading.Event()
    threads = [threading.Thread(target=visitor, args=(url, stop, n), daemon=True) for n in range(visitors)]
    for thread in threads:
        thread.start()
    session, found = requests.Session(), []
    time.sleep(1.0 if visitors else 0)
    try:
        for _ in range(rounds):
            samples = []
            for _ in range(per_round):
                started = time.perf_counter()
                session.get(url + ITEMS, timeout=60).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)
            found.append(statistics.quantiles(samples, n=20)[-1])
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    return Timing(tuple(found))


def visitor_rows(url: str, size: int, rounds: int, per_round: int) -> list[Row]:
    rng = random.Random(0)
    for _ in range(40):  # warm every worker's grid, as a running site has
        requests.get(f"{url}/map/cameras.json", params=phone_view(rng), timeout=120).raise_for_status()
    floor = items_p95(url, 0, rounds, per_round)
    rows = [Row(CASE, "items p95, no visitors", floor, note=f"{size:,} cameras, floor")]
    for visitors in (2, 8):
        rows.append(
            Row(
                CASE,
                f"items p95, {visitors} map visitors",
                items_p95(url, visitors, rounds, per_round),
                baseline="items p95, no visitors",
                target=ITEMS_P95,
                note=f"{THINK_S * 1000:.0f} ms between a visitor's views",
            )
        )
    return with_ratios(rows)


def with_lone(size: int):
    """The bench cameras, and one active camera alone at LONE for the phone's floor."""
    yield from camera_rows(size)
    row = list(next(camera_rows(1, first_id=size + 1)))
    row[1:3], row[4] = LONE, "active"
    yield tuple(row)


def _server(url: str, workdir: Path) -> Gunicorn:
    """Two sync workers, one per core: the setting in which two map loads once held the whole site."""
    server = Gunicorn(url, workdir / "map-photos", workdir, workers=WORKERS)
    server.env["TILE_URL"] = server.url + "/no-tiles/{z}/{x}/{y}.png"  # never the internet
    return server.start(timeout_s=120)


def run(ctx: Context) -> list[Row]:
    size = 20_000 if ctx.ci else 100_000 if ctx.quick else 1_000_000
    workdir = Path(ctx.workdir)
    url = sqlite_url(workdir, "map.db")
    dispose(migrated_app(url, workdir / "map-photos"))
    load_sqlite(url, size, rows=with_lone(size))
    server = _server(url, workdir)
    try:
        rows = visitor_rows(server.url, size, rounds=5, per_round=10 if ctx.quick else 20)
        phone_size = min(size, 100_000)
        if size == phone_size:
            rows = phone_rows(server.url, ctx.runs, size) + rows
    finally:
        server.stop()
    if size > 100_000:  # the phone's target is at 100,000: a second server at that size
        url = sqlite_url(workdir, "map-phone.db")
        dispose(migrated_app(url, workdir / "map-photos"))
        load_sqlite(url, 100_000, rows=with_lone(100_000))
        server = _server(url, workdir)
        try:
            rows = phone_rows(server.url, ctx.runs, 100_000) + rows
        finally:
            server.stop()
    return rows
