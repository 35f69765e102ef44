"""Data for the findings benchmarks: cameras with signage classes, signs and removals bulk-loaded;
and an operator's cameras with real photo copies on disk, for the evidence pack."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from bench.camera_data import CITY, COLUMNS, camera_rows, load_postgres, load_sqlite, point_in
from bench.photos import texture

CLASSES = ("on_structure", "within_50m", "beyond_50m", "none_found", "not_surveyed")
CAMERA_COLUMNS = (*COLUMNS, "signage_class", "nearest_sign_m")
SIGN_COLUMNS = ("id", "lat", "lon", "operator", "has_contact", "status", "first_seen", "sightings_count",
                "created_at", "updated_at", "version")  # fmt: skip
AUDIT_COLUMNS = ("id", "at", "action", "camera_id")
OPERATOR = "Bench Council"


def cameras_with_signage(count: int) -> Iterator[tuple]:
    rng = random.Random(5)
    for row in camera_rows(count):
        signage = rng.choice(CLASSES)
        yield (*row, signage, None if signage == "not_surveyed" else round(rng.uniform(0, 300), 1))


def sign_rows(count: int) -> Iterator[tuple]:
    rng = random.Random(6)
    moment = str(datetime(2026, 1, 1, 12))
    for number in range(1, count + 1):
        lat, lon = point_in(CITY, rng)
        operator = rng.choice(("Transport for London", "Westminster City Council", "Tesco", None))
        yield (
            number,
            lat,
            lon,
            operator,
            rng.choice((True, False, None)),
            "active",
            "2025-05-01",
            1,
            moment,
            moment,
            1,
        )


def removal_rows(count: int) -> Iterator[tuple]:
    """A removal event for every tenth camera (the removed ones among them count by it)."""
    start = datetime(2025, 1, 1, 9)
    for number, camera_id in enumerate(range(10, count + 1, 10), 1):
        yield (number, str(start + timedelta(hours=7 * number)), "camera_removed", camera_id)


def load(url: str, cameras: int, signs: int) -> None:
    loader = load_sqlite if url.startswith("sqlite") else load_postgres
    loader(url, cameras, rows=cameras_with_signage(cameras), columns=CAMERA_COLUMNS)
    loader(url, signs, table="signs", rows=sign_rows(signs), columns=SIGN_COLUMNS)
    loader(url, cameras // 10, table="audit_events", rows=removal_rows(cameras), columns=AUDIT_COLUMNS)


def _jpeg(size: tuple[int, int], seed: int) -> bytes:
    buffer = io.BytesIO()
    texture(size, seed).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def operator_with_photos(app, cameras: int, operator: str = OPERATOR, first_id: int = 1) -> None:
    """`cameras` published cameras of one operator, each with an approved sighting and its own
    thumbnail; display copies come from a pool of 20 (a zip stores each anyway)."""
    from survey.extensions import db
    from survey.models import Camera, Photo, Sighting, Sign
    from survey.storage import photo_files

    with app.app_context():
        store = photo_files.get_storage()
    rng = random.Random(first_id)
    displays = [_jpeg((1280, 960), seed) for seed in range(20)]
    sightings, photos, rows = [], [], []
    for n in range(first_id, first_id + cameras):
        thumb, display = _jpeg((400, 300), 1000 + n), displays[n % len(displays)]
        thumb_sha, display_sha = photo_files.sha256(thumb), photo_files.sha256(display)
        store.put(photo_files.key_for(photo_files.THUMB, thumb_sha, "jpg"), thumb)
        store.put(photo_files.key_for(photo_files.DISPLAY, display_sha, "jpg"), display)
        lat, lon = point_in((51.49, -0.14, 51.52, -0.10), rng)
        sightings.append({"id": n, "receipt": f"bench-{n}", "status": "approved", "lat": lat, "lon": lon,
                          "location_source": "device", "camera_id": n})  # fmt: skip
        photos.append({"id": n, "sighting_id": n, "sha256": thumb_sha, "format": "jpeg", "size_bytes": len(thumb),
                       "width": 400, "height": 300, "original_key": "none", "display_key": "d", "thumb_key": "t",
                       "display_sha256": display_sha, "thumb_sha256": thumb_sha, "blur_model": "bench"})  # fmt: skip
        signage = rng.choice(CLASSES)
        rows.append({"id": n, "lat": lat, "lon": lon, "status": "active", "operator": operator,
                     "manufacturer": rng.choice(("Hikvision", "Dahua", None)), "camera_type": "dome",
                     "first_seen": date(2025, 1, 1) + timedelta(days=n % 500), "last_confirmed": date(2026, 5, 1),
                     "signage_class": signage, "nearest_sign_m": None if signage == "not_surveyed" else 40.0})  # fmt: skip
    with app.app_context():
        db.session.execute(insert(Camera), rows)
        db.session.execute(insert(Sighting), sightings)
        db.session.execute(insert(Photo), photos)
        # The cameras first, their chosen photos after: the one foreign-key cycle.
        db.session.execute(update(Camera).where(Camera.id.in_([r["id"] for r in rows])).values(photo_id=Camera.id))
        signs = [
            {"lat": r["lat"] + 0.0002, "lon": r["lon"], "operator": operator, "has_contact": True} for r in rows[::5]
        ]
        db.session.execute(insert(Sign), signs)
        db.session.commit()


def photo_dir(workdir: str | Path) -> Path:
    return Path(workdir) / "photos"
