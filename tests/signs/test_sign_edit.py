"""A moderator edits and removes a known sign through the API: each change re-measures the cameras around
where the sign was and where it is, in the same commit, with the audit event and the data version; the
camera's class is checked against the test's own distances as it goes back and forth."""

import pytest

from survey import dataset_version
from survey.extensions import db
from tests import support
from tests.signs.flow import (
    API,
    approve_camera,
    approve_sign,
    camera_signage,
    expected_signage,
    log_sign,
    offset,
    report,
)
from tests.support import moderator

COUNCIL = "Lambeth Council"
HERE = (51.5000, -0.1200)


@pytest.fixture
def street(client, mod) -> dict:
    """A council camera and, 30 m from it, an approved council sign."""
    sent = report(client, *HERE, 1, operator=COUNCIL, signage="none")
    camera = {"id": approve_camera(client, mod, sent["id"]), "at": HERE, "operator": COUNCIL}
    at = offset(*HERE, 30, 0)
    decision = approve_sign(client, mod, log_sign(client, *at, 2, operator=COUNCIL, sign_purpose="Safety")["id"])
    sign = {"id": decision["sign"]["id"], "at": at, "operator": COUNCIL, "camera": None}
    return {"camera": camera, "sign": sign}


def edit(client, mod, sign_id: int, **body):
    return client.patch(f"{API}/signs/{sign_id}", json=body, headers=mod)


def data_version(app) -> int:
    with app.app_context():
        return dataset_version.current(db.session).number


def changed_ok(client, mod, app, street, **body) -> dict:
    """Apply a change that must succeed; the camera's class then agrees with the test's own distances."""
    before = data_version(app)
    response = edit(client, mod, street["sign"]["id"], **body)
    assert response.status_code == 200, response.json
    assert data_version(app) == before + 1
    for name, key in (("lat", "at"), ("camera_id", "camera"), ("operator", "operator")):
        if name in body:
            street["sign"][key] = (body["lat"], body["lon"]) if name == "lat" else body[name]
    public = body.get("status", "active") == "active"
    street["sign"]["public"] = public
    expected = expected_signage(street["camera"], [street["sign"]])
    found = camera_signage(client, street["camera"]["id"])
    assert found["signage_class"] == expected["signage_class"]
    for name in ("nearest_sign_m", "operator_sign_m"):
        assert found[name] == (None if expected[name] is None else pytest.approx(expected[name], abs=0.5))
    return response.json


def test_moving_linking_renaming_and_removing_a_sign_moves_the_cameras_class_back_and_forth(client, mod, app, street):
    camera_id, sign_id = street["camera"]["id"], street["sign"]["id"]
    assert camera_signage(client, camera_id)["signage_class"] == "within_50m"
    far = offset(*HERE, 80, 0)
    moved = changed_ok(client, mod, app, street, lat=far[0], lon=far[1])
    assert moved["cameras_changed"] == [camera_id] and moved["sign"]["lat"] == pytest.approx(far[0])
    assert camera_signage(client, camera_id)["signage_class"] == "beyond_50m"
    back = offset(*HERE, 30, 0)
    changed_ok(client, mod, app, street, lat=back[0], lon=back[1])
    assert camera_signage(client, camera_id)["signage_class"] == "within_50m"
    changed_ok(client, mod, app, street, camera_id=camera_id)
    assert camera_signage(client, camera_id)["signage_class"] == "on_structure"
    changed_ok(client, mod, app, street, camera_id=None)
    renamed = changed_ok(client, mod, app, street, operator="Acme Security Ltd", purpose=None, has_contact=True)
    assert (renamed["sign"]["operator"], renamed["sign"]["purpose"], renamed["sign"]["has_contact"]) == (
        "Acme Security Ltd",
        None,
        True,
    )
    assert camera_signage(client, camera_id)["operator_sign_m"] is None  # no council sign now
    changed_ok(client, mod, app, street, operator=COUNCIL)
    removed = changed_ok(client, mod, app, street, status="removed", note="Taken down")
    assert removed["sign"]["status"] == "removed"
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
    public = client.get(f"/api/v1/signs/{sign_id}")
    assert public.status_code == 200 and public.json["properties"]["status"] == "removed"  # kept, not deleted
    assert sign_id not in [f["id"] for f in client.get("/api/v1/signs.geojson").json["features"]]
    changed_ok(client, mod, app, street, status="active")
    assert camera_signage(client, camera_id)["signage_class"] == "within_50m"
    events = client.get(f"{API}/audit", query_string={"sign_id": sign_id}, headers=mod).json["items"]
    actions = [e["action"] for e in events]
    assert actions.count("sign_edited") == 6 and actions.count("sign_removed") == actions.count("sign_restored") == 1
    assert next(e for e in events if e["action"] == "sign_removed")["note"] == "Taken down"


def test_a_stale_version_is_a_409_and_changes_nothing(client, mod, app, street):
    sign_id = street["sign"]["id"]
    seen = client.get(f"{API}/signs/{sign_id}", headers=mod).json["version"]
    assert edit(client, mod, sign_id, purpose="First", version=seen).status_code == 200
    before = data_version(app)
    late = edit(client, mod, sign_id, status="removed", version=seen)
    assert late.status_code == 409
    assert late.json["current"]["purpose"] == "First" and late.json["current"]["status"] == "active"
    assert data_version(app) == before
    assert camera_signage(client, street["camera"]["id"])["signage_class"] == "within_50m"


def test_bad_edits_are_refused_with_nothing_changed(client, mod, app, street):
    sign_id, camera_id = street["sign"]["id"], street["camera"]["id"]
    version = client.get(f"{API}/signs/{sign_id}", headers=mod).json["version"]
    before = data_version(app)
    refused = {
        "only lat": ({"lat": 51.5}, 422),
        "nothing": ({"note": "hello"}, 422),
        "a withdrawn status": ({"status": "withdrawn"}, 422),
        "a camera that is not there": ({"camera_id": 999_999}, 422),
        "a long operator": ({"operator": "x" * 201}, 422),
    }
    for name, (body, status) in refused.items():
        response = edit(client, mod, sign_id, **body)
        assert response.status_code == status, name
        assert response.json["code"] == status and response.json["message"], name
    assert edit(client, mod, 999_999, purpose="x").status_code == 404
    assert client.patch(f"{API}/signs/{sign_id}", json={"purpose": "x"}).status_code == 401
    assert client.get(f"{API}/signs/{sign_id}", headers=mod).json["version"] == version
    assert data_version(app) == before
    assert camera_signage(client, camera_id)["signage_class"] == "within_50m"


def test_a_withdrawn_sign_cannot_be_edited(client, mod, app, street):
    sign_id = street["sign"]["id"]
    events = client.get(f"{API}/audit", query_string={"sign_id": sign_id}, headers=mod).json["items"]
    sighting_id = next(e["sighting_id"] for e in events if e["sighting_id"])
    assert client.post(f"{API}/sightings/{sighting_id}/reopen", json={}, headers=mod).status_code == 200
    response = edit(client, mod, sign_id, status="active")
    assert response.status_code == 409 and response.json["current"]["status"] == "withdrawn"


def test_two_moderators_changing_one_sign_at_once_one_wins(client, app, mod, street):
    alice, bob = moderator(app, "alice@example.org"), moderator(app, "bob@example.org")
    sign_id, camera_id = street["sign"]["id"], street["camera"]["id"]
    far = offset(*HERE, 80, 0)
    for round_ in range(3):
        version = client.get(f"{API}/signs/{sign_id}", headers=mod).json["version"]
        status = "removed" if round_ % 2 == 0 else "active"
        results = at_once(
            app,
            f"{API}/signs/{sign_id}",
            [
                (alice, {"status": status, "version": version}),
                (bob, {"lat": far[0], "lon": far[1], "version": version}),
            ],
        )
        assert sorted(code for code, _ in results) == [200, 409], results
        winner = next(body for code, body in results if code == 200)["sign"]
        loser = next(body for code, body in results if code == 409)
        assert loser["current"]["version"] == winner["version"]
        stored = client.get(f"{API}/signs/{sign_id}", headers=mod).json
        assert (stored["status"], stored["lat"]) == (winner["status"], winner["lat"])
        street["sign"]["at"], street["sign"]["public"] = (stored["lat"], stored["lon"]), stored["status"] == "active"
        expected = expected_signage(street["camera"], [street["sign"]])
        assert camera_signage(client, camera_id)["signage_class"] == expected["signage_class"]
    events = client.get(f"{API}/audit", query_string={"sign_id": sign_id}, headers=mod).json["items"]
    assert len([e for e in events if e["action"] in ("sign_edited", "sign_removed", "sign_restored")]) == 3


def at_once(app, path, requests):
    """PATCH `path` with each (headers, body) at the same moment."""
    return support.at_once(app, [(headers, path, body) for headers, body in requests], "patch")
