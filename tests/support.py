"""The things tests are about, each made one way: accounts and their tokens, sightings sent through the
real intake, and confirmed cameras. Fixtures over these (`mod`, `admin`) live in tests/conftest.py; image
bytes in tests/factories.py.

`camera()` makes a camera row with a typical confirmed camera's attributes (DEFAULTS). `camera_from_upload()`
sends a real sighting through the intake API (so it carries a client id, receipt, notes and a device
position, as volunteers' sightings do) and then confirms it the way a moderator would: an approved sighting
linked to a new camera that shows its photo.
"""

import threading
from datetime import date

from sqlalchemy import insert, select

from survey import dataset_version
from survey.accounts import auth, users
from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from survey.review.reblur import detect_pending
from tests.factories import new_client_id, photo, upload

PASSWORD = "correct horse battery"


def make_user(app, email="mod@example.org", role="moderator", password=PASSWORD, active=True) -> int:
    with app.app_context():
        user = users.create_user(email, password, role)
        if not active:
            users.set_active(email, False)
        return user.id


def token_for(app, email) -> str:
    with app.app_context():
        return auth.issue_token(users.user_by_email(email))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def moderator(app, email="mod@example.org", role="moderator") -> dict:
    """Headers of a new account's API token."""
    make_user(app, email, role)
    return bearer(token_for(app, email))


def submit(client, lat=51.5033, lon=-0.1196, seed=1, device="volunteer-device-1", **fields) -> dict:
    """A pending sighting sent the way the capture page sends it; returns the receipt view."""
    jpeg = photo(
        lat,
        lon,
        size=(160, 120),
        seed=seed,
        **{k: fields.pop(k) for k in ("heading", "heading_ref", "taken") if k in fields},
    )
    response = upload(client, jpeg, client_id=new_client_id(), device_id=device, **fields)
    assert response.status_code == 201, response.json
    return response.json


def receipt(client, sighting: dict) -> dict:
    response = client.get(f"/api/v1/sightings/{sighting['id']}", headers={"X-Receipt": sighting["receipt"]})
    assert response.status_code == 200
    return response.json


def fetch(app, model, ident):
    with app.app_context():
        obj = db.session.get(model, ident)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def all_pages(client, headers, max_pages=100, **params) -> list[int]:
    """Every id the queue lists, page by page through next_cursor; a cursor that never ends fails."""
    seen, cursor = [], None
    for _ in range(max_pages):
        query = params | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/moderation/sightings", query_string=query, headers=headers).json
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError(f"the queue was still paging after {max_pages} pages")


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
        dataset_version.bump(db.session)  # stands in for the approval that would publish it
        db.session.commit()
        return row.id


def many_cameras(app, count: int, **fields) -> None:
    """Bulk rows in one statement, spread over a small grid (fast, for streaming tests)."""
    rows = [
        {**DEFAULTS, **fields, "lat": 51.0 + (i % 100) * 0.001, "lon": -0.5 + (i // 100) * 0.001} for i in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Camera), rows)
        dataset_version.bump(db.session)
        db.session.commit()


def camera_from_upload(client, app, *, seed=1, jpeg=None, camera_fields=None, **sighting_fields) -> dict:
    """Upload a sighting, approve it into a new camera showing its first photo; ids and secrets back."""
    fields = {"client_id": new_client_id(), "lat": 51.51, "lon": -0.12, "accuracy_m": 8, **sighting_fields}
    response = upload(client, jpeg or photo(size=(320, 240), seed=seed), **fields)
    assert response.status_code == 201, response.json
    with app.app_context():
        for photo_row in db.session.get(Sighting, response.json["id"]).photos:
            detect_pending(photo_row.id)  # as approving does: nothing is public before faces are blurred
        sighting = db.session.get(Sighting, response.json["id"])
        first = sighting.photos[0]
        cam = Camera(**{**DEFAULTS, "lat": sighting.lat + 0.0004, "lon": sighting.lon, **(camera_fields or {})})
        db.session.add(cam)
        db.session.flush()
        cam.photo_id = first.id
        sighting.status, sighting.camera_id = "approved", cam.id
        dataset_version.bump(db.session)
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


def at_once(app, requests, method: str = "post"):
    """Send each (headers, url, json body[, method]) from its own thread and client, released together;
    the (status, json) answers back in order. Real concurrency: each client takes its own connection."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, headers, url, body, verb=method):
        client = app.test_client()
        barrier.wait()
        response = getattr(client, verb)(url, json=body, headers=headers)
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
