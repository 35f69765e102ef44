"""Case 16: faces and plates, detected when review first needs a photo rather than in the upload.

Detection per photo (median and p90) on the 2000 px display copy of a 12 MP photo; the first look
through the moderator API that pays it (GET /photos/<id>/blur on a photo never looked at); its share
of opening a sighting for review; and the boxes found on the photo corpus (cameras on poles), split
into those on photos with people in view and false ones.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image

from bench.apps import dispose, migrated_app, sqlite_url
from bench.harness import Context, Row, Timing, measure, ms, with_ratios
from bench.ingest import request_environ
from bench.photos import corpus_jpeg, phone_jpeg, variant

CASE = "16 blur at review"
# The corpus photos with people (or a picture of one) in view, sorted by eye (tests/photos/test_blur.py).
FACE_PHOTOS = {
    "konica-minolta-dimage-z3-no-gps.jpg",
    "nikon-d3100-north-east-altitude-zero.jpg",
    "samsung-galaxy-s-gt-i9000-gps-zero-rotated.jpg",
    "sony-cybershot-no-gps-rotated.jpg",
    "unknown-xmp-app1-no-exif.jpg",
}
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "photos"


def p90(timing: Timing) -> Timing:
    ordered = sorted(timing.samples)
    return Timing((ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)],))


def _token(app) -> dict:
    from survey.accounts import auth, users

    with app.app_context():
        user = users.create_user("bench-blur@example.org", "bench blur password", "moderator")
        return {"Authorization": f"Bearer {auth.issue_token(user)}"}


def _stored(app, client, photo: bytes, count: int) -> list[tuple[int, int]]:
    """(sighting id, photo id) of ``count`` uploads, none looked at yet."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Photo

    for n in range(count):
        response = client.open(request_environ(variant(photo, 5000 + n), 5000 + n))
        if response.status_code != 201:
            raise AssertionError(f"upload answered {response.status_code}")
    with app.app_context():
        rows = db.session.execute(select(Photo.sighting_id, Photo.id).where(Photo.blur_model.is_(None))).all()
        return [tuple(r) for r in rows]


def _display(app, photo_id: int) -> Image.Image:
    from survey.extensions import db
    from survey.models import Photo

    with app.app_context():
        key = db.session.get(Photo, photo_id).display_key
    image = Image.open(Path(app.config["DATA_DIR"]) / key)
    image.load()
    return image


def corpus_boxes() -> tuple[int, int, int, int]:
    """(photos, boxes on photos with people, false boxes, false plate boxes) over the corpus."""
    from survey.photos.blur import detect
    from survey.photos.images import make_public_copies

    photos = with_people = false = false_plates = 0
    for path in sorted(CORPUS.resolve().glob("*")):
        if path.suffix.lower() not in {".jpg", ".jpeg", ".heic", ".avif", ".webp"}:
            continue
        try:
            display = Image.open(io.BytesIO(make_public_copies(path.read_bytes()).display))
        except Exception:  # the corpus holds deliberately broken files
            continue
        photos += 1
        boxes = detect(display).boxes
        if path.name in FACE_PHOTOS:
            with_people += len(boxes)
        else:
            false += len(boxes)
            false_plates += sum(1 for b in boxes if b.kind == "plate")
    return photos, with_people, false, false_plates


def run(ctx: Context) -> list[Row]:
    from survey.photos.blur import detect

    photo = corpus_jpeg() or phone_jpeg()
    work = Path(ctx.workdir) / "blur"
    app = migrated_app(sqlite_url(ctx.workdir, "blur.db"), work / "photos")
    client = app.test_client()
    headers = _token(app)
    warmup, runs = 1, ctx.runs
    stored = _stored(app, client, photo, warmup + runs)
    display = _display(app, stored[0][1])
    looks, opens = iter(stored), iter(stored)

    def first_look():
        _, photo_id = next(looks)
        response = client.get(f"/api/v1/moderation/photos/{photo_id}/blur", headers=headers)
        if response.status_code != 200 or response.json["state"] != "detected":
            raise AssertionError(f"first look answered {response.status_code}: {response.json}")

    def open_sighting():
        sighting_id, _ = next(opens)
        if client.get(f"/api/v1/moderation/sightings/{sighting_id}", headers=headers).status_code != 200:
            raise AssertionError("opening the sighting failed")

    timings = measure(
        {"detect": lambda: detect(display), "first look": first_look, "open sighting": open_sighting},
        runs=runs,
        warmup=warmup,
    )
    dispose(app)
    detect_ms = ms(timings["detect"])
    rows = [
        Row(CASE, "detect faces+plates", detect_ms, note=f"median; on the {display.width} px display copy"),
        Row(CASE, "detect faces+plates p90", p90(detect_ms), note="90th percentile of the same runs"),
        Row(CASE, "open sighting", ms(timings["open sighting"]), note="GET one sighting, as the console does"),
        Row(
            CASE,
            "first look",
            ms(timings["first look"]),
            baseline="open sighting",
            note="GET /photos/<id>/blur on a new photo: reads, detects, records",
        ),
        Row(
            CASE,
            "detect faces+plates",
            detect_ms,
            baseline="first look",
            note="detection's share of the first look",
        ),
    ]
    if not ctx.quick and CORPUS.resolve().is_dir():
        photos, with_people, false, false_plates = corpus_boxes()
        rows.append(
            Row(
                CASE,
                "corpus false boxes",
                Timing((float(false),)),
                unit="boxes",
                note=f"{photos} photos of cameras: {with_people} boxes on the 5 with people, "
                f"{false} elsewhere ({false_plates} plates)",
            )
        )
    return with_ratios(rows)
