"""The data version: one row that every decision changing public data raises, in its own transaction.

Downloads take their validators from it and snapshots are built per version, so a freshness check
is one primary-key read whatever the size of the dataset. The same row holds how many cameras and
signs are active (triggers keep them in every writer's transaction, migration 0016), so an unfiltered
count is that read too.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from survey import vocab
from survey.database import begin_write
from survey.extensions import db
from survey.models import Camera, DataVersion, Sign, utcnow

ROW_ID = 1
TABLE = DataVersion.__table__
_CURRENT = select(TABLE.c.number, TABLE.c.changed_at).where(TABLE.c.id == ROW_ID)
_COUNTED = {"active_cameras": Camera.__table__, "active_signs": Sign.__table__}
_LOCK = select(TABLE.c.id).where(TABLE.c.id == ROW_ID).with_for_update()
_COUNTS = select(*(TABLE.c[name] for name in _COUNTED)).where(TABLE.c.id == ROW_ID)
# Only an unknown (NULL) count is counted afresh: a new row, or after a TRUNCATE. COALESCE runs its
# subquery only then, and a row with both counts known is not written at all.
_FILL = (
    update(TABLE)
    .where(TABLE.c.id == ROW_ID, or_(*(TABLE.c[name].is_(None) for name in _COUNTED)))
    .values(
        {
            name: func.coalesce(
                TABLE.c[name],
                select(func.count()).select_from(table).where(table.c.status == vocab.ACTIVE).scalar_subquery(),
            )
            for name, table in _COUNTED.items()
        }
    )
)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None

    @property
    def token(self) -> str:
        """Unique across restores too: a restored database may reuse a number, never with its time."""
        return f"{self.number}-{self.changed_at.timestamp() if self.changed_at else 0}"


def begin_change() -> None:
    """Start a write that may change public data: on PostgreSQL, take the version row's lock first.

    Every such write ends on this row (bump, and the count triggers on cameras and signs), so taking
    it first orders them all the same way: two approvals at once queue here instead of each holding
    a camera or sighting the other needs next, which PostgreSQL can only end by killing one
    (a deadlock: a 503 to one of the two). SQLite's BEGIN IMMEDIATE already serialises writers.
    """
    begin_write()
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return
    if session.execute(_LOCK).first() is None:  # a fresh or emptied database: make the row to lock
        session.execute(
            postgresql.insert(TABLE).values(id=ROW_ID, number=0, changed_at=utcnow()).on_conflict_do_nothing()
        )
        session.execute(_LOCK)


def bump(session) -> None:
    """Raise the version inside the caller's transaction (call it just before the commit).

    One upsert: `number = number + 1` is computed by the database under the row's lock, so two
    decisions at once on PostgreSQL each add one, and SQLite already serialises writers. The insert
    covers a database whose row is missing (a fresh or emptied one).
    """
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE).values(id=ROW_ID, number=1, changed_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[TABLE.c.id], set_={"number": TABLE.c.number + 1, "changed_at": now}
    )
    session.execute(statement)
    session.execute(_FILL)


def active_counts(session) -> tuple[int | None, int | None]:
    """(active cameras, active signs) as the caller's transaction sees them; None where unknown."""
    row = session.execute(_COUNTS).first()
    return (None, None) if row is None else (row[0], row[1])


def current(session) -> Version:
    """The version the caller's transaction sees (a session or a connection); 0 before any decision."""
    row = session.execute(_CURRENT).first()
    if row is None:
        return Version(0, None)
    changed_at = row[1]
    # A Core read on a Connection skips UTCDateTime's conversion on some paths: keep it aware.
    if changed_at is not None and changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=utcnow().tzinfo)
    return Version(row[0], changed_at)
