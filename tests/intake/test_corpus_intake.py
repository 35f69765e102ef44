"""Every real photo in ../shared/photos through the HTTP endpoint, checked against exiftool."""

import io
import json
import subprocess

import pytest
from PIL import Image

from tests.conftest import SHARED_PHOTOS, corpus, require_tool
from tests.factories import upload


def _entries():
    path = SHARED_PHOTOS / "truth.json"
    return json.loads(path.read_text()) if path.is_file() else []


def exif_position(entry) -> tuple[float, float] | None:
    """exiftool's position when it came from EXIF's GPS IFD and is a real place (not 0, 0)."""
    groups = entry["exiftool_groups"]
    from_gps_ifd = "GPS" in groups.get("GPSLatitude", []) + groups.get("GPSLongitude", [])
    if entry["lat"] is None or entry["lon"] is None or not from_gps_ifd:
        return None
    if entry["lat"] == 0 and entry["lon"] == 0:
        return None
    return entry["lat"], entry["lon"]


def decodable(data: bytes) -> bool:
    import pillow_heif

    pillow_heif.register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return True
    except Exception:
        return False


ENTRIES = _entries()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_corpus_photo_gives_exif_position_or_clean_422(client, entry):
    data = (corpus() / entry["file"]).read_bytes()
    response = upload(client, data)
    expected = exif_position(entry)
    body = response.json
    if expected is None:  # no position to read: refused for that, or (position checked first) for its pixels
        assert response.status_code == 422, body
        assert body["message"].startswith("This photo has no location") or (
            body["code_name"] == "image_corrupt" and not decodable(data)
        ), body
    elif not decodable(data):
        assert (response.status_code, body["code_name"]) == (422, "image_corrupt"), body
    else:
        assert_exif_position(response, entry, expected)


def assert_exif_position(response, entry: dict, expected: tuple[float, float]) -> None:
    """A decodable photo with a real GPS position is accepted at that position, with its heading."""
    body = response.json
    assert response.status_code == 201, body
    assert body["location"]["source"] == "exif"
    assert body["location"]["lat"] == pytest.approx(expected[0], abs=1e-6)
    assert body["location"]["lon"] == pytest.approx(expected[1], abs=1e-6)
    if entry["img_direction"] is not None and "GPS" in entry["exiftool_groups"].get("GPSImgDirection", []):
        assert body["heading"]["degrees"] == pytest.approx(entry["img_direction"] % 360, abs=1e-3)
        assert body["heading"]["ref"] == entry["img_direction_ref"]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if exif_position(e) is None], ids=lambda e: e["file"])
def test_corpus_photo_without_position_takes_the_device_fix(client, entry):
    data = (corpus() / entry["file"]).read_bytes()
    response = upload(client, data, lat=52.2053, lon=0.1218, accuracy_m=9)
    if not decodable(data):
        assert (response.status_code, response.json["code_name"]) == (422, "image_corrupt"), response.json
    else:
        assert response.status_code == 201, response.json
        assert response.json["location"] == {"lat": 52.2053, "lon": 0.1218, "accuracy_m": 9.0, "source": "device"}


def test_published_copies_carry_no_metadata(client, app):
    exiftool = require_tool("exiftool", "libimage-exiftool-perl")
    corpus()  # skips where the corpus is absent, before the empty list below could fail
    gps_photos = [e for e in ENTRIES if exif_position(e) and e["file_type"] in ("JPEG", "HEIC", "WEBP")][:8]
    assert gps_photos, "the corpus should hold photos with GPS"
    for entry in gps_photos:
        response = upload(client, (corpus() / entry["file"]).read_bytes())
        assert response.status_code in (201, 422), response.json
    root = app.config["DATA_DIR"]
    from pathlib import Path

    public = [str(p) for area in ("display", "thumbs") for p in Path(root, area).rglob("*.jpg")]
    assert len(public) >= 2 * 4
    out = subprocess.run([exiftool, "-j", "-a", "-G1", *public], capture_output=True, text=True, check=True)
    for item in json.loads(out.stdout):
        groups = {key.split(":")[0] for key in item if ":" in key}
        leaked = groups & {"IFD0", "ExifIFD", "GPS", "XMP-x", "XMP", "IPTC", "MakerNotes", "ICC_Profile", "IFD1"}
        assert not leaked and not any(k.startswith(("XMP", "MakerNotes", "GPS")) for k in groups), item
        assert not any("GPS" in key for key in item), item
