"""The moderation queue: filtered, sorted, keyset-paged sightings with everything needed to decide."""

import base64
import binascii
import json
from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select, tuple_, union_all

from survey import vocab
from survey.errors import BadQuery, NotFound
from survey.extensions import db
from survey.geo import within
from survey.models import Photo, Sighting, utcnow
from survey.nearby import Candidate, cameras_near_each, candidate_radius, ranked
from survey.photos.images import FORMATS
from survey.storage import photo_files

# The columns of each sort in vocab.QUEUE_SORTS, as (column, direction); the id last makes every key unique.
SORTS = {
    vocab.OLDEST: ((Sighting.submitted_at, "asc"), (Sighting.id, "asc")),
    "newest": ((Sighting.submitted_at, "desc"), (Sighting.id, "desc")),
    "most_warnings": ((Sighting.warning_count, "desc"), (Sighting.submitted_at, "asc"), (Sighting.id, "asc")),
    # The best candidate's likelihood, stored with each pending sighting (survey.nearby.rescore).
    "likely_repeat": ((Sighting.repeat_score, "desc"), (Sighting.id, "asc")),
}
# An exact count reads the whole queue index on every page (~40 ms at 500,000 pending); past
# this many, "1000+" tells a moderator as much.
TOTAL_CAP = 1_000
# How many rows one page filtered by likelihood reads at most, so a rare match cannot make it slow.
REPEAT_SCAN = 500
BAD_CURSOR = "That cursor is not one this server gave out for this sort."


def filtered(filters: dict):
    """SELECT of the sightings matching the queue filters (status, bbox, kind, warnings, age), unsorted."""
    query = select(Sighting).where(Sighting.status.in_(filters.get("status") or [vocab.PENDING]))
    if filters.get("bbox"):
        query = query.where(within(Sighting.lat, Sighting.lon, filters["bbox"]))
    if filters.get("kind"):
        query = query.where(Sighting.kind == filters["kind"])
    if filters.get("has_warning") is not None:
        has = filters["has_warning"]
        query = query.where(Sighting.warning_count > 0 if has else Sighting.warning_count == 0)
    now = utcnow()
    if filters.get("min_age_hours") is not None:
        query = query.where(Sighting.submitted_at <= now - timedelta(hours=filters["min_age_hours"]))
    if filters.get("max_age_hours") is not None:
        query = query.where(Sighting.submitted_at >= now - timedelta(hours=filters["max_age_hours"]))
    return query


@dataclass
class ReviewItem:
    """A sighting with what a moderator decides by: its photos and the confirmed cameras near it."""

    sighting: Sighting  # or, in a queue page, a SightingRow
    photos: list  # Photo rows, or plain (id, width, height, format) rows
    candidates: list[Candidate]  # most likely the same camera first


@dataclass
class QueuePage:
    items: list[ReviewItem]
    next_cursor: str | None
    total: int  # counted up to TOTAL_CAP
    total_capped: bool


def list_queue(filters: dict) -> QueuePage:
    """One page of the queue and the cursor for the next; new arrivals never shift a page.

    One statement reads the page, each row's photos and the capped total; one more reads the
    candidates of every item. On PostgreSQL each round trip is a wait for the server.
    """
    sort, limit = filters.get("sort", vocab.OLDEST), filters.get("limit", 20)
    keys = SORTS[sort]
    query = filtered(filters)
    after = decode_cursor(filters["cursor"], sort) if filters.get("cursor") else None
    if filters.get("likely_repeat") is not None:
        total = _count_upto(query, TOTAL_CAP + 1)
        items, cursor = _repeats(query, sort, limit, after, filters["likely_repeat"])
        return QueuePage(items, cursor, min(total, TOTAL_CAP), total > TOTAL_CAP)
    rows, total = _rows(query, keys, limit + 1, after, with_total=True)
    if total is None:  # an empty page carries no total
        total = _count_upto(query, TOTAL_CAP + 1)
    page, more = rows[:limit], len(rows) > limit
    cursor = encode_cursor(page[-1].sighting, sort) if more else None
    return QueuePage(_items(page), cursor, min(total, TOTAL_CAP), total > TOTAL_CAP)


def _repeats(query, sort: str, limit: int, after: list | None, wanted: bool) -> tuple[list, str | None]:
    """Items whose best candidate is (or is not) very likely the same camera, and the next cursor.

    The likelihood is not a column, so this reads the sort's pages in turn and keeps the matches,
    up to REPEAT_SCAN rows: a page can hold fewer than `limit`, and its cursor goes on from where
    the reading stopped, so following next_cursor still reaches every match.
    """
    keys, kept, read = SORTS[sort], [], 0
    while read < REPEAT_SCAN:
        rows, _ = _rows(query, keys, limit, after)
        read += len(rows)
        for item in _items(rows):
            if is_likely_repeat(item) == wanted:
                kept.append(item)
                if len(kept) == limit:
                    return kept, encode_cursor(item.sighting, sort)
        if len(rows) < limit:
            return kept, None
        after = _key(rows[-1].sighting, sort)
    return kept, encode_cursor(rows[-1].sighting, sort)


def is_likely_repeat(item: "ReviewItem") -> bool:
    return bool(item.candidates) and item.candidates[0].kind == vocab.LIKELY_SAME


def _key(sighting: Sighting, sort: str) -> list:
    return [getattr(sighting, column.key) for column, _ in SORTS[sort]]


def _count_upto(query, limit: int) -> int:
    """How many rows the query has, counting no further than `limit`."""
    counted = query.with_only_columns(Sighting.id).order_by(None).limit(limit).subquery()
    return db.session.scalar(select(func.count()).select_from(counted))


def _rows(query, keys, count: int, after: list | None, with_total: bool = False) -> tuple[list["PageRow"], int | None]:
    """The first `count` rows in the sort's order, after the cursor's key values if given, each with
    its photos; and, with_total, how many rows the query has up to TOTAL_CAP + 1 (None if no rows).

    After a cursor, a sort whose keys share one direction reads one index range, by row value. A
    mixed sort reads two index ranges in turn: the rest of the cursor's group of the first key, then
    the groups beyond it. One condition over every key bounds only the first
    key, and "most warnings first" has a handful of values there, so a deep page read a whole group
    of the index (170 ms at a million rows on PostgreSQL). PostgreSQL reads both ranges in one
    statement (UNION ALL, merged in order: one round trip); SQLite, whose round trips cost nothing,
    in two, as its plan of the union took twice the CPU.
    """
    order = [column.asc() if direction == "asc" else column.desc() for column, direction in keys]
    matching = query
    query = query.with_only_columns(*Sighting.__table__.c).order_by(*order).limit(count)
    extra = [_photos_of(Sighting.id)]
    if with_total:
        capped = matching.with_only_columns(Sighting.id).order_by(None).limit(TOTAL_CAP + 1).subquery()
        extra.append(select(func.count()).select_from(capped).scalar_subquery())
    if after is None:
        ranges = [query]
    elif len({direction for _, direction in keys}) == 1:
        # One direction for every key ("oldest", "newest"): a row value is one range of the index.
        row, values = tuple_(*(column for column, _ in keys)), tuple(after)  # bound with each column's type
        ranges = [query.where(row > values if keys[0][1] == "asc" else row < values)]
    else:
        column, value = keys[0][0], after[0]
        ranges = [query.where(column == value, _after(keys[1:], after[1:])), query.where(_beyond(keys[:1], after[:1]))]
    if len(ranges) == 2 and db.session.get_bind().dialect.name == "postgresql":
        # The two ranges as one compound statement, each with its own ORDER BY and LIMIT: wrapping
        # them in subqueries built three column collections of 40 columns a page in Python, 3 ms of
        # a deep page that the first page did not pay. Each range counts the total (an InitPlan each).
        both = union_all(*(each.add_columns(*extra) for each in ranges))
        named = both.selected_columns
        resort = [named[col.key].asc() if way == "asc" else named[col.key].desc() for col, way in keys]
        ranges = [both.order_by(*resort).limit(count)]
        extra = []
    page, total, width = [], None, len(SightingRow._fields)
    for statement in ranges:
        found = extra if total is None else extra[:1]  # the total once
        rows = db.session.execute(statement.limit(count - len(page)).add_columns(*found) if found else statement).all()
        page += [PageRow(SightingRow._make(row[:width]), _photo_rows(row[width])) for row in rows]
        if rows and with_total and total is None:
            total = rows[0][width + 1]
        if len(page) >= count:
            break
    return page, total


# A page's sighting: the table's columns by name, read like a Sighting's attributes but at tuple cost.
SightingRow = namedtuple("SightingRow", Sighting.__table__.c.keys())
PhotoRow = namedtuple("PhotoRow", "id width height format")


class PageRow(NamedTuple):
    sighting: SightingRow
    photos: list[PhotoRow]


def _photos_of(sighting_id):
    """A correlated subquery: the sighting's photos as a JSON array of [position, id, width, height, format]."""
    c = Photo.__table__.c
    postgres = db.session.get_bind().dialect.name == "postgresql"
    aggregate, array = (func.json_agg, func.json_build_array) if postgres else (func.json_group_array, func.json_array)
    each = array(c.position, c.id, c.width, c.height, c.format)
    return select(aggregate(each)).where(c.sighting_id == sighting_id).scalar_subquery()


def _photo_rows(found) -> list[PhotoRow]:
    """The photos from _photos_of in their order (psycopg has read the JSON already; SQLite gives text)."""
    found = json.loads(found) if isinstance(found, str) else found
    return [PhotoRow(*each[1:]) for each in sorted(found or (), key=lambda each: each[0])]


def _after(keys, values):
    """Rows strictly after `values` in the order `keys` (mixed directions allowed).

    The first key is bounded on its own as well: the OR below hides the range from the planners,
    and without it they read the queue index from its start, so deep pages got slower and slower.
    """
    (column, direction), value = keys[0], values[0]
    return and_(column >= value if direction == "asc" else column <= value, _beyond(keys, values))


def _beyond(keys, values):
    (column, direction), value = keys[0], values[0]
    beyond = column > value if direction == "asc" else column < value
    if len(keys) == 1:
        return beyond
    return or_(beyond, and_(column == value, _beyond(keys[1:], values[1:])))


def encode_cursor(sighting: Sighting, sort: str) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in _key(sighting, sort)]
    return base64.urlsafe_b64encode(json.dumps({"s": sort, "k": plain}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list:
    """The sort key a cursor holds; 400, like any bad query, for anything this server did not make."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        keys = SORTS[sort]
        if data["s"] != sort or len(data["k"]) != len(keys):
            raise ValueError
        return [_key_value(column, raw) for (column, _), raw in zip(keys, data["k"])]
    except (ValueError, KeyError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise BadQuery(BAD_CURSOR, errors={"cursor": ["Invalid cursor."]}) from None


def _key_value(column, raw):
    if column.key == "submitted_at":
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError
        return value.astimezone(UTC)  # OverflowError for a date that leaves the calendar in UTC
    if column.key == "repeat_score":
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
            raise ValueError
        return float(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > vocab.MAX_ID:  # beyond any column
        raise ValueError
    return raw


def _items(page: list[PageRow]) -> list[ReviewItem]:
    """The page's items, with the merge candidates of all of them fetched at once."""
    sightings = [row.sighting for row in page]
    nearby = cameras_near_each([(s.lat, s.lon) for s in sightings], [candidate_radius(s.accuracy_m) for s in sightings])
    return [ReviewItem(row.sighting, row.photos, ranked(row.sighting, near)) for row, near in zip(page, nearby)]


def review_item(sighting: Sighting) -> ReviewItem:
    """One sighting as a moderator sees it, with merge candidates most likely first."""
    near = cameras_near_each([(sighting.lat, sighting.lon)], candidate_radius(sighting.accuracy_m))[0]
    return ReviewItem(sighting, sighting.photos, ranked(sighting, near))


VARIANT_KEYS = {"original": "original_key", "display": "display_key", "thumb": "thumb_key"}


def photo_file(photo_id: int, variant: str) -> tuple[bytes, str]:
    """A stored photo's bytes and type, read through the storage seam."""
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"There is no photo {photo_id}.")
    key = getattr(photo, VARIANT_KEYS[variant])
    mimetype = FORMATS.get(photo.format, "application/octet-stream") if variant == "original" else "image/jpeg"
    try:
        return photo_files.get_storage().read(key), mimetype
    except FileNotFoundError:
        raise NotFound(f"The {variant} file of photo {photo_id} is missing from storage.") from None
