"""Confirmed cameras for the publishing tests, inserted through the models (moderation is built elsewhere).

`camera()` makes a bare camera row. `camera_from_upload()` sends a real sighting through the intake API
(so it carries a client id, receipt, notes and a device position, as volunteers' sightings do) and then
confirms it the way a moderator would: an approved sighting linked to a new camera that shows its photo.
"""

from datetime import date

from sqlalchemy import insert, select

from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from tests.factories import new_client_id, photo, upload

DEFAULTS = {
    "lat": 51.5033,
    "lon": -0.1196,
    "status": "active",
    "manufacturer": "Hikvision",
    "model": "DS-2CD2143G0-I",
    "camera_type": "dome",
    "mount": "wall",
    "surveillance_type": "camera",
    "zone": "town",
    "operator": "Lambeth Council",
    "direction": 90.0,
    "signage": "within_50m",
    "first_seen": date(2026, 3, 1),
    "last_confirmed": date(2026, 5, 2),
    "sightings_count": 2,
    "volunteers_count": 1,
}


def camera(app, **fields) -> int:
    """One camera row with sensible attributes; returns its id."""
    with app.app_context():
        row = Camera(**{**DEFAULTS, **fields})
        db.session.add(row)
        db.session.commit()
        return row.id


def many_cameras(app, count: int, **fields) -> None:
    """Bulk rows in one statement, spread over a small grid (fast, for streaming tests)."""
    rows = [
        {**DEFAULTS, **fields, "lat": 51.0 + (i % 100) * 0.001, "lon": -0.5 + (i // 100) * 0.001} for i in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Camera), rows)
        db.session.commit()


def camera_from_upload(client, app, *, seed=1, jpeg=None, camera_fields=None, **sighting_fields) -> dict:
    """Upload a sighting, approve it into a new camera showing its first photo; ids and secrets back."""
    fields = {"client_id": new_client_id(), "lat": 51.51, "lon": -0.12, "accuracy_m": 8, **sighting_fields}
    response = upload(client, jpeg or photo(size=(320, 240), seed=seed), **fields)
    assert response.status_code == 201, response.json
    with app.app_context():
        sighting = db.session.get(Sighting, response.json["id"])
        first = sighting.photos[0]
        cam = Camera(**{**DEFAULTS, "lat": sighting.lat + 0.0004, "lon": sighting.lon, **(camera_fields or {})})
        db.session.add(cam)
        db.session.flush()
        cam.photo_id = first.id
        sighting.status, sighting.camera_id = "approved", cam.id
        db.session.commit()
        return {
            "camera_id": cam.id,
            "sighting_id": sighting.id,
            "receipt": sighting.receipt,
            "client_id": fields["client_id"],
            "display_sha256": first.display_sha256,
            "thumb_sha256": first.thumb_sha256,
            "original_sha256": first.sha256,
        }


def pending_photo(client, app, **fields) -> dict:
    """A sighting left pending: its photo copies exist on disk but must not be public."""
    fields = {"client_id": new_client_id(), "lat": 51.52, "lon": -0.13, **fields}
    response = upload(client, photo(size=(320, 240), seed=99), **fields)
    assert response.status_code == 201, response.json
    with app.app_context():
        first = db.session.scalars(select(Photo).where(Photo.sighting_id == response.json["id"])).first()
        return {
            "sighting_id": response.json["id"],
            "display_sha256": first.display_sha256,
            "thumb_sha256": first.thumb_sha256,
        }
