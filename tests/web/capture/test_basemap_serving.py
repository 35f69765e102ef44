"""The self-hosted PMTiles basemap served by byte ranges, over real HTTP (BASEMAP_PMTILES)."""

import io
import math

import pytest
import requests
from PIL import Image, ImageDraw
from pmtiles.reader import Reader
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

URL = "/basemap.pmtiles"
LONDON = (51.5033, -0.1196)
BASEMAP_COLOUR = (196, 226, 255)  # pale blue: not the grey of the test's stand-in OSM tile


def tile_xy(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def png_tile(z: int, x: int, y: int) -> bytes:
    """A 256 px PNG tile: the basemap colour, a road, and its own coordinates."""
    image = Image.new("RGB", (256, 256), BASEMAP_COLOUR)
    draw = ImageDraw.Draw(image)
    draw.line((0, 128, 256, 140), fill=(255, 255, 255), width=12)
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(20, 40, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_archive(path, centre=LONDON, zooms=(15, 16), span=2, tile=png_tile, tile_type=TileType.PNG) -> dict:
    """A PMTiles v3 archive of (2*span+1)² tiles round `centre` at each zoom; returns its tiles."""
    tiles = {}
    for z in zooms:
        cx, cy = tile_xy(*centre, z)
        for x in range(cx - span, cx + span + 1):
            for y in range(cy - span, cy + span + 1):
                tiles[z, x, y] = tile(z, x, y)
    with open(path, "wb") as f:
        writer = Writer(f)
        for z, x, y in sorted(tiles, key=lambda t: zxy_to_tileid(*t)):
            writer.write_tile(zxy_to_tileid(z, x, y), tiles[z, x, y])
        lat, lon = centre
        e7 = lambda v: int(v * 10_000_000)  # noqa: E731
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_zoom": min(zooms),
                "max_zoom": max(zooms),
                "min_lon_e7": e7(lon - 0.05),
                "min_lat_e7": e7(lat - 0.05),
                "max_lon_e7": e7(lon + 0.05),
                "max_lat_e7": e7(lat + 0.05),
                "center_zoom": max(zooms),
                "center_lon_e7": e7(lon),
                "center_lat_e7": e7(lat),
            },
            {"attribution": "test tiles", "name": "test basemap"},
        )
    return tiles


@pytest.fixture
def basemap(app, tmp_path):
    path = tmp_path / "basemap.pmtiles"
    tiles = make_archive(path)
    app.config["BASEMAP_PMTILES"] = str(path)
    return path, tiles


def get(server, headers=None, method="GET"):
    return requests.request(method, server.url + URL, headers=headers or {}, timeout=10)


def test_without_a_basemap_the_route_is_a_json_404(live_server):
    response = get(live_server)
    assert response.status_code == 404
    assert response.json()["code"] == 404 and "TILE_URL" in response.json()["message"]


def test_a_missing_file_is_a_404_not_a_500(app, live_server, tmp_path):
    app.config["BASEMAP_PMTILES"] = str(tmp_path / "gone.pmtiles")
    response = get(live_server)
    assert response.status_code == 404 and response.json()["code"] == 404


def test_the_whole_file_is_a_plain_200_never_recompressed(basemap, live_server):
    path, _ = basemap
    data = path.read_bytes()
    response = get(live_server, {"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Type"] == "application/vnd.pmtiles"
    assert "Content-Encoding" not in response.headers  # a range of a gzipped body would be another file's bytes
    assert int(response.headers["Content-Length"]) == len(data) and response.content == data
    assert response.headers["ETag"].startswith('"')  # strong: If-Range may use it
    head = get(live_server, method="HEAD")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(data) and head.content == b""


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-126", 0, 126), ("bytes=127-200", 127, 200), ("bytes=-10", None, None), ("bytes=100-", 100, None)],
)
def test_a_range_is_a_206_with_its_content_range(basemap, live_server, header, start, end):
    path, _ = basemap
    data = path.read_bytes()
    size = len(data)
    if start is None:
        start, end = size - 10, size - 1
    end = size - 1 if end is None else end
    response = get(live_server, {"Range": header})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert int(response.headers["Content-Length"]) == end - start + 1
    assert response.content == data[start : end + 1]


def test_if_range_gives_the_range_only_while_the_etag_matches(basemap, live_server):
    path, _ = basemap
    etag = get(live_server, method="HEAD").headers["ETag"]
    same = get(live_server, {"Range": "bytes=0-15", "If-Range": etag})
    assert same.status_code == 206 and same.content == path.read_bytes()[:16]
    path.write_bytes(path.read_bytes() + b"\0")  # the archive was replaced: a range of it would mix two files
    changed = get(live_server, {"Range": "bytes=0-15", "If-Range": etag})
    assert changed.status_code == 200 and changed.content == path.read_bytes()
    assert changed.headers["ETag"] != etag


@pytest.mark.parametrize(
    "header", ["bytes=999999999-", "bytes=5-2", "bytes=abc", "bytes=-0", "bytes=0-1,5-6", "items=0-5", "bytes=--1"]
)
def test_a_range_it_cannot_satisfy_is_a_416_with_the_length(basemap, live_server, header):
    path, _ = basemap
    response = get(live_server, {"Range": header})
    assert response.status_code == 416, response.text
    assert response.headers["Content-Range"] == f"bytes */{path.stat().st_size}"
    assert response.json()["code"] == 416


def test_a_pmtiles_reader_over_http_ranges_gets_every_tile_back(basemap, live_server):
    _, tiles = basemap
    asked = []

    def get_bytes(offset, length):
        asked.append(length)
        response = get(live_server, {"Range": f"bytes={offset}-{offset + length - 1}"})
        assert response.status_code == 206
        return response.content

    reader = Reader(get_bytes)
    assert reader.header()["tile_type"] == TileType.PNG
    assert reader.metadata()["name"] == "test basemap"
    for (z, x, y), data in tiles.items():
        assert reader.get(z, x, y) == data
    assert reader.get(16, 0, 0) is None
    assert max(asked) < 10_000  # ranges, never the whole file


def test_the_capture_page_names_the_basemap_and_its_size(basemap, client):
    path, _ = basemap
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="basemap-url" content="/basemap.pmtiles">' in html
    assert f'<meta name="basemap-bytes" content="{path.stat().st_size}">' in html
    shell = client.get("/sw.js").get_data(as_text=True)
    assert '"/vendor/pmtiles/pmtiles.js"' in shell and '"/static/capture/basemap.js"' in shell
    assert client.get("/vendor/pmtiles/pmtiles.js").status_code == 200
