"""Bulk decisions with per-item results, and the audit trail's contents and filters."""

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Camera
from tests.factories import photo, upload
from tests.support import moderator, submit

API = "/api/v1/moderation"


def test_bulk_reject_reports_each_item(client, app, mod):
    a, b, c = (submit(client, 51.5, -0.12, seed=i) for i in range(3))
    client.post(f"{API}/sightings/{b['id']}/approve", json={}, headers=mod)
    body = {"action": "reject", "ids": [a["id"], b["id"], 999, c["id"]], "reason": "abuse_or_spam", "note": "batch"}
    response = client.post(f"{API}/bulk", json=body, headers=mod)
    assert response.status_code == 200, response.json
    results = {r["id"]: r for r in response.json["results"]}
    assert results[a["id"]] == {"id": a["id"], "ok": True, "status": "rejected", "camera_id": None}
    assert results[b["id"]]["ok"] is False and results[b["id"]]["error"]["code"] == 409
    # The message says the current state is in 'current': it is, as in the single-sighting answer.
    assert "'current'" in results[b["id"]]["error"]["message"]
    assert results[b["id"]]["error"]["current"]["status"] == "approved"
    assert results[999]["error"]["code"] == 404 and "current" not in results[999]["error"]
    assert results[c["id"]]["ok"] is True
    assert (response.json["succeeded"], response.json["failed"], response.json["truncated"]) == (2, 2, False)
    audit = client.get(f"{API}/audit", query_string={"action": "rejected"}, headers=mod).json["items"]
    assert sorted(e["sighting_id"] for e in audit) == sorted([a["id"], c["id"]])
    assert {e["note"] for e in audit} == {"batch"}


def test_bulk_approve_everything_a_filter_matches(client, app, mod):
    clean = [submit(client, 51.5 + i * 0.001, -0.12, seed=i) for i in range(3)]
    warned = upload(client, photo(51.5, -0.12, size=(160, 120), seed=9), lat=51.52, lon=-0.12, accuracy_m=500).json
    body = {"action": "approve", "filter": {"status": ["pending"], "has_warning": False}}
    response = client.post(f"{API}/bulk", json=body, headers=mod)
    assert response.status_code == 200
    assert [r["id"] for r in response.json["results"]] == [s["id"] for s in clean]
    assert all(r["ok"] and r["status"] == "approved" and r["camera_id"] for r in response.json["results"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Camera)) == 3
    remaining = client.get(f"{API}/sightings", headers=mod).json["items"]
    assert [item["id"] for item in remaining] == [warned["id"]]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"action": "reject", "ids": [1]}, "reason"),
        ({"action": "approve"}, "ids"),
        ({"action": "approve", "ids": [1], "filter": {}}, "ids"),
        ({"action": "delete", "ids": [1]}, "action"),
        ({"action": "approve", "ids": []}, "ids"),
    ],
)
def test_bad_bulk_requests_are_422(client, mod, body, field):
    response = client.post(f"{API}/bulk", json=body, headers=mod)
    assert response.status_code == 422 and field in response.json["errors"]


def test_audit_trail_records_who_what_before_after_and_filters(client, app):
    alice = moderator(app, "alice@example.org")
    bob = moderator(app, "bob@example.org")
    s1 = submit(client, 51.5, -0.12, seed=1, mount="pole")
    s2 = submit(client, 51.5, -0.12, seed=2)
    camera_id = client.post(f"{API}/sightings/{s1['id']}/approve", json={"note": "clear"}, headers=alice).json[
        "camera"
    ]["id"]
    client.post(f"{API}/sightings/{s2['id']}/approve", json={"camera_id": camera_id}, headers=bob)
    client.post(f"{API}/sightings/{s2['id']}/reopen", json={"note": "wrong pole"}, headers=alice)

    every = client.get(f"{API}/audit", headers=alice).json["items"]
    assert [e["action"] for e in every] == [
        "camera_unlinked",
        "reopened",
        "merged",
        "camera_merged",
        "approved",
        "camera_created",
    ]
    assert every == sorted(every, key=lambda e: e["id"], reverse=True)
    approved = every[4]
    assert approved["actor"]["email"] == "alice@example.org" and approved["note"] == "clear"
    assert (approved["before"]["status"], approved["after"]["status"]) == ("pending", "approved")
    assert approved["after"]["camera_id"] == camera_id and approved["at"].endswith("+00:00")
    reopened = every[1]
    assert (reopened["before"]["status"], reopened["after"]["status"]) == ("approved", "pending")
    assert reopened["before"]["camera_id"] == camera_id and reopened["after"]["camera_id"] is None

    by_bob = client.get(f"{API}/audit", query_string={"actor_id": 2}, headers=alice).json["items"]
    assert {e["actor"]["email"] for e in by_bob} == {"bob@example.org"} and len(by_bob) == 2
    for_s2 = client.get(f"{API}/audit", query_string={"sighting_id": s2["id"]}, headers=alice).json["items"]
    assert {e["sighting_id"] for e in for_s2} == {s2["id"]} and len(for_s2) == 4
    for_camera = client.get(f"{API}/audit", query_string={"camera_id": camera_id}, headers=alice).json["items"]
    assert len(for_camera) == 6  # every event above touched the camera

    page = client.get(f"{API}/audit", query_string={"limit": 4}, headers=alice).json
    rest = client.get(f"{API}/audit", query_string={"limit": 4, "cursor": page["next_cursor"]}, headers=alice).json
    assert [e["id"] for e in page["items"] + rest["items"]] == [e["id"] for e in every]
    assert rest["next_cursor"] is None
    bad = client.get(f"{API}/audit", query_string={"cursor": "x"}, headers=alice)
    assert bad.status_code == 400 and "cursor" in bad.json["errors"]
