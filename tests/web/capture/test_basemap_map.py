"""In Chromium: the pin map draws the self-hosted PMTiles basemap, by ranges, and offline once saved."""

import itertools

import pytest
from playwright.sync_api import expect
from pmtiles.tile import TileType

from survey.web.security import tile_origin
from tests.factories import photo
from tests.web.capture.test_basemap_serving import BASEMAP_COLOUR, basemap, make_archive  # noqa: F401  (a fixture)
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


# Protomaps' "light" style, as protomaps-leaflet draws the basemap's layers of those names.
EARTH, WATER = (0xE2, 0xDF, 0xDA), (0x80, 0xDE, 0xEA)
EXTENT = 4096


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def _rectangle(x0: int, y0: int, x1: int, y1: int) -> bytes:
    """One polygon feature: a clockwise ring (an outer ring in MVT), in tile units."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    commands = [1 | 1 << 3, _zigzag(x0), _zigzag(y0), 2 | 3 << 3]
    for (ax, ay), (bx, by) in itertools.pairwise(corners):
        commands += [_zigzag(bx - ax), _zigzag(by - ay)]
    commands.append(7 | 1 << 3)
    geometry = b"".join(_varint(c) for c in commands)
    return _field(3, 3) + _field(4, geometry)  # type POLYGON, packed geometry


def _layer(name: str, features: list[bytes]) -> bytes:
    body = b"".join(_field(2, feature) for feature in features)
    return _field(15, 2) + _field(1, name.encode()) + body + _field(5, EXTENT)


def mvt_tile(z: int, x: int, y: int) -> bytes:
    """A Mapbox Vector Tile as a Protomaps build has it: land ("earth") with a checkerboard of ponds.

    Eight squares a side: at street zoom, two zooms past the archive's last, every 256 px tile shows both.
    """
    side = EXTENT // 8
    ponds = [
        _rectangle(i * side, j * side, (i + 1) * side, (j + 1) * side)
        for i in range(8)
        for j in range(8)
        if (i + j) % 2 == 0
    ]
    earth = _layer("earth", [_rectangle(-64, -64, EXTENT + 64, EXTENT + 64)])
    return _field(3, earth) + _field(3, _layer("water", ponds))


@pytest.fixture
def vector_basemap(app, tmp_path):
    path = tmp_path / "vector.pmtiles"
    make_archive(path, tile=mvt_tile, tile_type=TileType.MVT)
    app.config["BASEMAP_PMTILES"] = str(path)
    return path


def test_a_vector_basemap_is_drawn_in_protomaps_light_style(phone, app, vector_basemap):
    page = phone()
    seen = watch_requests(page, app)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=53)))
    canvases = page.locator("#map canvas.leaflet-tile")
    expect(canvases.first).to_be_visible(timeout=SLOW_MS)
    page.wait_for_timeout(300)  # the canvases are painted just after they are added
    colours = canvases.evaluate_all("""(tiles) => {
        const seen = new Set();
        for (const tile of tiles) {
            const { data } = tile.getContext("2d").getImageData(0, 0, tile.width, tile.height);
            for (let i = 0; i < data.length; i += 4 * 997) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        }
        return [...seen];
    }""")
    assert {",".join(map(str, EARTH)), ",".join(map(str, WATER))} <= set(colours)
    assert seen["osm"] == []
    assert {r.response().status for r in seen["basemap"] if r.response()} == {206}
    shoot(page, "24-vector-basemap")


def shell_caches(page) -> list[str]:
    return page.evaluate("caches.keys().then((keys) => keys.filter((k) => k.startsWith('capture-')))")


def test_a_saved_copy_of_an_older_archive_is_not_used(phone, app, basemap):  # noqa: F811
    path, _ = basemap
    page = phone()
    page.locator("#basemap-save").click()
    expect(page.locator("#basemap-save")).to_have_text("Delete the saved map", timeout=SLOW_MS)
    old_shell = shell_caches(page)
    with path.open("ab") as f:  # the operator put a new archive in place (trailing bytes keep this one valid)
        f.write(b"\0" * 4096)
    # The page comes from the worker's copy of the shell, which names the old archive, so the saved copy
    # still matches it; meanwhile the browser fetches the new worker (the shell's version covers the file).
    page.reload()
    for _ in range(100):
        if shell_caches(page) and set(shell_caches(page)).isdisjoint(old_shell):
            break
        page.wait_for_timeout(100)
    assert set(shell_caches(page)).isdisjoint(old_shell)
    page.reload()  # the new shell: the saved copy is of another file now
    size_mb = f"{path.stat().st_size / 1e6:.1f} MB"
    expect(page.locator("#basemap-save")).to_have_text(f"Save the map ({size_mb})", timeout=SLOW_MS)
    capture(page, jpeg_file("no-gps.jpg", photo(size=(640, 480), seed=54)))
    expect(page.locator(BLOB_TILES).first).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.basemap") == "network"  # the new file, by ranges
