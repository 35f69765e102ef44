"""A camera whose every confirmation was taken back is withdrawn: kept for the audit trail, never published."""

import json

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Photo
from tests.support import camera, fetch, receipt, submit

API = "/api/v1/moderation"
SPOT = (51.5033, -0.1196)
ITEMS = "/ogcapi/collections/cameras/items"


@pytest.fixture
def withdrawn(client, app, mod):
    """Approved as a new camera, reopened, then rejected as not a camera; a real camera stays beside it."""
    kept = camera(app, lat=51.60, lon=-0.20, operator="Kept Council")
    s = submit(client, *SPOT, seed=1, operator="Withdrawn Operator Ltd", mount="pole")
    camera_id = client.post(f"{API}/sightings/{s['id']}/approve", json={}, headers=mod).json["camera"]["id"]
    with app.app_context():
        display = db.session.scalar(select(Photo.display_sha256).where(Photo.sighting_id == s["id"]))
    assert client.get(f"/media/display/{display}.jpg").status_code == 200  # published while approved
    assert client.post(f"{API}/sightings/{s['id']}/reopen", json={}, headers=mod).status_code == 200
    response = client.post(f"{API}/sightings/{s['id']}/reject", json={"reason": "not_a_camera"}, headers=mod)
    assert response.status_code == 200
    return {"sighting": s, "camera_id": camera_id, "kept": kept, "display": display}


def test_reopening_the_only_confirmation_withdraws_the_camera_and_keeps_its_history(app, withdrawn):
    stored = fetch(app, Camera, withdrawn["camera_id"])
    assert (stored.status, stored.sightings_count, stored.photo_id) == ("withdrawn", 0, None)
    assert stored.operator == "Withdrawn Operator Ltd"  # the row stays, as the audit trail names it
    with app.app_context():
        actions = [
            (e.action, e.after.get("status") if e.after else None)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.camera_id == withdrawn["camera_id"]).order_by(AuditEvent.id)
            )
        ]
    assert ("camera_created", "active") in actions and ("camera_unlinked", "withdrawn") in actions


def test_withdrawn_camera_is_in_no_public_view(client, runner, withdrawn):
    camera_id, kept = withdrawn["camera_id"], withdrawn["kept"]
    for url in (f"/api/v1/cameras/{camera_id}", f"{ITEMS}/{camera_id}", f"{ITEMS}/{camera_id}?f=html"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json["code"] == 404 if response.is_json else "Withdrawn" not in response.get_data(as_text=True)
    assert client.get(f"/api/v1/cameras/{kept}").status_code == 200
    for status in ("", "?status=all", "?status=removed", "?status=active"):
        geojson = json.loads(client.get(f"/api/v1/cameras.geojson{status}").data)
        assert camera_id not in [f["id"] for f in geojson["features"]], status
        items = client.get(f"{ITEMS}{status}{'&' if status else '?'}f=json").json
        assert camera_id not in [f["id"] for f in items["features"]] and items["numberMatched"] <= 1, status
    everything = json.loads(client.get("/api/v1/cameras.geojson?status=all").data)
    assert [f["id"] for f in everything["features"]] == [kept]  # the filter still finds the real camera
    for fmt in ("csv", "osm"):
        text = client.get(f"/api/v1/cameras.{fmt}?status=all").get_data(as_text=True)
        assert "Kept Council" in text and "Withdrawn Operator" not in text, fmt
    for fmt in ("geojson", "csv", "osm"):
        output = runner.invoke(args=["export", fmt, "-", "--status", "all"]).stdout
        assert "Kept Council" in output and "Withdrawn Operator" not in output, fmt
    assert client.get(f"/media/display/{withdrawn['display']}.jpg").status_code == 404
    assert client.get("/api/v1/cameras.geojson?status=withdrawn").status_code == 400


def test_withdrawn_camera_is_never_a_candidate(client, app, mod, withdrawn):
    again = submit(client, *SPOT, seed=2)
    assert again["nearby_cameras"] == []  # the volunteer is not asked about it
    item = client.get(f"{API}/sightings/{again['id']}", headers=mod).json
    assert item["candidates"] == []
    queue = client.get(f"{API}/sightings", headers=mod).json
    assert all(i["candidates"] == [] for i in queue["items"])
    answer = client.post(
        f"/api/v1/sightings/{again['id']}/nearby",
        headers={"X-Receipt": again["receipt"]},
        json={"camera_id": withdrawn["camera_id"], "answer": "same"},
    )
    assert answer.status_code == 422
    merge = client.post(
        f"{API}/sightings/{again['id']}/approve", json={"camera_id": withdrawn["camera_id"]}, headers=mod
    )
    assert merge.status_code == 409 and "withdrawn" in merge.json["message"]
    assert merge.json["current"]["status"] == "withdrawn"
    assert receipt(client, again)["status"] == "pending"
    assert fetch(app, Camera, withdrawn["camera_id"]).sightings_count == 0
    # Approved as a new camera instead, it is public under a new id.
    fresh = client.post(f"{API}/sightings/{again['id']}/approve", json={}, headers=mod).json["camera"]["id"]
    assert fresh != withdrawn["camera_id"] and client.get(f"/api/v1/cameras/{fresh}").status_code == 200


def test_withdrawn_camera_cannot_be_edited_or_restored(client, app, mod, withdrawn):
    path = f"{API}/cameras/{withdrawn['camera_id']}"
    before = fetch(app, Camera, withdrawn["camera_id"])
    for body in ({"status": "active"}, {"operator": "Someone"}):
        response = client.patch(path, json=body, headers=mod)
        assert response.status_code == 409 and response.json["current"]["status"] == "withdrawn", body
    response = client.patch(f"{API}/cameras/{withdrawn['kept']}", json={"status": "withdrawn"}, headers=mod)
    assert response.status_code == 422
    after = fetch(app, Camera, withdrawn["camera_id"])
    assert (after.status, after.operator, after.version) == ("withdrawn", before.operator, before.version)
    assert fetch(app, Camera, withdrawn["kept"]).status == "active"


def test_removed_camera_with_no_confirmations_left_is_withdrawn_too(client, app, mod):
    s = submit(client, *SPOT, seed=3)
    camera_id = client.post(f"{API}/sightings/{s['id']}/approve", json={}, headers=mod).json["camera"]["id"]
    assert client.patch(f"{API}/cameras/{camera_id}", json={"status": "removed"}, headers=mod).status_code == 200
    assert client.get("/api/v1/cameras.geojson?status=removed").json["numberReturned"] == 1
    assert client.post(f"{API}/sightings/{s['id']}/reopen", json={}, headers=mod).status_code == 200
    assert fetch(app, Camera, camera_id).status == "withdrawn"
    assert client.get("/api/v1/cameras.geojson?status=removed").json["numberReturned"] == 0
