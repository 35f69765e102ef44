"""Every review transition over HTTP, checked in the database, the audit trail and the receipt view."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Sighting
from tests.support import fetch, receipt, submit

API = "/api/v1/moderation"
SPOT = (51.5033, -0.1196)
NEAR = (51.50334, -0.1196)  # about 4 m north


def post(client, path, headers, **body):
    return client.post(f"{API}{path}", json=body, headers=headers)


def events(app, **where):
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_approve_as_new_camera_copies_the_sighting(client, app, mod):
    taken = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    s = submit(client, *SPOT, heading=123.0, heading_ref="T", taken=taken, manufacturer="Hikvision", mount="pole")
    response = post(client, f"/sightings/{s['id']}/approve", mod)
    assert response.status_code == 200, response.json
    camera = response.json["camera"]
    assert camera["lat"] == pytest.approx(SPOT[0]) and camera["lon"] == pytest.approx(SPOT[1])
    assert camera["direction"] == pytest.approx(123.0)
    assert camera["attributes"]["manufacturer"] == "Hikvision" and camera["attributes"]["mount"] == "pole"
    assert (camera["first_seen"], camera["last_confirmed"]) == ("2026-03-04", "2026-03-04")
    assert (camera["sightings_count"], camera["volunteers_count"], camera["status"]) == (1, 1, "active")
    assert response.json["sighting"]["status"] == "approved" and response.json["conflicts"] == []
    stored = fetch(app, Sighting, s["id"])
    assert (stored.status, stored.camera_id, stored.version) == ("approved", camera["id"], 2)
    assert fetch(app, Camera, camera["id"]).photo_id is not None
    actions = [(e.action, e.sighting_id, e.camera_id) for e in events(app)]
    assert actions == [("camera_created", s["id"], camera["id"]), ("approved", s["id"], camera["id"])]
    approved = events(app, action="approved")[0]
    assert approved.before["status"] == "pending" and approved.after["status"] == "approved"
    assert approved.actor_id is not None
    assert receipt(client, s)["status"] == "approved"


def test_approve_takes_the_moderators_corrections(client, app, mod):
    s = submit(client, *SPOT, heading=80.0, heading_ref="M", mount="pole")
    response = post(
        client,
        f"/sightings/{s['id']}/approve",
        mod,
        lat=51.5034,
        lon=-0.1197,
        mount="wall",
        operator="Council",
        note="pin moved onto the pole",
    )
    camera = response.json["camera"]
    assert (camera["lat"], camera["lon"]) == (51.5034, -0.1197)
    assert camera["attributes"]["mount"] == "wall" and camera["attributes"]["operator"] == "Council"
    assert camera["direction"] is None  # a magnetic heading is not a camera:direction
    assert fetch(app, Sighting, s["id"]).lat == pytest.approx(SPOT[0])  # the volunteer's report stays as sent
    assert events(app, action="approved")[0].note == "pin moved onto the pole"


def test_merge_counts_confirmations_and_reports_conflicts(client, app, mod):
    first = submit(client, *SPOT, seed=1, taken=datetime(2026, 1, 1, tzinfo=UTC), mount="pole", device="dev-A-0001")
    camera_id = post(client, f"/sightings/{first['id']}/approve", mod).json["camera"]["id"]
    later = datetime(2026, 2, 1, tzinfo=UTC)
    same_person = submit(client, *NEAR, seed=2, taken=later, mount="wall", device="dev-A-0001")
    response = post(client, f"/sightings/{same_person['id']}/approve", mod, camera_id=camera_id)
    assert response.status_code == 200, response.json
    camera = response.json["camera"]
    assert (camera["sightings_count"], camera["volunteers_count"]) == (2, 1)
    assert camera["last_confirmed"] == "2026-02-01" and camera["first_seen"] == "2026-01-01"
    assert camera["attributes"]["mount"] == "pole"  # never changed unless asked
    assert response.json["conflicts"] == [{"field": "mount", "sighting": "wall", "camera": "pole"}]
    other = submit(client, *NEAR, seed=3, mount="wall", device="dev-B-0002")
    response = post(client, f"/sightings/{other['id']}/approve", mod, camera_id=camera_id, take=["mount"])
    assert response.json["camera"]["attributes"]["mount"] == "wall" and response.json["conflicts"] == []
    anonymous = submit(client, *NEAR, seed=4, device=None)
    camera = post(client, f"/sightings/{anonymous['id']}/approve", mod, camera_id=camera_id).json["camera"]
    assert (camera["sightings_count"], camera["volunteers_count"]) == (4, 3)
    merged = events(app, action="camera_merged")
    assert [e.after["sightings_count"] - e.before["sightings_count"] for e in merged] == [1, 1, 1]
    assert fetch(app, Sighting, other["id"]).camera_id == camera_id
    assert receipt(client, other)["status"] == "approved"


def test_merge_into_unknown_or_removed_camera_changes_nothing(client, app, mod):
    s = submit(client, *SPOT, seed=1)
    response = post(client, f"/sightings/{s['id']}/approve", mod, camera_id=999)
    assert response.status_code == 422 and "camera_id" in response.json["errors"]
    base = submit(client, *SPOT, seed=2)
    camera_id = post(client, f"/sightings/{base['id']}/approve", mod).json["camera"]["id"]
    assert client.patch(f"{API}/cameras/{camera_id}", json={"status": "removed"}, headers=mod).status_code == 200
    response = post(client, f"/sightings/{s['id']}/approve", mod, camera_id=camera_id)
    assert response.status_code == 409 and "restore" in response.json["message"]
    stored = fetch(app, Sighting, s["id"])
    assert (stored.status, stored.version, stored.camera_id) == ("pending", 1, None)
    assert fetch(app, Camera, camera_id).sightings_count == 1
    assert events(app, sighting_id=s["id"]) == []


def test_reject_needs_a_listed_reason_and_the_volunteer_sees_it(client, app, mod):
    s = submit(client, *SPOT)
    for body in ({}, {"reason": "ugly"}):
        response = post(client, f"/sightings/{s['id']}/reject", mod, **body)
        assert response.status_code == 422 and "reason" in response.json["errors"]
    assert fetch(app, Sighting, s["id"]).version == 1
    response = post(client, f"/sightings/{s['id']}/reject", mod, reason="photo_unclear", note="Too blurry to tell.")
    assert response.status_code == 200 and response.json["sighting"]["reject_reason"] == "photo_unclear"
    seen = receipt(client, s)
    assert (seen["status"], seen["reject_reason"], seen["moderator_note"]) == (
        "rejected",
        "photo_unclear",
        "Too blurry to tell.",
    )
    event = events(app, action="rejected")[0]
    assert event.after["reject_reason"] == "photo_unclear" and event.note == "Too blurry to tell."
    assert count(app, Camera) == 0


def test_needs_info_goes_back_to_pending_when_the_volunteer_adds(client, app, mod):
    s = submit(client, *SPOT, notes="On the bank.")
    additions = f"/api/v1/sightings/{s['id']}/additions"
    early = client.post(additions, json={"notes": "more"}, headers={"X-Receipt": s["receipt"]})
    assert early.status_code == 409  # nobody asked yet
    assert post(client, f"/sightings/{s['id']}/needs-info", mod).status_code == 422  # the note is required
    response = post(client, f"/sightings/{s['id']}/needs-info", mod, note="Which side of the street?")
    assert response.status_code == 200 and response.json["sighting"]["status"] == "needs_info"
    seen = receipt(client, s)
    assert (seen["status"], seen["moderator_note"]) == ("needs_info", "Which side of the street?")
    assert client.post(additions, json={"notes": "x"}, headers={"X-Receipt": "wrong"}).status_code == 404
    assert client.post(additions, json={}, headers={"X-Receipt": s["receipt"]}).status_code == 422
    answer = client.post(additions, json={"notes": "North side, above the door."}, headers={"X-Receipt": s["receipt"]})
    assert answer.status_code == 200 and answer.json["status"] == "pending"
    stored = fetch(app, Sighting, s["id"])
    assert stored.notes == "On the bank.\n\nNorth side, above the door." and stored.version == 3
    added = events(app, action="volunteer_added")[0]
    assert added.actor_id is None and added.before["status"] == "needs_info" and added.after["status"] == "pending"


def test_reopen_undoes_each_decision(client, app, mod):
    lone = submit(client, *SPOT, seed=1)
    camera_id = post(client, f"/sightings/{lone['id']}/approve", mod).json["camera"]["id"]
    assert post(client, f"/sightings/{lone['id']}/reopen", mod).json["sighting"]["status"] == "pending"
    camera = fetch(app, Camera, camera_id)
    # A camera whose only confirmation was withdrawn is no longer published, nor its photo.
    assert (camera.sightings_count, camera.volunteers_count, camera.status, camera.photo_id) == (
        0,
        0,
        "withdrawn",
        None,
    )
    assert receipt(client, lone)["status"] == "pending"

    rejected = submit(client, *SPOT, seed=2)
    post(client, f"/sightings/{rejected['id']}/reject", mod, reason="other", note="n")
    assert post(client, f"/sightings/{rejected['id']}/reopen", mod, note="second look").status_code == 200
    stored = fetch(app, Sighting, rejected["id"])
    assert (stored.status, stored.reject_reason, stored.moderator_note, stored.decided_by) == (
        "pending",
        None,
        None,
        None,
    )
    asked = submit(client, *SPOT, seed=3)
    post(client, f"/sightings/{asked['id']}/needs-info", mod, note="?")
    assert post(client, f"/sightings/{asked['id']}/reopen", mod).json["sighting"]["status"] == "pending"
    response = post(client, f"/sightings/{asked['id']}/reopen", mod)
    assert response.status_code == 409 and response.json["current"]["status"] == "pending"
    assert [e.note for e in events(app, action="reopened")] == [None, "second look", None]


def test_reopening_a_merge_takes_one_confirmation_back(client, app, mod):
    a = submit(client, *SPOT, seed=1, device="dev-A-0001", taken=datetime(2026, 1, 1, tzinfo=UTC))
    b = submit(client, *NEAR, seed=2, device="dev-B-0002", taken=datetime(2026, 2, 1, tzinfo=UTC))
    camera_id = post(client, f"/sightings/{a['id']}/approve", mod).json["camera"]["id"]
    post(client, f"/sightings/{b['id']}/approve", mod, camera_id=camera_id)
    post(client, f"/sightings/{b['id']}/reopen", mod)
    camera = fetch(app, Camera, camera_id)
    assert (camera.sightings_count, camera.volunteers_count, camera.status) == (1, 1, "active")
    assert camera.last_confirmed == date(2026, 1, 1)
    unlinked = events(app, action="camera_unlinked")[0]
    assert (unlinked.before["sightings_count"], unlinked.after["sightings_count"]) == (2, 1)


def test_a_decided_sighting_is_not_decided_again(client, app, mod):
    s = submit(client, *SPOT)
    post(client, f"/sightings/{s['id']}/reject", mod, reason="not_a_camera")
    for path, body in (("approve", {}), ("reject", {"reason": "other"}), ("needs-info", {"note": "?"})):
        response = post(client, f"/sightings/{s['id']}/{path}", mod, **body)
        assert response.status_code == 409, path
        assert response.json["current"]["status"] == "rejected"
    response = client.patch(f"{API}/sightings/{s['id']}", json={"mount": "wall"}, headers=mod)
    assert response.status_code == 409
    assert count(app, Camera) == 0 and len(events(app)) == 1


def test_stale_version_loses_and_changes_nothing(client, app, mod):
    s = submit(client, *SPOT, mount="pole")
    edited = client.patch(f"{API}/sightings/{s['id']}", json={"mount": "wall", "version": 1}, headers=mod)
    assert edited.status_code == 200 and edited.json["version"] == 2
    response = post(client, f"/sightings/{s['id']}/approve", mod, version=1)
    assert response.status_code == 409
    assert response.json["current"]["version"] == 2 and response.json["current"]["status"] == "pending"
    assert count(app, Camera) == 0 and fetch(app, Sighting, s["id"]).version == 2
    assert post(client, f"/sightings/{s['id']}/approve", mod, version=2).status_code == 200


def test_edit_corrects_an_open_sighting(client, app, mod):
    s = submit(client, *SPOT, manufacturer="Axis")
    response = client.patch(
        f"{API}/sightings/{s['id']}",
        headers=mod,
        json={"lat": 51.5035, "lon": -0.1195, "heading": 370, "manufacturer": " hikvision "},
    )
    assert response.status_code == 422  # heading beyond 360
    response = client.patch(f"{API}/sightings/{s['id']}", headers=mod, json={"lat": 51.5035})
    assert response.status_code == 422 and "lon" in response.json["errors"]
    response = client.patch(
        f"{API}/sightings/{s['id']}",
        headers=mod,
        json={"lat": 51.5035, "lon": -0.1195, "heading": 45, "manufacturer": " hikvision ", "note": "moved"},
    )
    assert response.status_code == 200, response.json
    body = response.json
    # A moderator's correction is not the volunteer's pin, here or on the volunteer's receipt.
    assert body["location"] == {"lat": 51.5035, "lon": -0.1195, "accuracy_m": None, "source": "reviewer"}
    assert body["heading"] == {"degrees": 45.0, "ref": "T", "source": "reviewer"}
    seen = receipt(client, s)
    assert (seen["location"]["source"], seen["heading"]["source"]) == ("reviewer", "reviewer")
    assert body["attributes"]["manufacturer"] == "Hikvision"
    assert body["positions"]["exif"]["lat"] == pytest.approx(SPOT[0])  # the candidates are kept
    edit = events(app, action="edited")[0]
    assert edit.before["manufacturer"] == "Axis" and edit.after["manufacturer"] == "Hikvision" and edit.note == "moved"


def test_cameras_are_edited_removed_and_restored(client, app, mod):
    s = submit(client, *SPOT)
    camera = post(client, f"/sightings/{s['id']}/approve", mod).json["camera"]
    path = f"{API}/cameras/{camera['id']}"
    response = client.patch(
        path, json={"status": "removed", "note": "gone on re-survey", "version": camera["version"]}, headers=mod
    )
    assert response.status_code == 200 and response.json["status"] == "removed"
    stale = client.patch(path, json={"operator": "X", "version": camera["version"]}, headers=mod)
    assert stale.status_code == 409 and stale.json["current"]["status"] == "removed"
    assert client.patch(path, json={"status": "gone"}, headers=mod).status_code == 422
    response = client.patch(path, json={"status": "active", "direction": 270}, headers=mod)
    assert response.json["status"] == "active" and response.json["direction"] == 270
    assert client.patch(f"{API}/cameras/999", json={}, headers=mod).status_code == 404
    actions = [(e.action, e.note) for e in events(app, camera_id=camera["id"]) if e.action.startswith("camera_")]
    assert actions == [("camera_created", None), ("camera_removed", "gone on re-survey"), ("camera_restored", None)]


def test_unknown_sighting_is_404(client, mod):
    for path, body in (("approve", {}), ("reject", {"reason": "other"}), ("needs-info", {"note": "x"}), ("reopen", {})):
        response = post(client, f"/sightings/999/{path}", mod, **body)
        assert response.status_code == 404 and response.json["code"] == 404
    assert client.get(f"{API}/sightings/999", headers=mod).status_code == 404
