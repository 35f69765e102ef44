"""Hostile photos through EXIF reading, image publishing and HTTP: only clean outcomes.

A few hundred derandomized cases here; `python -m bench.fuzz` runs 10,000+ random ones with
the 2 s and 500 MB limits. The deadline here only catches hangs, it times nothing.
"""

import io
import os
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Sighting
from survey.photos.exif import read_photo_meta
from survey.photos.images import ImageError, make_public_copies
from tests.conftest import SHARED_PHOTOS
from tests.hostile import corpus_files, hostile_photos, valid_position

pytestmark = [
    pytest.mark.skipif(not (SHARED_PHOTOS / "truth.json").is_file(), reason="photo corpus not found"),
    pytest.mark.filterwarnings("ignore::UserWarning"),  # Pillow narrates the damage it skips
]
FILES = corpus_files(max_bytes=300_000) if (SHARED_PHOTOS / "truth.json").is_file() else [("x", b"")]
CI = settings(
    max_examples=int(os.environ.get("FUZZ_CASES", "200")),
    deadline=10_000,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@CI
@given(hostile_photos(FILES))
def test_exif_gives_a_position_or_a_clean_no_position(data):
    assert valid_position(read_photo_meta(data))


@CI
@given(hostile_photos(FILES))
def test_image_path_gives_reencoded_copies_or_a_clean_image_error(data):
    try:
        copies = make_public_copies(data, max_pixels=60_000_000)
    except ImageError as exc:
        assert exc.status in (413, 415, 422) and str(exc)
        return
    assert copies.display.startswith(b"\xff\xd8") and copies.display != data and copies.thumbnail != data


@settings(CI, max_examples=max(20, CI.max_examples // 4))
@given(hostile_photos(FILES))
def test_http_gives_201_or_a_clean_4xx_and_a_refusal_stores_nothing(client, app, data):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Sighting))
    files = {"photo": [(io.BytesIO(data), "hostile.jpg")], "lat": "51.5", "lon": "-0.12"}
    response = client.post("/api/v1/sightings", data=files, content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 201 or 400 <= response.status_code < 500, body
    assert body["code"] == response.status_code if response.status_code != 201 else body["id"]
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(Sighting))
    assert after == before + (response.status_code == 201)


def test_fuzzing_stayed_under_500_mb():
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < 500, f"peak resident memory {peak_mb:.0f} MB"
