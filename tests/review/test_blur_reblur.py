"""An upload stores plain copies that are never public; review detects and blurs faces in them once,
and `flask photos reblur` does it ahead of time or redoes old ones."""

import io
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import psycopg
import pytest
from PIL import Image
from sqlalchemy import select

from survey.extensions import db
from survey.models import Photo
from survey.photos import blur
from survey.photos.images import make_public_copies
from survey.publish.photos import is_published
from survey.review.reblur import detect_pending, reblur_photo
from survey.storage import photo_files
from tests.conftest import require_tool
from tests.faces import ASTRONAUT_FACE, astronaut_jpeg, detail, iou, scaled
from tests.factories import new_client_id, upload

FACE_1024 = scaled(ASTRONAUT_FACE, 2)


def _send(client) -> None:
    response = upload(client, astronaut_jpeg(1024), lat=51.5033, lon=-0.1196, client_id=new_client_id())
    assert response.status_code == 201, response.json


def _photo(app) -> Photo:
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        db.session.expunge(photo)
        return photo


def _image(app, key: str) -> Image.Image:
    return Image.open(Path(app.config["DATA_DIR"]) / key)


def test_upload_stores_plain_copies_that_are_not_public(client, app):
    _send(client)
    photo = _photo(app)
    assert photo.blur_model is None and photo.blur_boxes is None
    for kind, digest in (("display", photo.display_sha256), ("thumbs", photo.thumb_sha256)):
        assert client.get(f"/media/{kind}/{digest}.jpg").status_code == 404
        with app.app_context():
            assert not is_published(kind, digest)


def test_detection_blurs_the_copies_and_records_how(client, app):
    _send(client)
    with app.app_context():
        detect_pending(_photo(app).id)
    photo = _photo(app)
    assert photo.blur_model == blur.MODEL_NAME
    assert photo.blur_threshold == blur.DEFAULT_THRESHOLD
    (box,) = photo.blur_boxes
    assert iou(blur.Box.from_list(box).pixels((1024, 1024)), FACE_1024) > 0.8
    original = _image(app, photo.original_key)
    display = _image(app, photo.display_key)
    assert detail(display, FACE_1024) < 0.05 * detail(original, FACE_1024)  # moderators keep the sharp original
    thumb = _image(app, photo.thumb_key)
    unblurred_thumb = Image.open(io.BytesIO(make_public_copies(astronaut_jpeg(1024)).thumbnail))
    small = scaled(ASTRONAUT_FACE, thumb.width / 512)
    assert detail(thumb, small) < 0.1 * detail(unblurred_thumb, small)
    exiftool = require_tool("exiftool", "libimage-exiftool-perl")
    for key in (photo.display_key, photo.thumb_key):
        out = subprocess.run(
            [exiftool, "-j", "-EXIF:all", str(Path(app.config["DATA_DIR"]) / key)], capture_output=True
        )
        assert set(json.loads(out.stdout)[0]) == {"SourceFile"}


def _make_unblurred(app) -> str:
    """Turn the stored photo into one from before faces were blurred: plain copies, no blur record."""
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        plain = make_public_copies(astronaut_jpeg(1024)).display
        key = photo_files.key_for(photo_files.DISPLAY, photo_files.sha256(plain), "jpg")
        photo_files.get_storage().put(key, plain)
        photo.display_key, photo.display_sha256 = key, photo_files.sha256(plain)
        photo.blur_model = photo.blur_threshold = photo.blur_boxes = None
        db.session.commit()
        return key


def test_reblur_redoes_photos_blurred_never_and_only_those(client, app, runner):
    _send(client)
    plain_key = _make_unblurred(app)
    sharp = detail(_image(app, plain_key), FACE_1024)
    dry = runner.invoke(args=["photos", "reblur", "--dry-run"])
    assert dry.exit_code == 0 and "to redo=1" in dry.output
    result = runner.invoke(args=["photos", "reblur"])
    assert result.exit_code == 0, result.output
    assert "redone=1 faces=1 failed=0" in result.output
    photo = _photo(app)
    assert photo.blur_model == blur.MODEL_NAME and len(photo.blur_boxes) == 1
    assert photo.display_key != plain_key
    assert not (Path(app.config["DATA_DIR"]) / plain_key).exists()  # the unblurred copy is gone
    assert detail(_image(app, photo.display_key), FACE_1024) < 0.05 * sharp
    with app.app_context():
        assert photo_files.get_storage().digest(photo.display_key) == photo.display_sha256
    again = runner.invoke(args=["photos", "reblur"])
    assert "redone=0" in again.output


def test_reblur_with_another_threshold_redoes_every_photo_and_records_it(client, app, runner):
    _send(client)
    assert "redone=1 faces=1" in runner.invoke(args=["photos", "reblur"]).output
    result = runner.invoke(args=["photos", "reblur", "--threshold", "0.5"])
    assert "redone=1 faces=1" in result.output, result.output
    assert _photo(app).blur_threshold == 0.5


POSTGRES_ONLY = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a row lock race: SQLite's write lock already serialises a reblur and a moderator's save",
)


@POSTGRES_ONLY
def test_a_reblur_never_overwrites_a_moderators_save_that_commits_while_it_writes(client, app, database_url):
    # The moderator's save holds the photo's row, as it does between its conditional UPDATE and its commit;
    # the reblur, having done its image work, reaches its write meanwhile and must wait for it, then defer.
    _send(client)
    with app.app_context():
        detect_pending(_photo(app).id)
    before = _photo(app)
    holder = psycopg.connect(database_url.replace("+psycopg", ""))
    holder.execute("UPDATE photos SET blur_reviewed_at = now() WHERE id = %s", (before.id,))

    def rebuild():
        with app.app_context():
            result.append(reblur_photo(before.id, threshold=0.2))
            db.session.remove()

    result: list[int] = []
    worker = threading.Thread(target=rebuild)
    worker.start()
    time.sleep(1.0)  # well inside the 3 s lock timeout: the reblur is waiting on the row by now
    holder.commit()
    holder.close()
    worker.join(30)
    assert result == [0]
    after = _photo(app)
    assert after.blur_reviewed_at is not None
    assert (after.display_sha256, after.display_key) == (before.display_sha256, before.display_key)
