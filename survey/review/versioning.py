"""Optimistic concurrency: a conditional UPDATE on the version column decides who wins."""

import functools
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from survey import dataset_version, vocab
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db

STALE = "Someone else changed this first; nothing was saved. Its current state is in 'current'."


def claim(obj, expected: int | None, describe: Callable[[object], dict]) -> None:
    """Bump obj's version with UPDATE ... WHERE version = :expected, or roll back and raise 409.

    Two moderators who read the same version both try this; the database lets exactly one
    UPDATE match (PostgreSQL re-checks the WHERE after the first commits; SQLite serialises
    writers), so the other gets 409 with what the winner saved.
    """
    model = type(obj)
    expected = obj.version if expected is None else expected
    statement = (
        update(model)
        .where(model.id == obj.id, model.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        db.session.rollback()
        current = db.session.get(model, obj.id, populate_existing=True)
        raise Conflict(STALE, extra={"current": describe(current)})
    set_committed_value(obj, "version", expected + 1)


def conflict(message: str, obj, describe: Callable[[object], dict]) -> Conflict:
    """A 409 for a change that no longer fits the record's state, carrying that state."""
    db.session.rollback()
    return Conflict(message, extra={"current": describe(obj)})


def atomic(rule):
    """Roll back whatever a rule function did when it fails, so no half-change outlives the error."""

    @functools.wraps(rule)
    def wrapped(*args, **kwargs):
        try:
            return rule(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    return wrapped


def lock_row(model, row_id: int, noun: str):
    """Take a row's lock (by bumping its version), then read it fresh; 422 naming `noun` when it is not there."""
    statement = (
        update(model)
        .where(model.id == row_id)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        raise Invalid(f"There is no {noun} {row_id}.", errors={f"{noun}_id": [f"No such {noun}."]})
    return db.session.get(model, row_id, populate_existing=True)


def open_known(model, row_id: int, noun: str, withdrawn: str, describe: Callable[[object], dict]):
    """Start a write and read a camera or sign fresh: 404 when unknown, 409 (`withdrawn`) when withdrawn."""
    dataset_version.begin_change()
    row = db.session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFound(f"There is no {noun} {row_id}.")
    if row.status == vocab.WITHDRAWN:
        raise conflict(withdrawn, row, describe)
    return row
