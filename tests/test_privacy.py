"""Volunteers stay unidentifiable: no plain IPs or device ids stored, no camera serials kept,
and no public endpoint shows a stored volunteer value."""
import io
import json
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.exif import read_photo_meta
from survey.extensions import db
from survey.images import ImageError, make_public_copies, sniff_format
from survey.models import Photo, Sighting
from survey.scrub import scrub_original
from tests.conftest import corpus, require_tool
from tests.dbtools import all_rows
from tests.factories import new_client_id, photo, upload
from tests.test_hostile_files import assert_copies_reencoded

IP, FORWARDED = "203.0.113.77", "198.51.100.23"
DEVICE = "volunteer-phone-7f3a9c"
IDENTIFYING = ["-*Serial*", "-OwnerName", "-CameraOwnerName", "-Artist", "-ImageUniqueID", "-XPAuthor"]


def _exiftool_values(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(file, tag, value) for every non-empty identifying tag exiftool finds."""
    tool = require_tool("exiftool", "libimage-exiftool-perl")
    result = subprocess.run([tool, "-j", "-a", "-G1", "-q", "-q", *IDENTIFYING, *map(str, paths)],
                            capture_output=True, text=True, timeout=300)
    found = []
    for entry in json.loads(result.stdout or "[]"):
        for tag, value in entry.items():
            if tag != "SourceFile" and str(value).strip(" 0\x00") and "FLIR" not in tag:
                found.append((Path(entry["SourceFile"]).name, tag, str(value)))
    return found


def test_corpus_uploads_keep_no_serials_and_publish_only_reencoded_copies(client, app):
    sources = sorted(p for p in corpus().iterdir() if p.suffix.lower() != ".json" and p.name != "README.md")
    before = _exiftool_values(sources)
    assert len(before) >= 20  # the corpus really has serials, owners and artists to remove
    for path in sources:
        response = upload(client, path.read_bytes(), lat=51.5, lon=-0.12)
        assert response.status_code in (201, 422), response.json
    assert_copies_reencoded(app, {p.read_bytes() for p in sources})
    originals = sorted((Path(app.config["DATA_DIR"]) / "originals").rglob("*.*"))
    assert len(originals) >= 45
    assert _exiftool_values(originals) == []
    stored = b"".join(p.read_bytes() for p in originals)
    long_values = {v for _, _, v in before if len(v) >= 6 and not v.isdigit() or len(v) >= 9}
    assert long_values and not [v for v in long_values if v.encode() in stored]


@pytest.mark.parametrize("path", sorted(p for p in (corpus().iterdir()) if p.suffix.lower() in
                                        (".jpg", ".jpeg", ".heic", ".avif", ".webp", ".png", ".tiff")),
                         ids=lambda p: p.name)
def test_scrubbing_keeps_pixels_position_heading_and_time(path):
    data = path.read_bytes()
    scrubbed = scrub_original(data, sniff_format(data))
    before, after = read_photo_meta(data), read_photo_meta(scrubbed)
    assert (after.lat, after.lon, after.heading, after.taken_at) == (before.lat, before.lon, before.heading, before.taken_at)
    try:
        expected = make_public_copies(data, display_px=256, thumb_px=32).display
    except ImageError as exc:
        expected = exc.code
    try:
        assert make_public_copies(scrubbed, display_px=256, thumb_px=32).display == expected
    except ImageError as exc:
        assert exc.code == expected


def test_no_plain_ip_or_device_id_is_stored_anywhere(client, app, database_url):
    client.environ_base["REMOTE_ADDR"] = IP
    for seed in range(3):
        response = upload(client, photo(51.5, -0.12, seed=seed), client_id=new_client_id(), device_id=DEVICE,
                          notes="by the bus stop")
        assert response.status_code == 201
    client.post("/api/v1/sightings", headers={"X-Forwarded-For": FORWARDED}, data={}, content_type="multipart/form-data")
    dump = json.dumps(all_rows(database_url))
    assert "by the bus stop" in dump  # the dump does hold what was stored
    for secret in (IP, FORWARDED, DEVICE, IP.replace(".", "")):
        assert secret not in dump
    files = b"".join(p.read_bytes() for p in Path(app.config["DATA_DIR"]).rglob("*") if p.is_file())
    assert IP.encode() not in files and DEVICE.encode() not in files
    with app.app_context():
        keys = set(db.session.scalars(select(Sighting.volunteer_key)))
    assert len(keys) == 1 and re.fullmatch(r"[0-9a-f]{32}", keys.pop())  # one volunteer, counted by hash


def volunteer_values(app) -> set[str]:
    """Everything stored about volunteers that no public response may contain."""
    values = set()
    with app.app_context():
        for s in db.session.scalars(select(Sighting)):
            values |= {s.client_id, s.receipt, s.notes, s.volunteer_key, s.moderator_note}
            for lat, lon in ((s.device_lat, s.device_lon), (s.exif_lat, s.exif_lon), (s.manual_lat, s.manual_lon)):
                if lat is not None and (lat, lon) != (s.lat, s.lon):
                    values |= {repr(lat), repr(lon)}
            for moment in (s.submitted_at, s.captured_at):
                if moment:
                    values |= {moment.isoformat(), moment.strftime("%H:%M:%S"), str(int(moment.timestamp()))}
        for p in db.session.scalars(select(Photo)):
            values |= {p.sha256, p.original_key, p.original_key.rsplit("/", 1)[-1]}
    return {v for v in values if v and len(str(v)) >= 6}


def public_get_paths(app) -> list[str]:
    """Every GET route anyone can call without a token or a receipt, with real ids filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("sightings.get_sighting",)):
            continue
        paths.append(re.sub(r"<(?:int:)?\w+>", "1", re.sub(r"<path:\w+>", "leaflet.js", rule.rule)))
    return paths


def test_no_public_endpoint_shows_a_stored_volunteer_value(client, app):
    taken = datetime(2026, 3, 14, 15, 9, 26, tzinfo=timezone.utc)
    for seed in range(2):
        response = upload(client, photo(51.5, -0.12, taken=taken, seed=seed), client_id=new_client_id(),
                          device_id=DEVICE, lat=51.50017, lon=-0.12013, notes="near the school gate")
        assert response.status_code == 201
    secrets = volunteer_values(app)
    assert len(secrets) >= 10
    paths = public_get_paths(app)
    assert "/api/v1/openapi.json" in paths
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        leaked = [value for value in secrets if str(value) in body]
        assert not leaked, (path, leaked)
    own = client.get("/api/v1/sightings/1")  # without the receipt: nothing
    assert own.status_code == 404 and "near the school gate" not in own.get_data(as_text=True)
