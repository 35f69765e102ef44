"""Two moderators at once: real concurrent requests, each thread with its own client and connection."""

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Sighting
from tests import support
from tests.support import fetch, moderator, submit

API = "/api/v1/moderation"


def at_once(app, requests):
    """POST each (headers, path under the moderation API, body) at the same moment."""
    return support.at_once(app, [(headers, f"{API}{path}", body) for headers, path, body in requests])


def scalar(app, query):
    with app.app_context():
        return db.session.scalar(query)


def test_two_approvals_of_one_sighting_one_wins(client, app):
    alice, bob = moderator(app, "alice@example.org"), moderator(app, "bob@example.org")
    sightings = [submit(client, 51.5 + i * 0.01, -0.12, seed=i) for i in range(4)]
    for s in sightings:
        path = f"/sightings/{s['id']}/approve"
        results = at_once(app, [(alice, path, {}), (bob, path, {})])
        assert sorted(code for code, _ in results) == [200, 409], results
        loser = next(body for code, body in results if code == 409)
        winner = next(body for code, body in results if code == 200)
        assert loser["current"]["status"] == "approved"
        assert loser["current"]["camera_id"] == winner["camera"]["id"]
    assert scalar(app, select(func.count()).select_from(Camera)) == len(sightings)
    approvals = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "approved")
    assert scalar(app, approvals) == len(sightings)


def test_approve_against_reject_leaves_one_consistent_decision(client, app):
    alice, bob = moderator(app, "alice@example.org"), moderator(app, "bob@example.org")
    for seed in range(3):
        s = submit(client, 51.6 + seed * 0.01, -0.12, seed=seed)
        results = at_once(
            app,
            [
                (alice, f"/sightings/{s['id']}/approve", {}),
                (bob, f"/sightings/{s['id']}/reject", {"reason": "photo_unclear"}),
            ],
        )
        assert sorted(code for code, _ in results) == [200, 409], results
        stored = fetch(app, Sighting, s["id"])
        loser = next(body for code, body in results if code == 409)
        assert loser["current"]["status"] == stored.status
        cameras = scalar(app, select(func.count()).select_from(Camera).where(Camera.lat == stored.lat))
        assert (stored.status, stored.camera_id is not None, cameras) in (("approved", True, 1), ("rejected", False, 0))
        decisions = (
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.sighting_id == s["id"], AuditEvent.action.in_(("approved", "rejected")))
        )
        assert scalar(app, decisions) == 1


def test_concurrent_merges_into_one_camera_all_count(client, app):
    alice, bob, carol = (moderator(app, f"{name}@example.org") for name in ("alice", "bob", "carol"))
    base = submit(client, 51.5033, -0.1196, seed=1, device="dev-0000-base")
    camera_id = client.post(f"{API}/sightings/{base['id']}/approve", json={}, headers=alice).json["camera"]["id"]
    others = [submit(client, 51.50332, -0.1196, seed=10 + i, device=f"dev-0000-{i}") for i in range(3)]
    results = at_once(
        app,
        [
            (headers, f"/sightings/{s['id']}/approve", {"camera_id": camera_id})
            for headers, s in zip((alice, bob, carol), others)
        ],
    )
    assert [code for code, _ in results] == [200, 200, 200], results
    camera = fetch(app, Camera, camera_id)
    assert (camera.sightings_count, camera.volunteers_count) == (4, 4)
