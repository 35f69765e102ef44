"""The active counts on the data-version row (migration 0016's triggers) that the OGC API's unfiltered
items pages report as numberMatched: exact after every decision, at once or not, and through writers
that bypass the ORM; read without counting the table."""

import random

from sqlalchemy import delete, event, func, insert, select, text, update

from survey import dataset_version
from survey.extensions import db
from survey.models import Camera, DataVersion, Sighting, Sign
from tests import support
from tests.support import moderator, submit

API = "/api/v1/moderation"
CAMERAS = "/ogcapi/collections/cameras/items?f=json&limit=1"
SIGNS = "/ogcapi/collections/signs/items?f=json&limit=1"


def stored_and_actual(app) -> tuple:
    """((stored cameras, stored signs), (counted cameras, counted signs)) in one transaction."""
    with app.app_context():
        stored = db.session.execute(select(DataVersion.active_cameras, DataVersion.active_signs)).one()
        counted = tuple(
            db.session.scalar(select(func.count()).select_from(model).where(model.status == "active"))
            for model in (Camera, Sign)
        )
        return tuple(stored), counted


def start(app) -> None:
    """The data-version row as any database has it after its first decision."""
    with app.app_context():
        dataset_version.bump(db.session)
        db.session.commit()


def assert_exact(client, app) -> int:
    stored, counted = stored_and_actual(app)
    assert stored == counted
    assert client.get(CAMERAS).json["numberMatched"] == counted[0]
    assert client.get(SIGNS).json["numberMatched"] == counted[1]
    return counted[0]


def _state(app):
    with app.app_context():
        sightings = {s.id: (s.status, s.camera_id) for s in db.session.scalars(select(Sighting))}
        cameras = {c.id: c.status for c in db.session.scalars(select(Camera))}
        return sightings, cameras


def test_random_decisions_through_the_api_keep_the_count_exact(client, app):
    headers = moderator(app)
    start(app)
    rng = random.Random(16)
    # Close together, so a merge into any camera is a plausible one.
    for i in range(6):
        submit(client, 51.5033 + i * 0.00003, -0.1196, seed=i, device=f"dev-count-{i}")
    done = {}
    for _ in range(40):
        sightings, cameras = _state(app)
        pending = [i for i, (status, _) in sightings.items() if status == "pending"]
        decided = [i for i, (status, _) in sightings.items() if status in ("approved", "rejected")]
        live = [i for i, status in cameras.items() if status != "withdrawn"]
        choices = []
        if pending:
            choices += [
                ("approve", f"/sightings/{rng.choice(pending)}/approve", {}),
                ("reject", f"/sightings/{rng.choice(pending)}/reject", {"reason": "photo_unclear"}),
            ]
            if live:
                merge = {"camera_id": rng.choice(live)}
                choices.append(("merge", f"/sightings/{rng.choice(pending)}/approve", merge))
        if decided:
            choices.append(("reopen", f"/sightings/{rng.choice(decided)}/reopen", {}))
        if live:
            edit = {"status": rng.choice(["removed", "active"]), "operator": f"Op {rng.randint(0, 9)}"}
            choices.append(("edit", f"/cameras/{rng.choice(live)}", edit))
        action, path, body = rng.choice(choices)
        method = client.patch if action == "edit" else client.post
        response = method(f"{API}{path}", json=body, headers=headers)
        assert response.status_code in (200, 409), (action, response.json)
        done.setdefault(action, set()).add(response.status_code)
        assert_exact(client, app)
    _, cameras = _state(app)
    # The walk did what it says: every kind of decision took effect, and some camera was withdrawn.
    assert all(200 in done.get(a, ()) for a in ("approve", "merge", "reject", "reopen", "edit")), done
    assert "withdrawn" in cameras.values(), cameras


def test_two_decisions_at_once_leave_it_exact(client, app):
    alice, bob = moderator(app, "alice@example.org"), moderator(app, "bob@example.org")
    start(app)
    first, second = (submit(client, 51.6 + i * 0.01, -0.12, seed=i, device=f"dev-race-{i}") for i in range(2))

    def both(method, *requests):
        return support.at_once(app, [(h, f"{API}{path}", body) for h, path, body in requests], method)

    approved = both(
        "post", (alice, f"/sightings/{first['id']}/approve", {}), (bob, f"/sightings/{second['id']}/approve", {})
    )
    assert [code for code, _ in approved] == [200, 200], approved
    assert assert_exact(client, app) == 2
    one, other = (body["camera"]["id"] for _, body in approved)
    # Both moderators mark the same camera removed: it leaves the count once.
    results = both(
        "patch", (alice, f"/cameras/{one}", {"status": "removed"}), (bob, f"/cameras/{one}", {"status": "removed"})
    )
    assert 200 in [code for code, _ in results], results
    assert assert_exact(client, app) == 1
    results = both(
        "patch", (alice, f"/cameras/{one}", {"status": "active"}), (bob, f"/cameras/{other}", {"status": "removed"})
    )
    assert [code for code, _ in results] == [200, 200], results
    assert assert_exact(client, app) == 1
    # Both confirmations taken back at once: one camera withdrawn from active, the other from removed.
    results = both(
        "post", (alice, f"/sightings/{first['id']}/reopen", {}), (bob, f"/sightings/{second['id']}/reopen", {})
    )
    assert [code for code, _ in results] == [200, 200], results
    assert assert_exact(client, app) == 0
    # Both approvals of one sighting: one camera, counted once.
    path = f"/sightings/{first['id']}/approve"
    results = both("post", (alice, path, {}), (bob, path, {}))
    assert sorted(code for code, _ in results) == [200, 409], results
    assert assert_exact(client, app) == 1


def test_writers_that_bypass_the_orm_are_counted(client, app):
    support.many_cameras(app, 30)
    support.camera(app, status="removed")
    with app.app_context():
        db.session.execute(
            insert(Sign), [{"lat": 51.5, "lon": -0.1, "status": s} for s in ("active",) * 3 + ("removed",)]
        )
        db.session.execute(update(Camera).where(Camera.id <= 10).values(status="removed"))
        db.session.execute(update(Camera).where(Camera.status == "removed").values(operator="Someone"))
        db.session.execute(delete(Camera).where(Camera.id > 25))
        db.session.execute(update(Sign).where(Sign.status == "removed").values(status="active"))
        db.session.commit()
        raw = db.engine.raw_connection()  # the driver alone, as bench/ loads a million rows
        cursor = raw.cursor()
        marker = "%s" if db.engine.dialect.name == "postgresql" else "?"
        cursor.execute(f"UPDATE cameras SET status = 'active' WHERE id = {marker}", (3,))
        raw.commit()
        raw.close()
    assert assert_exact(client, app) == 16


def test_an_unknown_count_is_counted_then_filled_by_the_next_decision(client, app):
    support.many_cameras(app, 12)
    with app.app_context():
        db.session.execute(update(DataVersion).values(active_cameras=None, active_signs=None))
        db.session.commit()
    assert client.get(CAMERAS).json["numberMatched"] == 12  # counted with SQL meanwhile
    with app.app_context():
        dataset_version.bump(db.session)
        db.session.commit()
    assert stored_and_actual(app) == ((12, 0), (12, 0))


def test_truncating_the_table_makes_the_count_unknown(client, app):
    support.many_cameras(app, 5)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return  # SQLite has no TRUNCATE; its DELETE runs the row triggers
        db.session.execute(text("TRUNCATE cameras CASCADE"))
        db.session.commit()
        assert db.session.scalar(select(DataVersion.active_cameras)) is None
    assert client.get(CAMERAS).json["numberMatched"] == 0


def test_the_first_page_after_a_decision_counts_nothing(client, app):
    support.many_cameras(app, 20)
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for added in (1, 2):
            support.camera(app)  # a decision: the version moves
            statements.clear()
            assert client.get(CAMERAS).json["numberMatched"] == 20 + added
            assert not [s for s in statements if "count(" in s.lower()], statements
        statements.clear()
        assert client.get(f"{CAMERAS}&operator=Nobody").json["numberMatched"] == 0  # a filter is counted
        assert [s for s in statements if "count(" in s.lower()]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
