"""GET /api/v1/cameras/<id> (history: dates and counts) and the public photo copies under /media."""

from datetime import UTC, datetime

import pytest

from survey.extensions import db
from survey.models import Camera, Sighting
from tests.support import camera, camera_from_upload, pending_photo


def test_camera_with_history_and_photos(client, app):
    made = camera_from_upload(client, app, captured_at="2026-04-03T09:15:00+00:00")
    second = camera_from_upload(client, app, seed=2, captured_at="2026-04-03T17:40:00+00:00")
    third = camera_from_upload(client, app, seed=3, captured_at="2026-05-20T08:00:00+00:00")
    with app.app_context():  # as a merge would: both later sightings confirm the first camera
        for other in (second, third):
            db.session.get(Sighting, other["sighting_id"]).camera_id = made["camera_id"]
        db.session.commit()
    response = client.get(f"/api/v1/cameras/{made['camera_id']}")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.json
    assert body["type"] == "Feature" and body["id"] == made["camera_id"]
    assert body["properties"]["status"] == "active"
    assert body["history"] == [{"date": "2026-04-03", "sightings": 2}, {"date": "2026-05-20", "sightings": 1}]
    urls = [p["photo_url"] for p in body["photos"]]
    assert urls[0] == f"http://localhost/media/display/{made['display_sha256']}.jpg"  # the camera's own photo first
    assert sorted(urls[1:]) == sorted(
        f"http://localhost/media/display/{o['display_sha256']}.jpg" for o in (second, third)
    )
    text = response.get_data(as_text=True)
    assert "09:15" not in text and "17:40" not in text and made["client_id"] not in text


def test_removed_camera_is_still_shown(client, app):
    camera_id = camera(app, status="removed")
    response = client.get(f"/api/v1/cameras/{camera_id}")
    assert response.status_code == 200
    assert response.json["properties"]["status"] == "removed" and response.json["history"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cameras/999",
        "/api/v1/cameras/0",
        "/api/v1/cameras/99999999999999999999",
        "/api/v1/cameras/-1",
        "/api/v1/cameras/abc",
    ],
)
def test_unknown_camera_is_404_json(client, app, path):
    camera(app)
    response = client.get(path)
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_published_photo_copies_are_served(client, app):
    made = camera_from_upload(client, app)
    for kind, digest in (("display", made["display_sha256"]), ("thumbs", made["thumb_sha256"])):
        response = client.get(f"/media/{kind}/{digest}.jpg")
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.data[:3] == b"\xff\xd8\xff"
        assert b"Exif" not in response.data[:4096] and b"TestPhone" not in response.data


def test_unpublished_and_original_photos_are_404(client, app):
    made = camera_from_upload(client, app)
    pending = pending_photo(client, app)
    for path in (
        f"/media/display/{pending['display_sha256']}.jpg",
        f"/media/thumbs/{pending['thumb_sha256']}.jpg",
        f"/media/originals/{made['original_sha256']}.jpg",
        f"/media/display/{made['original_sha256']}.jpg",
        f"/media/display/{made['display_sha256'].upper()}.jpg",
        f"/media/display/{made['display_sha256']}.png",
        f"/media/display/{made['display_sha256'][:63]}.jpg",
        f"/media/display/..%2F..%2Foriginals%2F{made['original_sha256'][:2]}%2F{made['original_sha256']}.jpg",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json["code"] == 404


def test_rejected_sighting_photo_is_not_public_but_the_camera_photo_stays(client, app):
    made = camera_from_upload(client, app)
    url = f"/media/thumbs/{made['thumb_sha256']}.jpg"
    with app.app_context():
        db.session.get(Sighting, made["sighting_id"]).status = "rejected"
        db.session.commit()
    assert client.get(url).status_code == 200  # still the chosen photo of a published camera
    with app.app_context():
        db.session.get(Camera, made["camera_id"]).photo_id = None
        db.session.commit()
    assert client.get(url).status_code == 404


def test_dates_of_history_are_utc_days(app):
    from survey.publish.camera import confirmation_history

    camera_id = camera(app)
    with app.app_context():
        for moment in (datetime(2026, 1, 1, 23, 59, tzinfo=UTC), datetime(2026, 1, 2, 0, 1, tzinfo=UTC)):
            db.session.add(
                Sighting(
                    receipt=f"r{moment.minute}",
                    lat=1,
                    lon=1,
                    location_source="device",
                    status="approved",
                    camera_id=camera_id,
                    captured_at=moment,
                )
            )
        db.session.add(Sighting(receipt="pending", lat=1, lon=1, location_source="device", camera_id=camera_id))
        db.session.commit()
        assert confirmation_history(camera_id) == [
            {"date": "2026-01-01", "sightings": 1},
            {"date": "2026-01-02", "sightings": 1},
        ]
