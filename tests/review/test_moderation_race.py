"""Two moderators at once: real concurrent requests, each thread with its own client and connection."""

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Sighting
from tests import support
from tests.support import fetch, moderator, submit

API = "/api/v1/moderation"


def at_once(app, requests):
    """Send each (headers, path under the moderation API, body[, method]) at the same moment (POST unless named)."""
    return support.at_once(app, [(headers, f"{API}{path}", *rest) for headers, path, *rest in requests])


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


def test_approvals_of_neighbouring_sightings_at_once_both_succeed(client, app):
    # Each approval re-scores the pending sightings near its new camera, its neighbour's among them,
    # and counts the camera on the data-version row: without one lock order PostgreSQL ends such a
    # pair with a deadlock (a 500), SQLite by waiting.
    alice, bob = moderator(app, "alice@example.org"), moderator(app, "bob@example.org")
    bystanders = []
    for round_ in range(6):
        lat = 51.52 + round_ * 0.01
        pair = [submit(client, lat, -0.12, seed=2 * round_), submit(client, lat + 0.000036, -0.12, seed=2 * round_ + 1)]
        bystanders.append(submit(client, lat - 0.00003, -0.12, seed=100 + round_))
        results = at_once(
            app, [(alice, f"/sightings/{pair[0]['id']}/approve", {}), (bob, f"/sightings/{pair[1]['id']}/approve", {})]
        )
        assert [code for code, _ in results] == [200, 200], results
    assert scalar(app, select(func.count()).select_from(Camera)) == 12
    for bystander in bystanders:  # both new cameras were seen by the re-scoring, neither lost
        assert fetch(app, Sighting, bystander["id"]).repeat_score > 0


def test_merge_into_a_camera_while_it_is_edited_both_succeed(client, app):
    alice, bob, carol = (moderator(app, f"{name}@example.org") for name in ("alice", "bob", "carol"))
    for round_ in range(4):
        lat = 51.6 + round_ * 0.01
        base = submit(client, lat, -0.12, seed=round_, device=f"dev-base-{round_}")
        camera = client.post(f"{API}/sightings/{base['id']}/approve", json={}, headers=alice).json["camera"]
        repeat = submit(client, lat + 0.00002, -0.12, seed=20 + round_, device=f"dev-repeat-{round_}")
        neighbour = submit(client, lat - 0.00004, -0.12, seed=40 + round_, device=f"dev-near-{round_}")
        results = at_once(
            app,
            [
                (alice, f"/sightings/{repeat['id']}/approve", {"camera_id": camera["id"]}),
                (bob, f"/sightings/{neighbour['id']}/approve", {}),
                (carol, f"/cameras/{camera['id']}", {"direction": 90, "version": camera["version"]}, "patch"),
            ],
        )
        assert [code for code, _ in results[:2]] == [200, 200], results
        # The edit names the version it saw: it wins, or loses to the merge with a 409, never a 500.
        assert results[2][0] in (200, 409), results
        assert fetch(app, Camera, camera["id"]).sightings_count == 2
