"""The capture page loads compressed and installs: gzip for text, an app id, separate any/maskable icons."""

import gzip

import pytest
from PIL import Image

import config as settings


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sw.js",
        "/static/capture/app.js",
        "/static/capture/styles.css",
        "/vendor/leaflet/leaflet.js",
        "/vendor/exifr/full.esm.js",
    ],
)
def test_text_is_sent_gzipped_to_clients_that_accept_it(client, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2


def test_a_compressed_copy_is_revalidated_with_its_own_etag(client):
    first = client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert first.headers["ETag"].endswith('-gzip"')
    again = client.get(
        "/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b"" and "max-age=86400" in again.headers["Cache-Control"]
    plain = client.get("/vendor/leaflet/leaflet.js", headers={"If-None-Match": first.headers["ETag"]})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers  # the gzip ETag is not the file's


def test_images_are_not_recompressed(client):
    icon = client.get("/static/capture/icons/icon-192.png", headers={"Accept-Encoding": "gzip"})
    assert icon.status_code == 200 and "Content-Encoding" not in icon.headers


def test_the_manifest_has_an_id_and_separate_any_and_maskable_icons(client):
    manifest = client.get("/manifest.webmanifest").json
    assert manifest["id"] == "/" and manifest["start_url"] == "/"
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        path = settings.ROOT / icon["src"].lstrip("/")
        width, height = Image.open(path).size
        assert f"{width}x{height}" == icon["sizes"]
    maskable = next(i for i in manifest["icons"] if i["purpose"] == "maskable")
    corner = Image.open(settings.ROOT / maskable["src"].lstrip("/")).convert("RGB").getpixel((8, 8))
    assert corner == (10, 61, 122)  # the safe zone's margin is the theme colour, not transparent


def test_the_console_login_says_how_accounts_are_made(client):
    page = client.get("/console/login")
    assert page.status_code == 200
    assert b"flask --app wsgi users create" in page.data
