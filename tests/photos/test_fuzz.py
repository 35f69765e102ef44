"""Hostile photos through EXIF reading, image publishing and HTTP: only clean outcomes.

A few hundred derandomized cases here; `python -m bench.fuzz` runs 10,000+ random ones with
the 2 s limit. EXIF and image cases run in a spawned child whose peak is reset before each call, so
each case's own memory is held under 500 MB, whatever else pytest runs. The deadline only catches
hangs, it times nothing.
"""

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Sighting
from tests.conftest import SHARED_PHOTOS
from tests.hostile import corpus_files, hostile_photos, valid_position
from tests.photos import measured

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
LIMIT_MB = 500  # one case's own peak, as bench.fuzz holds it


@pytest.fixture(scope="module")
def child():
    """One spawned process that runs the cases one at a time and measures each (tests/photos/measured.py)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield lambda function, *args: pool.submit(function, *args).result(timeout=60)


def test_the_meter_sees_what_a_case_allocates(child):
    assert child(measured.allocate, 0) < 20
    assert 100 <= child(measured.allocate, 120) < 200


@CI
@given(hostile_photos(FILES))
def test_exif_gives_a_position_or_a_clean_no_position(child, data):
    meta, peak_mb = child(measured.exif, data)
    assert valid_position(meta)
    assert peak_mb < LIMIT_MB, f"reading EXIF took {peak_mb:.0f} MB"


@CI
@given(hostile_photos(FILES))
def test_image_path_gives_reencoded_copies_or_a_clean_image_error(child, data):
    (kind, *parts), peak_mb = child(measured.image, data, 60_000_000)
    assert peak_mb < LIMIT_MB, f"publishing the photo took {peak_mb:.0f} MB"
    if kind == "refused":
        status, message = parts
        assert status in (413, 415, 422) and message
    else:
        display, thumbnail = parts
        assert display.startswith(b"\xff\xd8") and display != data and thumbnail != data


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
