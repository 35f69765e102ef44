"""Walks in and out, and what they add up to: each street's state, the parts walked lately.

A walk is the street, the day, the part (or all of it) and the volunteer's salted key. Each walk recorded
or withdrawn keeps its street's last_walked (survey.areas.completion) in the same transaction. Nothing
public says who walked, or when in the day: the layer gives the month.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey import dataset_version, vocab
from survey.areas.completion import refresh_last_walked
from survey.areas.streets import area_by_id
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Street, Walk
from survey.signage import recompute_street


def record_walk(area_id: int, fields: dict, volunteer_key: str | None) -> tuple[Walk, bool]:
    """Store that a street was walked on a day; (walk, created). A retry of a client_id returns it."""
    area_by_id(area_id)
    client_id = str(fields["client_id"])
    if existing := db.session.scalar(select(Walk).where(Walk.client_id == client_id)):
        return _same_retry(existing, fields), False
    street = db.session.get(Street, fields["street_id"])
    if street is None or street.area_id != area_id:
        raise Invalid("No street with that id in this area.", errors={"street_id": ["Not a street of this area."]})
    if fields["day"] > datetime.now(UTC).date() + timedelta(days=1):  # a day ahead: the phone's time zone
        raise Invalid("The day of a walk cannot be in the future.", errors={"day": ["In the future."]})
    walk = Walk(street_id=street.id, day=fields["day"], client_id=client_id, volunteer_key=volunteer_key)
    walk.from_fraction, walk.to_fraction = part_of(fields)
    dataset_version.begin_change()
    db.session.add(walk)
    try:
        _walks_changed(street.id)
        db.session.commit()
    except IntegrityError:  # the same client_id sent twice at once
        db.session.rollback()
        return _same_retry(db.session.scalar(select(Walk).where(Walk.client_id == client_id)), fields), False
    return walk, True


def part_of(fields: dict) -> tuple[float | None, float | None]:
    """The walk's two fractions along the street, or (None, None) for all of it (0 to 1 is all of it)."""
    ends = (fields.get("from_fraction"), fields.get("to_fraction"))
    return (None, None) if ends[0] is None or ends == (0, 1) else (round(ends[0], 4), round(ends[1], 4))


def _same_retry(walk: Walk, fields: dict) -> Walk:
    sent = (fields["street_id"], fields["day"], *part_of(fields))
    if (walk.street_id, walk.day, walk.from_fraction, walk.to_fraction) != sent:
        raise Conflict("This client_id was already used for another walk.")
    return walk


def undo_walk(area_id: int, walk_id: int) -> None:
    """A moderator removes a walk (a mistake, or a street not really walked)."""
    dataset_version.begin_change()  # first: read what is deleted under the write lock (and taking it would expire it)
    walk = db.session.get(Walk, walk_id)
    if walk is None or db.session.get(Street, walk.street_id).area_id != area_id:
        raise NotFound("No walk with that id in this area.")
    street_id = walk.street_id
    db.session.delete(walk)
    _walks_changed(street_id)
    db.session.commit()


def _walks_changed(street_id: int) -> None:
    """What a street's walks add up to, kept in the caller's transaction: the day since which all of it
    was walked, then the signage of the cameras beside it."""
    db.session.flush()
    refresh_last_walked(db.session.connection(), [street_id])
    # A walked street can make "no sign found" of "not surveyed": a public change.
    if recompute_street(street_id).changed:
        dataset_version.bump(db.session)


def walks_of(area_id: int, street_id: int | None = None) -> list[Walk]:
    """The area's walks, newest day first, for a moderator deciding which to undo."""
    area_by_id(area_id)
    query = select(Walk).join(Street, Street.id == Walk.street_id).where(Street.area_id == area_id)
    if street_id is not None:
        query = query.where(Walk.street_id == street_id)
    return list(db.session.scalars(query.order_by(Walk.day.desc(), Walk.id.desc()).limit(1000)))


def parts_walked_since(area_id: int, since: date) -> dict[int, list[tuple[float, float]]]:
    """{street id: the (from, to) parts walked on or after `since`} for the area's streets."""
    query = (
        select(Walk.street_id, Walk.from_fraction, Walk.to_fraction)
        .join(Street, Street.id == Walk.street_id)
        .where(Street.area_id == area_id, Walk.from_fraction.is_not(None), Walk.day >= since)
    )
    parts: dict[int, list[tuple[float, float]]] = {}
    for street_id, start, end in db.session.execute(query):
        parts.setdefault(street_id, []).append((start, end))
    return parts


def street_state(last: date | None, today: date, after_days: int) -> str:
    if last is None:
        return vocab.NOT_WALKED
    return vocab.DUE_AGAIN if (today - last).days > after_days else vocab.WALKED
