"""A database that stops answering (not refusing) gives a 503 with Retry-After within seconds, then recovers.

Both cases run a private PostgreSQL cluster (tests.dbtools.ThrowawayPostgres) in either pass; SQLite's
held write lock is in tests/intake/test_faults.py.
"""

import os
import signal
import threading
from pathlib import Path

import psycopg

from survey import create_app
from survey.extensions import db
from tests.conftest import test_config as settings_for
from tests.dbtools import ThrowawayPostgres, migrate
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)
HANG = 20  # seconds: far past the timeouts, far short of gunicorn's 30 s worker timeout


def answered_within(call, seconds: float = HANG):
    """The call's result, asserting it came back at all (a hung worker never would)."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"no answer after {seconds} s"
    return result[0]


def assert_503(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.json["code"] == 503 and response.json["retry"] is True
    assert int(response.headers["Retry-After"]) > 0


def cluster_pids(pg: ThrowawayPostgres) -> list[int]:
    """The postmaster and every backend it forked."""
    postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (entry / "stat").exists() and _parent(entry) == postmaster
    ]
    return [*children, postmaster]


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_stopped_postgres_gives_503_within_seconds_then_recovers(tmp_path):
    with ThrowawayPostgres() as pg:
        migrate(pg.url)
        app = create_app(settings_for(pg.url, tmp_path / "photos"))
        client = app.test_client()
        assert upload(client, photo(*LONDON, seed=1), client_id=new_client_id()).status_code == 201
        pids = cluster_pids(pg)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            response = answered_within(lambda: client.get("/api/v1/cameras.csv"))
            assert_503(response)
            response = answered_within(lambda: upload(client, photo(*LONDON, seed=2), client_id=new_client_id()))
            assert_503(response)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        again = upload(client, photo(*LONDON, seed=3), client_id=new_client_id())
        assert again.status_code == 201, again.json
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_table_locked_by_another_connection_gives_503_and_no_row(tmp_path):
    with ThrowawayPostgres() as pg:
        migrate(pg.url)
        app = create_app(settings_for(pg.url, tmp_path / "photos"))
        client = app.test_client()
        holder = psycopg.connect(pg.url.replace("+psycopg", ""), autocommit=False)
        try:
            holder.execute("LOCK TABLE sightings, cameras IN ACCESS EXCLUSIVE MODE")
            response = answered_within(lambda: upload(client, photo(*LONDON), client_id=new_client_id()))
            assert_503(response)
            response = answered_within(lambda: client.get("/api/v1/cameras.geojson"))
            assert_503(response)
        finally:
            holder.rollback()
            holder.close()
        assert sorted(p.name for p in (tmp_path / "photos").rglob("*") if p.is_file()) == []
        assert upload(client, photo(*LONDON), client_id=new_client_id()).status_code == 201
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
