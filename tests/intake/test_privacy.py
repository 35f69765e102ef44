"""Volunteers stay unidentifiable: no plain IPs or device ids stored, no camera serials kept,
and no public endpoint shows a stored volunteer value."""

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Photo, Sighting
from survey.photos.exif import read_photo_meta
from survey.photos.images import ImageError, make_public_copies, sniff_format
from survey.photos.scrub import scrub_original
from tests.conftest import SHARED_PHOTOS, corpus, require_tool
from tests.dbtools import all_rows
from tests.factories import new_client_id, photo, upload
from tests.intake.test_hostile_files import assert_copies_reencoded
from tests.support import camera_from_upload

IP, FORWARDED = "203.0.113.77", "198.51.100.23"
DEVICE = "volunteer-phone-7f3a9c"
IDENTIFYING = ["-*Serial*", "-OwnerName", "-CameraOwnerName", "-Artist", "-ImageUniqueID", "-XPAuthor"]


def _exiftool_values(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(file, tag, value) for every non-empty identifying tag exiftool finds."""
    tool = require_tool("exiftool", "libimage-exiftool-perl")
    result = subprocess.run(
        [tool, "-j", "-a", "-G1", "-q", "-q", *IDENTIFYING, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
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
    long_values = {v for _, _, v in before if (len(v) >= 6 and not v.isdigit()) or len(v) >= 9}
    assert long_values and not [v for v in long_values if v.encode() in stored]


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        # Collected before any test runs: where the corpus is absent the set is empty, and pytest skips it.
        for p in (SHARED_PHOTOS.iterdir() if SHARED_PHOTOS.is_dir() else ())
        if p.suffix.lower() in (".jpg", ".jpeg", ".heic", ".avif", ".webp", ".png", ".tiff")
    ),
    ids=lambda p: p.name,
)
def test_scrubbing_keeps_pixels_position_heading_and_time(path):
    data = path.read_bytes()
    scrubbed = scrub_original(data, sniff_format(data))
    before, after = read_photo_meta(data), read_photo_meta(scrubbed)
    assert (after.lat, after.lon, after.heading, after.taken_at) == (
        before.lat,
        before.lon,
        before.heading,
        before.taken_at,
    )
    try:
        expected = make_public_copies(data, display_px=256, thumb_px=32).display
    except ImageError as exc:
        expected = exc.code_name
    try:
        assert make_public_copies(scrubbed, display_px=256, thumb_px=32).display == expected
    except ImageError as exc:
        assert exc.code_name == expected


def test_no_plain_ip_or_device_id_is_stored_anywhere(client, app, database_url):
    client.environ_base["REMOTE_ADDR"] = IP
    for seed in range(3):
        response = upload(
            client, photo(51.5, -0.12, seed=seed), client_id=new_client_id(), device_id=DEVICE, notes="by the bus stop"
        )
        assert response.status_code == 201
    client.post(
        "/api/v1/sightings", headers={"X-Forwarded-For": FORWARDED}, data={}, content_type="multipart/form-data"
    )
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
            # submitted_at is "now", as is a response's own timeStamp: only its full form is telling.
            values.add(s.submitted_at.isoformat())
            if s.captured_at:
                moment = s.captured_at
                values |= {moment.isoformat(), moment.strftime("%H:%M:%S"), str(int(moment.timestamp()))}
        for p in db.session.scalars(select(Photo)):
            values |= {p.sha256, p.original_key, p.original_key.rsplit("/", 1)[-1]}
    return {v for v in values if v and len(str(v)) >= 6}


def public_get_paths(app, client, camera_id: int, display: str, thumb: str) -> list[str]:
    """Every GET route, called without a token or a receipt, with real ids filled in."""
    collections = [c["id"] for c in client.get("/ogcapi/collections?f=json").json["collections"]]
    values = {
        "camera_id": str(camera_id),
        "feature_id": str(camera_id),
        "package": "leaflet",
        "filename": "leaflet.js",
        "collection_id": collections[0],
        "variant": "original",
    }
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PRIVATE_ENDPOINTS:
            continue
        if rule.endpoint == "media.photo_copy":
            paths += [f"/media/display/{display}.jpg", f"/media/thumbs/{thumb}.jpg"]
            continue
        if rule.endpoint == "assets.static_file":
            paths += ["/static/map/map.js", "/static/capture/app.js"]
            continue
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: values.get(m[1], "1"), rule.rule)
        paths += [path] + ([path + "?f=html", path + "?f=json"] if path.startswith("/ogcapi") else [])
    return paths


PRIVATE_ENDPOINTS = {"sightings.get_sighting"}
# Routes that answer 400 without a query (the volunteer's own sighting is behind the receipt, above).
NEED_A_QUERY = {"/api/v1/findings/evidence.zip", "/map/cameras.json", "/map/signs.json"}


def test_no_public_endpoint_shows_a_stored_volunteer_value(client, app):
    taken = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
    made = [
        camera_from_upload(
            client,
            app,
            seed=seed,
            jpeg=photo(51.5, -0.12, taken=taken, seed=seed),
            device_id=DEVICE,
            notes="near the school gate",
            lat=51.50017,
            lon=-0.12013,
        )
        for seed in range(2)
    ]
    secrets = volunteer_values(app) | {m["receipt"] for m in made} | {m["client_id"] for m in made}
    assert len(secrets) >= 14
    paths = public_get_paths(app, client, made[0]["camera_id"], made[0]["display_sha256"], made[0]["thumb_sha256"])
    assert {"/api/v1/cameras.csv", "/map", f"/api/v1/cameras/{made[0]['camera_id']}"} <= set(paths)
    for path in paths:
        response = client.get(path)  # no token, no session: moderators' routes must refuse, and say nothing
        no_area = path.startswith(("/api/v1/areas/", "/api/v1/signs/")) and response.status_code == 404  # none made
        no_basemap = path == "/basemap.pmtiles" and response.status_code == 404  # BASEMAP_PMTILES unset
        # Routes that need a query (400 without) are scanned with one elsewhere: the evidence pack in
        # tests/findings, the map's view in tests/publish/test_public_privacy.py.
        needs_query = path in NEED_A_QUERY and response.status_code == 400
        assert response.status_code in (200, 302, 303, 401, 403) or no_area or no_basemap or needs_query, path
        assert (
            response.status_code == 200
            or needs_query
            or not path.startswith(("/api/v1/cameras", "/ogcapi", "/media", "/map"))
        )
        binary = path.startswith("/media/") or path.endswith(".gpkg")  # photos and GeoPackage are bytes
        body = response.data.decode("latin-1") if binary else response.get_data(as_text=True)
        leaked = [value for value in secrets if str(value) in body]
        assert not leaked, (path, leaked)
    own = client.get(f"/api/v1/sightings/{made[0]['sighting_id']}")  # without the receipt: nothing
    assert own.status_code == 404 and "near the school gate" not in own.get_data(as_text=True)


def test_originals_are_never_served(client, app):
    made = camera_from_upload(client, app)
    with app.app_context():
        original = db.session.scalars(select(Photo.original_key)).one().rsplit("/", 1)[-1].split(".")[0]
    for path in (
        f"/media/originals/{original}.jpg",
        f"/media/display/{original}.jpg",
        f"/media/thumbs/{original}.jpg",
        f"/media/display/{made['original_sha256']}.jpg",
        f"/media/display/../originals/{original}.jpg",
    ):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 404, path
