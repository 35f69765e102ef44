"""POST /api/v1/areas/<id>/walks and a moderator's DELETE: the street, the day, a salted key; no track."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from survey.extensions import db
from survey.models import Walk
from survey.privacy import stable_hash
from tests.areas.osmdata import make_town, walk


@pytest.fixture
def town(app, tmp_path):
    return make_town(app, tmp_path)


def _walks(app) -> list[Walk]:
    with app.app_context():
        return db.session.query(Walk).order_by(Walk.id).all()


def test_a_walk_is_stored_with_the_day_and_the_salted_device_key(client, app, town):
    sidney = town["streets"]["Sidney Street"]
    response = walk(client, town["area_id"], sidney, "2026-06-01", device="walker-device-1", track=[[0.1, 52.2]])
    assert response.status_code == 201, response.json
    assert response.json == {
        "id": response.json["id"], "street_id": sidney, "day": "2026-06-01", "from_fraction": None, "to_fraction": None
    }  # fmt: skip
    [stored] = _walks(app)
    with app.app_context():
        assert stored.volunteer_key == stable_hash("walker-device-1")  # the key the sightings use
    assert stored.day.isoformat() == "2026-06-01"
    assert {c.name for c in Walk.__table__.columns} == {
        "id", "street_id", "day", "client_id", "volunteer_key", "from_fraction", "to_fraction"
    }  # fmt: skip


def test_a_retry_returns_the_same_walk_and_a_reused_client_id_conflicts(client, app, town):
    area, sidney, passage = town["area_id"], town["streets"]["Sidney Street"], town["streets"]["Market Passage"]
    body = {"client_id": str(uuid.uuid4()), "street_id": sidney, "day": "2026-06-01"}
    first = client.post(f"/api/v1/areas/{area}/walks", json=body)
    again = client.post(f"/api/v1/areas/{area}/walks", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    other = client.post(f"/api/v1/areas/{area}/walks", json=body | {"street_id": passage})
    assert other.status_code == 409 and other.json["code"] == 409
    assert len(_walks(app)) == 1


def test_bad_walks_get_clear_errors(client, app, town, tmp_path):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    elsewhere = make_town(app, tmp_path, name="Elsewhere")["streets"]["Sidney Street"]
    tomorrow_plus = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    cases = [
        (area, {"street_id": elsewhere, "day": "2026-06-01"}, 422, "street_id"),
        (area, {"street_id": 999999, "day": "2026-06-01"}, 422, "street_id"),
        (area, {"street_id": sidney, "day": tomorrow_plus}, 422, "day"),
        (area, {"street_id": sidney, "day": "2026-06-01T10:00:00"}, 422, "day"),
        (area, {"street_id": "x", "day": "2026-06-01"}, 422, "street_id"),
        (area, {"day": "2026-06-01"}, 422, "street_id"),
        (999, {"street_id": sidney, "day": "2026-06-01"}, 404, None),
    ]
    for area_id, body, status, field in cases:
        response = client.post(f"/api/v1/areas/{area_id}/walks", json={"client_id": str(uuid.uuid4()), **body})
        assert response.status_code == status, (body, response.json)
        assert response.json["code"] == status
        if field:
            assert field in str(response.json.get("errors")), (body, response.json)
    assert _walks(app) == []


def test_moderators_undo_a_walk_and_volunteers_cannot(client, app, town, mod):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    walk_id = walk(client, area, sidney, "2026-06-01").json["id"]
    anonymous = client.delete(f"/api/v1/areas/{area}/walks/{walk_id}")
    assert anonymous.status_code == 401 and anonymous.json["code"] == 401
    wrong_area = client.delete(f"/api/v1/areas/{area + 1}/walks/{walk_id}", headers=mod)
    assert wrong_area.status_code == 404
    undone = client.delete(f"/api/v1/areas/{area}/walks/{walk_id}", headers=mod)
    assert undone.status_code == 204 and undone.data == b""
    assert _walks(app) == []
    gone = client.delete(f"/api/v1/areas/{area}/walks/{walk_id}", headers=mod)
    assert gone.status_code == 404 and gone.json["code"] == 404


def test_moderators_list_the_walks_to_find_one_to_undo(client, app, town, mod):
    area, sidney, passage = town["area_id"], town["streets"]["Sidney Street"], town["streets"]["Market Passage"]
    older = walk(client, area, sidney, "2026-05-01").json["id"]
    newer = walk(client, area, passage, "2026-06-01", from_fraction=0.2, to_fraction=0.5).json["id"]
    assert client.get(f"/api/v1/areas/{area}/walks").status_code == 401
    listed = client.get(f"/api/v1/areas/{area}/walks", headers=mod)
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json] == [newer, older]
    assert listed.json[0] == {
        "id": newer,
        "street_id": passage,
        "day": "2026-06-01",
        "from_fraction": 0.2,
        "to_fraction": 0.5,
    }
    only = client.get(f"/api/v1/areas/{area}/walks?street_id={sidney}", headers=mod)
    assert [w["id"] for w in only.json] == [older]
    assert client.get(f"/api/v1/areas/{area}/walks?street_id=x", headers=mod).status_code == 400
    assert client.get("/api/v1/areas/999/walks", headers=mod).status_code == 404
