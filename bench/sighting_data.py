"""Synthetic sightings (most near a camera) and their photos, for the moderation queue case."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from bench.camera_data import camera_rows

SIGHTING_COLUMNS = (
    "id",
    "client_id",
    "receipt",
    "status",
    "version",
    "submitted_at",
    "updated_at",
    "lat",
    "lon",
    "accuracy_m",
    "location_source",
    "exif_lat",
    "exif_lon",
    "device_lat",
    "device_lon",
    "heading",
    "heading_ref",
    "heading_source",
    "captured_at",
    "captured_at_source",
    "manufacturer",
    "camera_type",
    "mount",
    "signage",
    "notes",
    "warnings",
    "warning_count",
    "volunteer_key",
    "repeat_score",
)
PHOTO_COLUMNS = (
    "id",
    "sighting_id",
    "position",
    "sha256",
    "format",
    "size_bytes",
    "width",
    "height",
    "original_key",
    "display_key",
    "thumb_key",
    "display_sha256",
    "thumb_sha256",
)
STATUSES = (("pending", 0.5), ("approved", 0.3), ("rejected", 0.2))
_WARNING = json.dumps([{"code": "low_accuracy", "message": "Position accuracy is 80 m (worse than 50 m)."}])
M_DEG = 1 / 111_195


def _status(rng: random.Random) -> str:
    pick, edge = rng.random(), 0.0
    for status, share in STATUSES:
        edge += share
        if pick < edge:
            return status
    return STATUSES[-1][0]


def sighting_rows(count: int, seed: int = 7) -> Iterator[tuple]:
    """Sightings in submission order; 70% within 30 m of the camera with the same number."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1)
    for camera in camera_rows(count):
        number, lat, lon = camera[0], camera[1], camera[2]
        if rng.random() < 0.7:
            lat, lon = lat + rng.uniform(-20, 20) * M_DEG, lon + rng.uniform(-20, 20) * M_DEG / 0.62
        else:
            lat, lon = lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)
        moment = start + timedelta(seconds=number * 7)
        warned = rng.random() < 0.2
        yield (
            number,
            f"00000000-0000-4000-8000-{number:012d}",
            f"receipt-{number:016d}",
            _status(rng),
            1,
            str(moment),
            str(moment),
            lat,
            lon,
            8.0,
            "exif",
            lat,
            lon,
            lat,
            lon,
            float(rng.randrange(360)),
            "T",
            "exif",
            str(moment - timedelta(minutes=3)),
            "exif",
            rng.choice(("Hikvision", "Axis", None)),
            "dome",
            "wall",
            "no",
            None,
            _WARNING if warned else "[]",
            1 if warned else 0,
            f"{number % 5000:032x}",
            # Synthetic, as scoring a million rows would take minutes: the sort's cost does not depend
            # on the values, only their spread (a few hundred thousand distinct ones, many ties at 0).
            round(rng.random(), 4) if rng.random() < 0.7 else 0.0,
        )


def photo_rows(count: int) -> Iterator[tuple]:
    """One photo per sighting, with content-hash keys like storage.key_for makes."""
    for number in range(1, count + 1):
        digest = hashlib.sha256(number.to_bytes(8, "big")).hexdigest()
        yield (
            number,
            number,
            0,
            digest,
            "jpeg",
            4_200_000,
            4000,
            3000,
            f"originals/{digest[:2]}/{digest}.jpg",
            f"display/{digest[:2]}/{digest}.jpg",
            f"thumbs/{digest[:2]}/{digest}.jpg",
            digest,
            digest,
        )
