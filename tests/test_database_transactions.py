"""One pooled connection for a moderator's read, and begin_write's lock after a read (SQLite)."""

import sqlite3

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from survey.database import begin_write
from survey.extensions import db
from survey.models import User

QUEUE = "/api/v1/moderation/sightings"


def test_a_moderator_read_checks_out_one_connection(app, client, mod):
    """authorize keeps a GET's read transaction: a second checkout is a second ping (a round trip
    on PostgreSQL) on every moderator request."""
    assert client.get(QUEUE, headers=mod).status_code == 200  # records the token's first use
    checkouts = []

    def counted(*args):
        checkouts.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", counted)
    try:
        response = client.get(QUEUE, headers=mod)
    finally:
        event.remove(engine, "checkout", counted)
    assert response.status_code == 200 and response.json["items"] == []
    assert len(checkouts) == 1


def _sqlite_only(app) -> str:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's write lock")
    return url.database


def test_begin_write_after_a_read_takes_the_write_lock(app):
    """A read (a GET's token check) leaves a deferred transaction; begin_write must not write in
    it, as SQLite fails a read that turns into a write once another writer got in between."""
    path = _sqlite_only(app)
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        begin_write()
        other = sqlite3.connect(path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
            db.session.rollback()


@pytest.mark.parametrize("flushed", [True, False])
def test_begin_write_keeps_what_the_transaction_holds(app, flushed):
    """A transaction that has written, or holds unflushed changes, is not begun again."""
    _sqlite_only(app)
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        user = User(email="kept@example.org", password_hash="x", role="moderator")
        db.session.add(user)
        if flushed:
            db.session.flush()
        begin_write()
        db.session.commit()
        assert db.session.scalar(select(User.email).where(User.email == "kept@example.org")) == "kept@example.org"
