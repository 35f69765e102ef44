"""Moderators clear a wrong attribute with null; the audit trail keeps what it was. Volunteers cannot send null."""

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Sighting
from survey.schemas.intake import SightingIn
from tests.support import fetch, submit

API = "/api/v1/moderation"
SPOT = (51.5033, -0.1196)


def event(app, action):
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
        assert len(found) == 1, action
        db.session.expunge_all()
        return found[0]


def test_null_clears_a_sightings_attribute_and_the_audit_keeps_it(client, app, mod):
    s = submit(client, *SPOT, mount="pole", operator="Wrong Council", zone="town")
    response = client.patch(
        f"{API}/sightings/{s['id']}", json={"mount": None, "operator": None, "version": 1}, headers=mod
    )
    assert response.status_code == 200, response.json
    assert response.json["attributes"]["mount"] is None and response.json["attributes"]["operator"] is None
    assert response.json["attributes"]["zone"] == "town"  # what was not sent is left alone
    stored = fetch(app, Sighting, s["id"])
    assert (stored.mount, stored.operator, stored.zone, stored.version) == (None, None, "town", 2)
    edited = event(app, "edited")
    assert (edited.before["mount"], edited.after["mount"]) == ("pole", None)
    assert (edited.before["operator"], edited.after["operator"]) == ("Wrong Council", None)


def test_empty_text_and_null_positions_are_still_refused(client, app, mod):
    s = submit(client, *SPOT, mount="pole")
    for body, field in (({"mount": ""}, "mount"), ({"lat": None, "lon": None}, "lat"), ({"heading": None}, "heading")):
        response = client.patch(f"{API}/sightings/{s['id']}", json=body, headers=mod)
        assert response.status_code == 422 and field in response.json["errors"], body
    stored = fetch(app, Sighting, s["id"])
    assert (stored.mount, stored.version) == ("pole", 1)


def test_intake_schema_still_refuses_null():
    with pytest.raises(ValidationError) as refused:
        SightingIn().load({"mount": None, "operator": None})
    assert set(refused.value.messages) == {"mount", "operator"}
    assert "mount" not in SightingIn().load({})  # sending nothing stays "absent"


def test_approve_as_new_camera_with_an_attribute_cleared(client, app, mod):
    s = submit(client, *SPOT, mount="pole", manufacturer="Axis")
    response = client.post(f"{API}/sightings/{s['id']}/approve", json={"mount": None}, headers=mod)
    assert response.status_code == 200, response.json
    camera = response.json["camera"]
    assert camera["attributes"]["mount"] is None and camera["attributes"]["manufacturer"] == "Axis"
    assert fetch(app, Camera, camera["id"]).mount is None
    assert fetch(app, Sighting, s["id"]).mount == "pole"  # the volunteer's report is kept as sent
    assert event(app, "camera_created").after["mount"] is None


def test_merge_and_camera_edit_clear_the_cameras_attributes(client, app, mod):
    first = submit(client, *SPOT, seed=1, operator="Old Operator", zone="town", signage="none")
    camera_id = client.post(f"{API}/sightings/{first['id']}/approve", json={}, headers=mod).json["camera"]["id"]
    second = submit(client, *SPOT, seed=2, device="volunteer-device-2")
    merged = client.post(
        f"{API}/sightings/{second['id']}/approve", json={"camera_id": camera_id, "operator": None}, headers=mod
    )
    assert merged.status_code == 200, merged.json
    assert merged.json["camera"]["attributes"]["operator"] is None and merged.json["camera"]["sightings_count"] == 2
    merge_event = event(app, "camera_merged")
    assert (merge_event.before["operator"], merge_event.after["operator"]) == ("Old Operator", None)

    response = client.patch(f"{API}/cameras/{camera_id}", json={"zone": None, "signage": None}, headers=mod)
    assert response.status_code == 200, response.json
    assert (response.json["attributes"]["zone"], response.json["attributes"]["signage"]) == (None, None)
    stored = fetch(app, Camera, camera_id)
    assert (stored.zone, stored.signage, stored.operator) == (None, None, None)
    edit = event(app, "camera_edited")
    assert (edit.before["zone"], edit.after["zone"], edit.before["signage"], edit.after["signage"]) == (
        "town",
        None,
        "none",
        None,
    )
    published = client.get(f"/api/v1/cameras/{camera_id}").json["properties"]
    assert (published["zone"], published["operator"]) == (None, None)
    assert client.patch(f"{API}/cameras/{camera_id}", json={"status": None}, headers=mod).status_code == 422
