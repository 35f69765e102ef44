"""The audit trail: one append-only event per change, and the moderators' view of it."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from survey.errors import BadQuery
from survey.extensions import db
from survey.models import ATTRIBUTE_NAMES, AuditEvent, User

SIGHTING_FIELDS = (
    "status",
    "version",
    "camera_id",
    "reject_reason",
    "moderator_note",
    "decided_by",
    "lat",
    "lon",
    "location_source",
    "heading",
    "heading_ref",
    "heading_source",
    *ATTRIBUTE_NAMES,
)
CAMERA_FIELDS = (
    "status",
    "version",
    "lat",
    "lon",
    "direction",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_id",
    *ATTRIBUTE_NAMES,
)


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def snapshot(obj, names) -> dict:
    """The named fields of a row as JSON-ready values, for an event's before/after."""
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    action: str,
    actor_id: int | None,
    *,
    sighting_id=None,
    camera_id=None,
    before=None,
    after=None,
    note=None,
    sign_id=None,
) -> AuditEvent:
    """Add an event to the caller's transaction: it commits with the change it describes, or not at all."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        sighting_id=sighting_id,
        camera_id=camera_id,
        sign_id=sign_id,
        before=before,
        after=after,
        note=note,
    )
    db.session.add(event)
    return event


@dataclass
class Event:
    """An audit event with its moderator's email, read in one query for the whole page."""

    row: AuditEvent
    actor_email: str | None


@dataclass
class EventPage:
    items: list[Event]
    next_cursor: str | None


def list_events(filters: dict) -> EventPage:
    """Events newest first, filtered by sighting, camera, moderator and action, paged by id."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(filters.get("limit", 50) + 1)
    for name, column in (
        ("sighting_id", AuditEvent.sighting_id),
        ("camera_id", AuditEvent.camera_id),
        ("sign_id", AuditEvent.sign_id),
        ("actor_id", AuditEvent.actor_id),
        ("action", AuditEvent.action),
    ):
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    if filters.get("cursor"):
        query = query.where(AuditEvent.id < _decode_cursor(filters["cursor"]))
    events = list(db.session.scalars(query))
    limit = filters.get("limit", 50)
    more = len(events) > limit
    events = events[:limit]
    emails = _emails({e.actor_id for e in events if e.actor_id})
    items = [Event(e, emails.get(e.actor_id)) for e in events]
    return EventPage(items, str(events[-1].id) if more else None)


def _decode_cursor(cursor: str) -> int:
    if not cursor.isdigit():
        raise BadQuery("That cursor is not one this server gave out.", errors={"cursor": ["Invalid cursor."]})
    return int(cursor)


def _emails(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: row.email for row in db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))}
