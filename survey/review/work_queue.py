"""The moderation queue: filtered, sorted, keyset-paged sightings with everything needed to decide."""

import base64
import binascii
import json
from collections import defaultdict
from datetime import datetime, timedelta

from flask import g, url_for
from sqlalchemy import and_, func, or_, select

from survey import vocab
from survey.errors import BadQuery, NotFound
from survey.extensions import db
from survey.geo import within
from survey.models import ATTRIBUTE_NAMES, Camera, Photo, Sighting, utcnow
from survey.nearby import cameras_near, cameras_near_each
from survey.photos.images import FORMATS
from survey.storage import photo_files

CANDIDATE_RADIUS_M = 50
# The columns of each sort in vocab.QUEUE_SORTS, as (column, direction); the id last makes every key unique.
SORTS = {
    vocab.OLDEST: ((Sighting.submitted_at, "asc"), (Sighting.id, "asc")),
    "newest": ((Sighting.submitted_at, "desc"), (Sighting.id, "desc")),
    "most_warnings": ((Sighting.warning_count, "desc"), (Sighting.submitted_at, "asc"), (Sighting.id, "asc")),
}
# An exact count reads the whole queue index on every page (~40 ms at 500,000 pending); past
# this many, "1000+" tells a moderator as much.
TOTAL_CAP = 1_000
BAD_CURSOR = "That cursor is not one this server gave out for this sort."


def filtered(filters: dict):
    """SELECT of the sightings matching the queue filters (status, bbox, warnings, age), unsorted."""
    query = select(Sighting).where(Sighting.status.in_(filters.get("status") or [vocab.PENDING]))
    if filters.get("bbox"):
        query = query.where(within(Sighting.lat, Sighting.lon, filters["bbox"]))
    if filters.get("has_warning") is not None:
        has = filters["has_warning"]
        query = query.where(Sighting.warning_count > 0 if has else Sighting.warning_count == 0)
    now = utcnow()
    if filters.get("min_age_hours") is not None:
        query = query.where(Sighting.submitted_at <= now - timedelta(hours=filters["min_age_hours"]))
    if filters.get("max_age_hours") is not None:
        query = query.where(Sighting.submitted_at >= now - timedelta(hours=filters["max_age_hours"]))
    return query


def list_queue(filters: dict) -> dict:
    """One page of the queue and the cursor for the next; new arrivals never shift a page."""
    sort, limit = filters.get("sort", vocab.OLDEST), filters.get("limit", 20)
    keys = SORTS[sort]
    query = filtered(filters)
    total = _count_upto(query, TOTAL_CAP + 1)
    after = decode_cursor(filters["cursor"], sort) if filters.get("cursor") else None
    rows = _rows(query, keys, limit + 1, after)
    page, more = rows[:limit], len(rows) > limit
    return {
        "items": _items(page),
        "next_cursor": encode_cursor(page[-1], sort) if more else None,
        "total": min(total, TOTAL_CAP),
        "total_capped": total > TOTAL_CAP,
    }


def _count_upto(query, limit: int) -> int:
    """How many rows the query has, counting no further than `limit`."""
    counted = query.with_only_columns(Sighting.id).order_by(None).limit(limit).subquery()
    return db.session.scalar(select(func.count()).select_from(counted))


def _rows(query, keys, count: int, after: list | None) -> list[Sighting]:
    """The first `count` rows in the sort's order, after the cursor's key values if given.

    After a cursor the rows come from two index ranges read in turn: the rest of the cursor's
    group of the first key, then the groups beyond it. One condition over every key bounds only
    the first key, and "most warnings first" has a handful of values there, so a deep page read a
    whole group of the index (170 ms at a million rows on PostgreSQL).
    """
    order = [column.asc() if direction == "asc" else column.desc() for column, direction in keys]
    if after is None:
        return list(db.session.scalars(query.order_by(*order).limit(count)))
    column, value = keys[0][0], after[0]
    rows = list(
        db.session.scalars(query.where(column == value, _after(keys[1:], after[1:])).order_by(*order).limit(count))
    )
    if len(rows) < count:
        beyond = _beyond(keys[:1], after[:1])
        rows += db.session.scalars(query.where(beyond).order_by(*order).limit(count - len(rows)))
    return rows


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
    values = [getattr(sighting, column.key) for column, _ in SORTS[sort]]
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps({"s": sort, "k": plain}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list:
    """The sort key a cursor holds; 400, like any bad query, for anything this server did not make."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        keys = SORTS[sort]
        if data["s"] != sort or len(data["k"]) != len(keys):
            raise ValueError
        return [_key_value(column, raw) for (column, _), raw in zip(keys, data["k"])]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadQuery(BAD_CURSOR, errors={"cursor": ["Invalid cursor."]}) from None


def _key_value(column, raw):
    if column.key == "submitted_at":
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError
        return value
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError
    return raw


def photo_urls(photo) -> dict:
    base = f"{_photos_url()}/{photo.id}"
    return {
        "id": photo.id,
        "width": photo.width,
        "height": photo.height,
        "format": photo.format,
        "thumb_url": f"{base}/thumb",
        "display_url": f"{base}/display",
        "original_url": f"{base}/original",
    }


def _photos_url() -> str:
    """The moderator photo route up to the id, from one url_for a request (150 a page took ~4 ms)."""
    if "moderator_photos_url" not in g:
        g.moderator_photos_url = url_for("moderation.moderator_photo", photo_id=0, variant="thumb")[: -len("/0/thumb")]
    return g.moderator_photos_url


def _point(lat, lon, accuracy=None):
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy} if lat is not None else None


def camera_view(camera: Camera) -> dict:
    return {
        "id": camera.id,
        "lat": camera.lat,
        "lon": camera.lon,
        "direction": camera.direction,
        "status": camera.status,
        "version": camera.version,
        "first_seen": camera.first_seen.isoformat() if camera.first_seen else None,
        "last_confirmed": camera.last_confirmed.isoformat() if camera.last_confirmed else None,
        "sightings_count": camera.sightings_count,
        "volunteers_count": camera.volunteers_count,
        "photo_id": camera.photo_id,
        "attributes": {name: getattr(camera, name) for name in ATTRIBUTE_NAMES},
    }


def _items(page: list[Sighting]) -> list[dict]:
    """The page's items, with the photos and merge candidates of all of them fetched at once."""
    photos = _photos([s.id for s in page])
    nearby = cameras_near_each([(s.lat, s.lon) for s in page], CANDIDATE_RADIUS_M)
    return [sighting_item(s, near, photos.get(s.id, [])) for s, near in zip(page, nearby)]


def _photos(sighting_ids: list[int]) -> dict[int, list]:
    """Each sighting's photos as plain rows (id, size, format), in order: lighter than selectinload."""
    c = Photo.__table__.c
    query = select(c.sighting_id, c.id, c.width, c.height, c.format).where(c.sighting_id.in_(sighting_ids))
    found = defaultdict(list)
    for row in db.session.execute(query.order_by(c.sighting_id, c.position)):
        found[row.sighting_id].append(row)
    return found


def sighting_item(s: Sighting, nearby: list | None = None, photos: list | None = None) -> dict:
    """Everything a moderator sees of a sighting, with merge candidates nearest first."""
    heading = (
        {"degrees": s.heading, "ref": s.heading_ref, "source": s.heading_source} if s.heading is not None else None
    )
    if nearby is None:
        nearby = cameras_near(s.lat, s.lon, CANDIDATE_RADIUS_M)
    return {
        "id": s.id,
        "status": s.status,
        "version": s.version,
        "submitted_at": s.submitted_at.isoformat(),
        "captured_at": s.captured_at.isoformat() if s.captured_at else None,
        "captured_at_source": s.captured_at_source,
        "location": {"lat": s.lat, "lon": s.lon, "accuracy_m": s.accuracy_m, "source": s.location_source},
        "positions": {
            vocab.EXIF: _point(s.exif_lat, s.exif_lon, s.exif_accuracy_m),
            vocab.DEVICE: _point(s.device_lat, s.device_lon, s.device_accuracy_m),
            vocab.MANUAL: _point(s.manual_lat, s.manual_lon),
        },
        "heading": heading,
        "attributes": {name: getattr(s, name) for name in ATTRIBUTE_NAMES},
        "notes": s.notes,
        "warnings": s.warnings or [],
        "warning_count": s.warning_count,
        "volunteer_key": s.volunteer_key,
        "nearby_camera_id": s.nearby_camera_id,
        "nearby_answer": s.nearby_answer,
        "camera_id": s.camera_id,
        "reject_reason": s.reject_reason,
        "moderator_note": s.moderator_note,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "decided_by": s.decided_by,
        "photos": [photo_urls(p) for p in (s.photos if photos is None else photos)],
        "candidates": [camera_view(n.camera) | {"distance_m": round(n.distance_m, 1)} for n in nearby],
    }


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
