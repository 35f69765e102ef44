"""Faults: the database away, SQLite locked, the disk full. Nothing half-written, and recovery."""

import errno
import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from survey import create_app
from survey.extensions import db
from survey.models import Sighting
from tests.conftest import test_config as settings_for
from tests.dbtools import ThrowawayPostgres, migrate
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)
SQLITE_ONLY = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite-specific; runs in the SQLite pass"
)


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def sightings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sighting))


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def assert_retry_later(response, status: int) -> None:
    assert response.status_code == status, response.json
    assert response.json["code"] == status and response.json["message"]
    if status == 503:
        assert response.json["retry"] is True and int(response.headers["Retry-After"]) > 0


def test_postgres_away_gives_503_with_retry_after_then_recovers(tmp_path):
    with ThrowawayPostgres() as pg:
        migrate(pg.url)
        app = create_app(settings_for(pg.url, tmp_path / "photos"))
        client = app.test_client()
        assert upload(client, photo(*LONDON, seed=1), client_id=new_client_id()).status_code == 201
        before = files_in(tmp_path / "photos")
        pg.stop()
        retried = new_client_id()
        assert_retry_later(upload(client, photo(*LONDON, seed=2), client_id=retried), 503)
        assert_retry_later(upload(client, photo(*LONDON, seed=3)), 503)  # no client_id: fails at the write
        assert files_in(tmp_path / "photos") == before
        pg.start()
        again = upload(client, photo(*LONDON, seed=2), client_id=retried)
        assert again.status_code == 201, again.json
        assert sightings(app) == 2
        assert app.test_cli_runner().invoke(args=["storage", "check"]).exit_code == 0
        dispose(app)


@SQLITE_ONLY
def test_sqlite_writers_wait_for_a_held_write_lock_instead_of_failing(tmp_path):
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    migrate(url)
    app = create_app(settings_for(url, tmp_path / "photos"))
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    results: list[int] = []

    def send(seed: int) -> None:
        results.append(upload(app.test_client(), photo(*LONDON, seed=seed), client_id=new_client_id()).status_code)

    threads = [threading.Thread(target=send, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    assert results == []  # all of them are waiting on the lock, none failed
    holder.execute("COMMIT")
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [201] * 6
    assert sightings(app) == 6
    holder.close()
    dispose(app)


@SQLITE_ONLY
def test_sqlite_lock_held_past_the_busy_timeout_gives_503_and_writes_nothing(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    migrate(url)
    app = create_app({**settings_for(url, tmp_path / "photos"), "SQLITE_BUSY_TIMEOUT_S": 1})
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert_retry_later(upload(app.test_client(), photo(*LONDON), client_id=new_client_id()), 503)
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert files_in(tmp_path / "photos") == [] and sightings(app) == 0
    assert upload(app.test_client(), photo(*LONDON), client_id=new_client_id()).status_code == 201
    dispose(app)


def test_disk_full_on_a_later_file_gives_507_and_removes_the_earlier_ones(client, app, monkeypatch):
    real_fdopen, calls = os.fdopen, []

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        calls.append(fd)
        handle = real_fdopen(fd, *args, **kwargs)
        return FullDisk(handle) if len(calls) == 5 else handle  # second photo's display copy

    monkeypatch.setattr(os, "fdopen", fdopen)
    response = upload(client, [photo(*LONDON, seed=1), photo(*LONDON, seed=2)], client_id=new_client_id())
    assert_retry_later(response, 507)
    assert len(calls) == 5
    assert files_in(Path(app.config["DATA_DIR"])) == [] and sightings(app) == 0


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 256 KiB tmpfs, mounted for real (the tests run as root in CI)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip()}); the patched-writer test covers ENOSPC")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_real_full_tmpfs_gives_507_then_works_with_space(database_url, tiny_tmpfs):
    app = create_app(settings_for(database_url, tiny_tmpfs / "photos"))
    client = app.test_client()
    big = photo(*LONDON, size=(1600, 1200), seed=4)
    assert len(big) > 256 * 1024
    try:
        assert_retry_later(upload(client, big, client_id=new_client_id()), 507)
        assert files_in(tiny_tmpfs / "photos") == [] and sightings(app) == 0
        subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_tmpfs)], check=True)
        assert upload(client, big, client_id=new_client_id()).status_code == 201
        assert len(files_in(tiny_tmpfs / "photos")) == 3
    finally:
        _empty(app)


def _empty(app) -> None:
    """This test ran outside the `app` fixture, so it cleans the shared test database itself."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM photos"))
            conn.execute(text("DELETE FROM sightings"))
        db.engine.dispose()
