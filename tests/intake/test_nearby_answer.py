"""POST /api/v1/sightings/<id>/nearby: 'same camera' or 'a different camera here', recorded, never merged."""

import pytest

from survey.extensions import db
from survey.models import Camera, Sighting
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)


def add_camera(app, lat, lon, status="active") -> int:
    with app.app_context():
        camera = Camera(lat=lat, lon=lon, status=status)
        db.session.add(camera)
        db.session.commit()
        return camera.id


def stored(app, sighting_id) -> Sighting:
    with app.app_context():
        sighting = db.session.get(Sighting, sighting_id)
        db.session.expunge(sighting)
        return sighting


@pytest.fixture
def near_pair(client, app):
    """A confirmed camera about 11 m from a new sighting, as the intake answer lists it."""
    camera_id = add_camera(app, LONDON[0] + 0.0001, LONDON[1])
    created = upload(client, photo(size=(64, 48)), lat=LONDON[0], lon=LONDON[1], client_id=new_client_id())
    assert created.status_code == 201
    assert created.json["nearby_cameras"] == [{"id": camera_id, "distance_m": pytest.approx(11.1, abs=0.2)}]
    return created.json, camera_id


def answer(client, sighting, receipt, **body):
    return client.post(f"/api/v1/sightings/{sighting['id']}/nearby", json=body, headers={"X-Receipt": receipt})


def test_answer_is_recorded_and_nothing_merges(client, app, near_pair):
    sighting, camera_id = near_pair
    response = answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="same")
    assert response.status_code == 200
    assert (response.json["nearby_camera_id"], response.json["nearby_answer"]) == (camera_id, "same")
    row = stored(app, sighting["id"])
    assert (row.nearby_camera_id, row.nearby_answer, row.status, row.camera_id) == (camera_id, "same", "pending", None)
    assert row.version == 2
    with app.app_context():
        assert db.session.get(Camera, camera_id).sightings_count == 0


def test_a_retry_is_harmless_and_a_changed_mind_is_kept(client, app, near_pair):
    sighting, camera_id = near_pair
    for _ in range(2):
        assert answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="same").status_code == 200
    assert stored(app, sighting["id"]).version == 2
    changed = answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="different")
    assert changed.status_code == 200 and changed.json["nearby_answer"] == "different"
    assert stored(app, sighting["id"]).nearby_answer == "different"


def test_wrong_or_missing_receipt_is_404(client, app, near_pair):
    sighting, camera_id = near_pair
    wrong = answer(client, sighting, "not-the-receipt", camera_id=camera_id, answer="same")
    assert wrong.status_code == 404 and wrong.json["code"] == 404
    missing = client.post(f"/api/v1/sightings/{sighting['id']}/nearby", json={"camera_id": camera_id, "answer": "same"})
    assert missing.status_code == 404
    unknown = client.post(
        "/api/v1/sightings/999999/nearby",
        json={"camera_id": camera_id, "answer": "same"},
        headers={"X-Receipt": sighting["receipt"]},
    )
    assert unknown.status_code == 404
    assert stored(app, sighting["id"]).nearby_answer is None


@pytest.mark.parametrize(
    "body,field",
    [
        ({"camera_id": 1, "answer": "maybe"}, "answer"),
        ({"camera_id": "1", "answer": "same"}, "camera_id"),
        ({"answer": "same"}, "camera_id"),
        ({"camera_id": 1}, "answer"),
    ],
)
def test_bad_body_is_422_with_field_errors(client, app, near_pair, body, field):
    sighting, _ = near_pair
    response = answer(client, sighting, sighting["receipt"], **body)
    assert response.status_code == 422 and field in str(response.json["errors"])
    assert stored(app, sighting["id"]).nearby_answer is None


def test_camera_far_away_removed_or_missing_is_422(client, app, near_pair):
    sighting, _ = near_pair
    far = add_camera(app, LONDON[0] + 0.001, LONDON[1])  # about 111 m
    removed = add_camera(app, *LONDON, status="removed")
    for camera_id in (far, removed, 999999):
        response = answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="different")
        assert response.status_code == 422, camera_id
        assert "camera_id" in response.json["errors"] and str(camera_id) in response.json["message"]
    assert stored(app, sighting["id"]).nearby_answer is None


def test_reviewed_sighting_is_409(client, app, near_pair):
    sighting, camera_id = near_pair
    with app.app_context():
        db.session.get(Sighting, sighting["id"]).status = "approved"
        db.session.commit()
    response = answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="same")
    assert response.status_code == 409 and response.json["code"] == 409
    assert stored(app, sighting["id"]).nearby_answer is None


def test_receipt_view_shows_the_answer(client, app, near_pair):
    sighting, camera_id = near_pair
    answer(client, sighting, sighting["receipt"], camera_id=camera_id, answer="different")
    view = client.get(f"/api/v1/sightings/{sighting['id']}", headers={"X-Receipt": sighting["receipt"]})
    assert view.status_code == 200 and view.json["nearby_answer"] == "different"
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/sightings/{sighting_id}/nearby" in spec["paths"]
