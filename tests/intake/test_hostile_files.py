"""Decompression bombs, polyglots, path traversal: refused, or stored only as re-encoded copies."""

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from survey.extensions import db
from survey.models import Photo
from survey.storage.photo_files import LocalStorage
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
KEY = re.compile(r"^(originals|display|thumbs)/[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|heic|avif|webp|png|tiff)$")


def files_in(app) -> list[str]:
    root = Path(app.config["DATA_DIR"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height: a bomb if anything decoded it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(photo(*LONDON, size=(64, 48)))
    at = data.find(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def markers(jpeg: bytes) -> list[int]:
    """The segment markers of a JPEG up to the start of scan."""
    found, at = [], 2
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF:
        marker, length = jpeg[at + 1], struct.unpack(">H", jpeg[at + 2 : at + 4])[0]
        found.append(marker)
        if marker == 0xDA:
            break
        at += 2 + length
    return found


@pytest.mark.parametrize("bomb", [png_claiming(50_000, 50_000), jpeg_claiming(65_000, 65_000)], ids=["png", "jpeg"])
def test_decompression_bombs_are_413_before_decoding(client, app, bomb):
    response = upload(client, bomb, lat=51.5, lon=-0.12, client_id=new_client_id())
    assert response.status_code == 413, response.json
    assert response.json["code"] == 413 and "pixels" in response.json["message"]
    assert files_in(app) == []


def test_real_bomb_over_the_pixel_limit_is_413(client, app):
    image = Image.new("1", (9000, 8000))  # 72 MP of zeros: a few kB as PNG
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000
    response = upload(client, buffer.getvalue(), lat=51.5, lon=-0.12)
    assert response.status_code == 413 and files_in(app) == []


def _jpeg_html_zip() -> bytes:
    """A real JPEG carrying HTML in a comment and after EOI, with a ZIP archive appended."""
    jpeg = photo(*LONDON, size=(320, 240))
    comment = b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", HTML)
    return jpeg[:2] + comment + jpeg[2:] + HTML + archive.getvalue()


def test_jpeg_html_zip_polyglot_is_published_only_as_clean_reencoded_copies(client, app):
    polyglot = _jpeg_html_zip()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    response = upload(client, polyglot, client_id=new_client_id())
    assert response.status_code == 201, response.json
    root = Path(app.config["DATA_DIR"])
    with app.app_context():
        stored = db.session.scalars(select(Photo)).one()
    for key in (stored.display_key, stored.thumb_key):
        published = (root / key).read_bytes()
        assert published != polyglot and b"<script" not in published and b"<html" not in published
        assert not zipfile.is_zipfile(io.BytesIO(published))
        assert markers(published)[0] == 0xE0 and not {0xE1, 0xFE} & set(markers(published))  # JFIF only
        assert published.rstrip(b"\x00").endswith(b"\xff\xd9")  # nothing after the image


def test_html_first_polyglot_and_svg_are_415(client, app):
    for hostile in (HTML + photo(*LONDON), b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'):
        response = upload(client, hostile, lat=51.5, lon=-0.12)
        assert response.status_code == 415, response.json
        assert response.json["code"] == 415
    assert files_in(app) == []


def assert_copies_reencoded(app, uploaded: set[bytes]) -> None:
    """Every published copy differs from every upload and holds JFIF only (the corpus test calls this)."""
    root = Path(app.config["DATA_DIR"])
    with app.app_context():
        photos = db.session.scalars(select(Photo)).all()
    assert len(photos) >= 40
    for stored in photos:
        for key in (stored.display_key, stored.thumb_key):
            published = (root / key).read_bytes()
            assert published not in uploaded
            assert not {0xE1, 0xE2, 0xED, 0xFE} & set(markers(published)), key  # no EXIF, XMP, ICC, IPTC, comment


def test_client_file_names_never_reach_the_filesystem(client, app, tmp_path):
    jpeg = photo(*LONDON)
    for name in ("../../../../tmp/evil.jpg", "..\\..\\evil.jpg", "/etc/passwd", "a\x00.jpg", "%2e%2e%2fevil.jpg"):
        data = {"photo": [(io.BytesIO(jpeg), name)], "client_id": new_client_id()}
        response = client.post("/api/v1/sightings", data=data, content_type="multipart/form-data")
        assert response.status_code == 201, response.json
    assert files_in(app) and all(KEY.match(key) for key in files_in(app)), files_in(app)
    assert not Path("/tmp/evil.jpg").exists()


@pytest.mark.parametrize("key", ["../secret", "originals/../../secret", "/etc/passwd", "originals/../../../etc/passwd"])
def test_storage_refuses_keys_that_leave_its_root(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path / "photos").path(key)


TRAVERSALS = [
    "/static/../config.py",
    "/static/%2e%2e/config.py",
    "/static/..%2fconfig.py",
    "/static/%2e%2e%2fwsgi.py",
    "/static/....//config.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..%5cconfig.py",
    "/vendor/leaflet/../../package.json",
    "/vendor/leaflet/%2e%2e/%2e%2e/package.json",
    "/vendor/leaflet/..%2f..%2fpackage.json",
    "/vendor/..%2fleaflet/leaflet.js",
    "/vendor/%2e%2e/package.json",
    "/vendor/leaflet/%2fetc%2fpasswd",
    "/api/v1/sightings/..%2f1",
    "/api/v1/sightings/-1",
    "/api/v1/sightings/1%00",
    "/api/v1/sightings/%2e%2e",
    "/api/v1/sightings/1/../../openapi.json%00",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_in_any_path_is_404(client, path):
    # Werkzeug answers '//' with a redirect to the merged path, which must then be a 404 too.
    response = client.get(path, follow_redirects=True)
    assert all(r.headers["Location"].startswith("http://localhost/") for r in response.history)
    assert response.status_code == 404, (path, response.status_code)
    assert response.is_json and response.json["code"] == 404
    assert b"SECRET_KEY" not in response.data and b"root:" not in response.data


@pytest.mark.parametrize(
    "path", ["/api/v1/sightings/2147483648", "/api/v1/sightings/9223372036854775808", "/api/v1/sightings/" + "9" * 400]
)
def test_ids_no_column_can_hold_are_404_not_a_database_error(client, path):
    response = client.get(path, headers={"X-Receipt": "x"})
    assert response.status_code == 404 and response.json["code"] == 404


def test_values_the_database_refuses_are_422_and_store_nothing(client, app):
    response = upload(client, photo(*LONDON), client_id=new_client_id(), notes="nul\x00byte", operator="a\x00b")
    assert response.status_code in (201, 422), response.json
    if response.status_code == 422:
        assert files_in(app) == []
    answer = client.post(
        "/api/v1/sightings/1/nearby", json={"camera_id": 2**40, "answer": "same"}, headers={"X-Receipt": "x"}
    )
    assert answer.status_code == 422 and answer.json["code"] == 422


def test_a_non_ascii_receipt_is_404_not_a_crash(client):
    created = upload(client, photo(*LONDON), client_id=new_client_id()).json
    for receipt in ("\u0080", "é" * 24, "\udcff"[:0] + "ü"):
        response = client.get(f"/api/v1/sightings/{created['id']}", query_string={"receipt": receipt})
        assert response.status_code == 400 and response.json["code"] == 400  # receipts only in X-Receipt
        sent = receipt.encode().decode("latin-1")  # the same bytes as a header value
        response = client.get(f"/api/v1/sightings/{created['id']}", headers={"X-Receipt": sent})
        assert response.status_code == 404 and response.json["code"] == 404
    header = client.get(f"/api/v1/sightings/{created['id']}", headers={"X-Receipt": "é".encode().decode("latin-1")})
    assert header.status_code == 404


@pytest.mark.parametrize(
    "method,path,body,status",
    [
        ("get", "/api/v1/moderation/sightings?max_age_hours=17758687", None, 400),  # a bad query is 400
        ("get", "/api/v1/moderation/audit?camera_id=9223372036854775807", None, 400),
        ("post", "/api/v1/moderation/bulk", {"action": "reject", "ids": [2**40], "reason": "not_a_camera"}, 422),
        ("post", "/api/v1/moderation/sightings/1/approve", {"camera_id": 2**40}, 422),
    ],
)
def test_moderators_numbers_out_of_range_are_refused_not_a_database_error(client, mod, method, path, body, status):
    response = getattr(client, method)(path, json=body, headers=mod)
    assert response.status_code == status, response.json
    assert response.json["code"] == status and response.json["errors"]
