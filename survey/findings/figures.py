"""The counts behind the findings, each one GROUP BY in the database; Python adds up groups, never rows.

One query groups the cameras by maker, operator, type, zone and signage class together, and every
count by one of them is a sum over those groups: one pass over the table instead of five.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import String, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from survey import vocab
from survey.extensions import db
from survey.geo import BBox, within
from survey.models import AuditEvent, Camera, Sign

CAMERAS = Camera.__table__
DIMENSIONS = ("manufacturer", "operator", "camera_type", "zone", "signage_class")
REMOVED_ACTION = "camera_removed"  # the audit action survey.review.cameras writes when a camera is marked removed


class year_month(FunctionElement):
    """'YYYY-MM' of a date or date-time, on either database."""

    type = String()
    inherit_cache = True


@compiles(year_month)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@dataclass(frozen=True)
class Group:
    """Cameras sharing one value of every dimension (and a status: see camera_groups)."""

    status: str
    manufacturer: str | None
    operator: str | None
    camera_type: str | None
    zone: str | None
    signage_class: str
    cameras: int

    @property
    def signed(self) -> bool:
        return self.signage_class in vocab.SIGNED_CLASSES


def camera_groups(clauses: list) -> list[Group]:
    """The filtered cameras grouped by every dimension at once.

    Status leads the groups as it leads ix_cameras_findings: read in the index's order, the GROUP BY
    needs no sort, even for active and removed together.
    """
    columns = [CAMERAS.c[name] for name in ("status", *DIMENSIONS)]
    query = select(*columns, func.count()).where(*clauses).group_by(*columns)
    return [Group(*row) for row in db.session.execute(query).all()]  # all(): one fetch, not one per row


def totals(groups: list[Group], dimension: str) -> Counter:
    """Cameras by one dimension's value, summed over the groups."""
    found = Counter()
    for group in groups:
        found[getattr(group, dimension)] += group.cameras
    return found


def spellings(counter: Counter, canonical=None) -> dict:
    """Each stored value -> the spelling its name is counted under: case variants of one name are one
    name ('hikvision' joins 'Hikvision'), shown as its commonest spelling, as the filters ignore case too."""

    def folded(value) -> tuple:
        name = canonical(value) if canonical and value else value
        return name, name.lower() if name else None

    variants: dict = {}
    for value, count in counter.items():
        name, key = folded(value)
        variants.setdefault(key, Counter())[name] += count
    chosen = {key: min(names, key=lambda name: (-names[name], name or "")) for key, names in variants.items()}
    return {value: chosen[folded(value)[1]] for value in counter}


def rekeyed(counter: Counter, names: dict) -> Counter:
    found = Counter()
    for value, count in counter.items():
        found[names[value]] += count
    return found


def first_seen_by_month(clauses: list) -> dict[str, int]:
    """Grouped by status and day, as ix_cameras_status_first_seen is ordered (no sort); the days add up to months."""
    columns = (CAMERAS.c.status, CAMERAS.c.first_seen)
    query = select(*columns, func.count()).where(*clauses, CAMERAS.c.first_seen.is_not(None)).group_by(*columns)
    months = Counter()
    for _, day, count in db.session.execute(query).all():
        months[day.year, day.month] += count
    return {f"{year:04d}-{month:02d}": count for (year, month), count in months.items()}


def removed_by_month(clauses: list) -> dict[str, int]:
    """Removed cameras by the month of their last removal in the audit trail (else their last change)."""
    last = (
        select(AuditEvent.camera_id, func.max(AuditEvent.at).label("at"))
        .where(AuditEvent.action == REMOVED_ACTION)
        .group_by(AuditEvent.camera_id)
        .subquery()
    )
    month = year_month(func.coalesce(last.c.at, CAMERAS.c.updated_at))
    query = (
        select(month, func.count())
        .select_from(CAMERAS.outerjoin(last, last.c.camera_id == CAMERAS.c.id))
        .where(*clauses, CAMERAS.c.status == vocab.REMOVED)
        .group_by(month)
    )
    return dict(db.session.execute(query).all())


@dataclass(frozen=True)
class SignCounts:
    signs: int
    naming_operator: int
    with_contact: int


def sign_counts(box: BBox | None, operator: str | None) -> SignCounts:
    """Approved signs in the box (and naming the operator, when one is asked for)."""
    clauses = [Sign.status == vocab.ACTIVE]
    if box is not None:
        clauses.append(within(Sign.lat, Sign.lon, box))
    if operator is not None:
        clauses.append(func.lower(Sign.operator) == operator.lower())
    contact = func.coalesce(func.sum(case((Sign.has_contact.is_(True), 1), else_=0)), 0)
    query = select(func.count(), func.count(Sign.operator), contact).where(*clauses)
    return SignCounts(*db.session.execute(query).one())
