"""Case 1: one 12-megapixel phone JPEG through HTTP to a committed pending sighting.

Faces and plates are detected when review first needs the photo, not in the upload (bench/blur.py
times that); "baseline A + faces" and "face detection" are measured here in the same run, so the
table shows what the upload no longer pays.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from bench import throughput
from bench.apps import dispose, migrated_app, sqlite_url
from bench.harness import Context, Row, Target, measure, ms, with_ratios
from bench.photos import corpus_jpeg, ff_per_mille, phone_jpeg, variant
from survey.extensions import db
from survey.models import Sighting
from survey.photos.blur import detect_and_blur
from survey.photos.images import make_public_copies
from survey.photos.scrub import scrub_original

CASE = "1 ingest 12 MP"
QUALITY = 85  # what survey.photos.images encodes with


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def baseline_a(data: bytes) -> None:
    """The bare minimum: DCT-scaled decode at 1/2, display and thumbnail from it, encoded."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (image.width // 2, image.height // 2))
    image.load()
    display = image.copy()
    display.thumbnail((2048, 2048))
    thumb = display.copy()
    thumb.thumbnail((400, 400))
    _encode(display), _encode(thumb)


def baseline_a_faces(data: bytes) -> None:
    """Baseline A plus face and plate detection and blur on the display copy (what review now pays)."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (image.width // 2, image.height // 2))
    image.load()
    display = image.copy()
    display.thumbnail((2048, 2048))
    display, _ = detect_and_blur(display)
    thumb = display.copy()
    thumb.thumbnail((400, 400))
    _encode(display), _encode(thumb)


def detect_only(display: Image.Image) -> None:
    detect_and_blur(display)


def floor_exact(data: bytes, out_dir: Path) -> tuple[bytes, bytes]:
    """The true floor: bare Pillow making the service's exact public copies (rotation included; faces
    are review's), the scrubbed original, and the three files written and synced as storage does.

    Scrubbing calls the service's own function: no cheaper code gives the same bytes, and its cost
    grows with the 0xFF bytes of the picture, which is why the photo has a real one's.
    """
    image = Image.open(io.BytesIO(data))
    turn = image.getexif().get(ORIENTATION, 1)
    image.draft("RGB", (image.width // 2, image.height // 2))
    image.load()
    display = image.transpose(TURNS[turn]) if turn in TURNS else image
    thumb = display.resize(_fit(display.size, 400), Image.Resampling.BICUBIC, reducing_gap=1.0)
    display.info, thumb.info = {}, {}
    copies = (_encode(display), _encode(thumb))
    for payload in (scrub_original(data, "jpeg"), *copies):
        path = out_dir / hashlib.sha256(payload).hexdigest()
        with open(path, "wb", buffering=0) as out:
            out.write(payload)
            os.fsync(out.fileno())
    return copies


ORIENTATION = 0x0112
TURNS = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_270, 8: Image.Transpose.ROTATE_90}


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    if width >= height:
        return long_side, max(1, round(height * long_side / width))
    return max(1, round(width * long_side / height)), long_side


def _check_floor(photo: bytes, out_dir: Path) -> None:
    """The floor's copies are byte for byte the service's, or it is no floor."""
    service = make_public_copies(photo, orientation=6)
    if floor_exact(photo, out_dir) != (service.display, service.thumbnail):
        raise AssertionError("the ingest floor's copies differ from make_public_copies'")


def upload_fields(number: int) -> dict:
    """What the capture page sends with a photo (a device fix that agrees with the EXIF)."""
    return {
        "client_id": str(uuid.UUID(int=number + 1)),
        "device_id": f"bench-device-{number % 7:04d}",
        "lat": "51.50331",
        "lon": "-0.11962",
        "accuracy_m": "6",
        "location_source": "device",
        "manufacturer": "Hikvision",
        "camera_type": "dome",
        "mount": "wall",
        "signage": "none",
    }


def request_environ(data: bytes, number: int) -> dict:
    """A ready multipart request, so the timed part is the server's work only."""
    form = {**upload_fields(number), "photo": (io.BytesIO(data), "IMG_0001.jpg", "image/jpeg")}
    builder = EnvironBuilder(path="/api/v1/sightings", method="POST", data=form)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _check_stored(app, expected: int) -> None:
    """Every timed upload left a pending sighting whose public copies are on disk."""
    with app.app_context():
        sightings = db.session.scalars(select(Sighting)).all()
        if len(sightings) != expected or any(s.status != "pending" for s in sightings):
            raise AssertionError(f"expected {expected} pending sightings, found {len(sightings)}")
        root = Path(app.config["DATA_DIR"])
        for photo in (p for s in sightings for p in s.photos):
            for key in (photo.original_key, photo.display_key, photo.thumb_key):
                if not (root / key).is_file():
                    raise AssertionError(f"{key} was not written")


def run(ctx: Context) -> list[Row]:
    real = corpus_jpeg()
    photo, source = (real, "corpus pixels") if real else (phone_jpeg(), "synthetic: no corpus")
    ctx.log(f"  photo: 4000x3000 JPEG, {len(photo) / 1e6:.1f} MB, {ff_per_mille(photo):.1f} 0xFF per 1,000 bytes")
    work = Path(ctx.workdir) / "ingest"
    floor_dir = work / "floor"
    floor_dir.mkdir(parents=True)
    _check_floor(photo, floor_dir)
    app = migrated_app(sqlite_url(ctx.workdir, "ingest.db"), work / "photos")
    client = app.test_client()
    # Disk and CPU noise hit the upload more than pure decoding: a few more runs than the others.
    warmup, runs = 1, ctx.runs + (2 if ctx.quick else 4)
    environs = iter([request_environ(variant(photo, n), n) for n in range(warmup + runs)])

    def ingest():
        response = client.open(next(environs))
        if response.status_code != 201:
            raise AssertionError(f"upload answered {response.status_code}: {response.get_data(as_text=True)}")

    display = Image.open(io.BytesIO(photo))
    display.draft("RGB", (display.width // 2, display.height // 2))
    display.load()
    timings = measure(
        {
            "baseline A": lambda: baseline_a(photo),
            "baseline A + faces": lambda: baseline_a_faces(photo),
            "face detection": lambda: detect_only(display),
            "floor": lambda: floor_exact(photo, floor_dir),
            "upload": ingest,
        },
        runs=runs,
        warmup=warmup,
    )
    _check_stored(app, warmup + runs)
    dispose(app)
    rows = [
        Row(CASE, "baseline A", ms(timings["baseline A"]), note="draft 1/2, display+thumb"),
        Row(
            CASE,
            "baseline A + faces",
            ms(timings["baseline A + faces"]),
            note="A, then faces and plates detected and blurred on the display",
        ),
        Row(
            CASE,
            "face detection",
            ms(timings["face detection"]),
            baseline="upload",
            note="CenterFace at 1024 px + plate cascade on the 2000 px display, and blur: at review now",
        ),
        Row(
            CASE,
            "floor",
            ms(timings["floor"]),
            note=f"exact output: rotated, scrubbed, 3 files synced; {source}",
        ),
        Row(
            CASE,
            "upload",
            ms(timings["upload"]),
            baseline="baseline A",
            note="test client -> committed; A writes no files and scrubs nothing: no target",
            paired=True,
        ),
        Row(
            CASE,
            "upload",
            ms(timings["upload"]),
            baseline="baseline A + faces",
            note="what detecting in the upload would have cost (no target)",
            paired=True,
        ),
        Row(
            CASE,
            "upload",
            ms(timings["upload"]),
            baseline="floor",
            target=Target("ratio", 1.3, "<= 1.3x the exact floor"),
            note="HTTP, EXIF, checks, commit on top",
            paired=True,
        ),
    ]
    return with_ratios(rows) + throughput.run(ctx, photo)
