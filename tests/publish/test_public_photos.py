"""The publishing rule for photo copies, called directly: no HTTP between the test and the rule."""

import pytest

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from survey.publish.photos import is_published, public_photo
from tests.factories import photo
from tests.support import camera_from_upload, pending_photo


def test_an_approved_sightings_copies_are_published_and_read(client, app):
    made = camera_from_upload(client, app)
    with app.app_context():
        for kind, digest in (("display", made["display_sha256"]), ("thumbs", made["thumb_sha256"])):
            assert is_published(kind, digest)
            assert public_photo(kind, f"{digest}.jpg")[:3] == b"\xff\xd8\xff"


def test_a_copy_is_checked_against_its_own_area(client, app):
    made = camera_from_upload(client, app, jpeg=photo(size=(1600, 1200)))
    assert made["display_sha256"] != made["thumb_sha256"]  # large enough for the thumbnail to be smaller
    with app.app_context():
        assert not is_published("thumbs", made["display_sha256"])
        with pytest.raises(NotFound):
            public_photo("thumbs", f"{made['display_sha256']}.jpg")


def test_a_pending_sightings_copies_exist_but_are_not_published(client, app):
    pending = pending_photo(client, app)
    with app.app_context():
        assert not is_published("display", pending["display_sha256"])
        with pytest.raises(NotFound):
            public_photo("display", f"{pending['display_sha256']}.jpg")


@pytest.mark.parametrize("kind", ["originals", "display/../originals", ""])
def test_only_the_copy_areas_are_reachable(client, app, kind):
    made = camera_from_upload(client, app)
    with app.app_context(), pytest.raises(NotFound):
        public_photo(kind, f"{made['original_sha256']}.jpg")


def test_a_withdrawn_cameras_chosen_photo_is_not_published(client, app):
    made = camera_from_upload(client, app)
    with app.app_context():
        db.session.get(Sighting, made["sighting_id"]).status = "rejected"
        camera = db.session.get(Camera, made["camera_id"])
        camera.status = "removed"  # removed cameras are still shown, with their photo
        db.session.commit()
        assert is_published("display", made["display_sha256"])
        camera.status = "withdrawn"
        db.session.commit()
        assert not is_published("display", made["display_sha256"])


def test_copies_made_before_faces_were_blurred_are_not_published_until_reblurred(client, app, runner):
    made = camera_from_upload(client, app)
    with app.app_context():
        db.session.execute(db.update(Photo).values(blur_model=None))
        db.session.commit()
        assert not is_published("display", made["display_sha256"])
    assert "redone=1" in runner.invoke(args=["photos", "reblur"]).output
    with app.app_context():
        display = db.session.scalar(db.select(Photo.display_sha256))
        assert is_published("display", display)
