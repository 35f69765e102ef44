"""What the walks add up to: each street's state, the area's coverage and cameras by street, and the
public street layer. Nothing here says who walked, or at what time of day."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, String, case, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from survey import vocab
from survey.areas import shapes
from survey.areas.completion import covered_fraction
from survey.areas.streets import area_by_id
from survey.areas.walks import parts_walked_since, street_state
from survey.extensions import db
from survey.geo import BBox, bbox_around, within
from survey.models import Camera, Street, SurveyArea

# A camera further than this from every street of the area is on none of them (a yard, a car park).
CAMERA_STREET_MAX_M = 30


@dataclass
class StreetCoverage:
    street_id: int
    name: str | None
    length_m: float
    state: str
    last_walked: date | None
    walked_fraction: float = 0.0
    cameras: list[int] = field(default_factory=list)


@dataclass
class Coverage:
    area_id: int
    resurvey_after_days: int
    total_length_m: float
    walked_length_m: float
    walked_share: float
    streets: list[StreetCoverage]
    cameras_not_confirmed_since: list[int]  # on the area's streets, not confirmed within resurvey_after_days


CAMERAS = Camera.__table__


def area_coverage(area_id: int, today: date | None = None) -> Coverage:
    """The area's coverage today: length walked (not yet due again), each street's state and cameras."""
    area, today = area_by_id(area_id), today or datetime.now(UTC).date()
    after_days = current_app.config["RESURVEY_AFTER_DAYS"]
    streets = _street_rows(area_id)
    cutoff = today - timedelta(days=after_days)
    parts = parts_walked_since(area_id, cutoff)
    rows = {}
    for street_id, name, length_m, _geometry, last in streets:
        last = date.fromisoformat(last) if isinstance(last, str) else last  # SQLite's driver gives text
        state = street_state(last, today, after_days)
        fraction = 1.0 if state == vocab.WALKED else covered_fraction(parts.get(street_id, []))
        rows[street_id] = StreetCoverage(street_id, name, length_m, state, last, fraction)
    # One pass over the box's cameras gives both their positions and whether each is due a re-check:
    # a second query for the due ones read the same index range again.
    not_confirmed = or_(CAMERAS.c.last_confirmed.is_(None), CAMERAS.c.last_confirmed < cutoff)
    due = case((not_confirmed, 1), else_=0)
    cameras = street_rows(_public_cameras(_camera_box(area), CAMERAS.c.id, CAMERAS.c.lat, CAMERAS.c.lon, due))
    lines = ((street_id, json.loads(geometry)["coordinates"]) for street_id, _, _, geometry, _ in streets)
    assigned = shapes.nearest_streets((row[:3] for row in cameras), lines, CAMERA_STREET_MAX_M)
    for camera_id, street_id in sorted(assigned.items()):
        rows[street_id].cameras.append(camera_id)
    stale = [row[0] for row in cameras if row[3] and row[0] in assigned]
    total = sum(r.length_m for r in rows.values())
    walked = sum(r.length_m * r.walked_fraction for r in rows.values())
    share = round(walked / total, 4) if total else 0.0
    return Coverage(area_id, after_days, round(total, 1), round(walked, 1), share, list(rows.values()), stale)


def _street_rows(area_id: int) -> list[tuple]:
    """The area's streets as plain tuples (id, name, length_m, geometry, last_walked): no ORM objects at
    city size."""
    s = STREETS.c
    query = select(s.id, s.name, s.length_m, s.geometry, s.last_walked).where(s.area_id == area_id)
    return street_rows(query.order_by(STREETS.c.id))


def _camera_box(area: SurveyArea) -> BBox:
    """The area's box, widened by the assignment distance."""
    south_west = bbox_around(area.min_lat, area.min_lon, CAMERA_STREET_MAX_M)
    north_east = bbox_around(area.max_lat, area.max_lon, CAMERA_STREET_MAX_M)
    return BBox(south_west.min_lon, south_west.min_lat, north_east.max_lon, north_east.max_lat)


def _public_cameras(box: BBox, *columns) -> Select:
    """The public cameras in the box: these columns, in id order."""
    query = select(*columns).where(
        CAMERAS.c.status.in_(vocab.PUBLIC_CAMERA_STATUSES), within(CAMERAS.c.lat, CAMERAS.c.lon, box)
    )
    return query.order_by(CAMERAS.c.id)


def streets_layer(area_id: int, today: date | None = None) -> Iterator[str]:
    """The public coverage layer: a GeoJSON FeatureCollection of the area's streets with their state
    and the month they were last walked (never the day, nor who walked), streamed.

    One query of the streets table gives every street with its last_walked; the stored geometry text goes
    out as it is. The old layer parsed and re-serialised every geometry and loaded ORM rows, which cost
    2.2 s at 5,000."""
    area_by_id(area_id)
    columns = street_columns(today or datetime.now(UTC).date(), current_app.config["RESURVEY_AFTER_DAYS"])
    return _feature_collection(street_rows(street_select(columns, STREETS.c.area_id == area_id)))


def street_rows(query: Select, params: dict | None = None) -> list[tuple]:
    """Plain tuples from the driver: SQLAlchemy's Row objects cost more than the query at 20,000 streets."""
    result = db.session.execute(query, params or {})
    rows = result.cursor.fetchall()
    result.close()
    return rows


def _feature_collection(rows) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    for start in range(0, len(rows), 1000):
        yield ("," if start else "") + ",".join(street_feature(row) for row in rows[start : start + 1000])
    yield "]}"


STREETS = Street.__table__
LAYER_PROPERTIES = ("name", "highway", "length_m", "state", "last_walked_month")


class year_month(FunctionElement):
    """A date as 'YYYY-MM' text on either database."""

    type = String()
    inherit_cache = True


@compiles(year_month)
def _month_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(year_month, "postgresql")
def _month_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


def street_columns(today: date, after_days: int) -> dict:
    """Named SQL expressions of the public street layer: what may be published, and filtered on."""
    # last_walked is kept by every walk recorded or withdrawn (survey.areas.completion): a column read.
    s, day = STREETS.c, STREETS.c.last_walked
    cutoff = today - timedelta(days=after_days)
    state = case((day.is_(None), vocab.NOT_WALKED), (day < cutoff, vocab.DUE_AGAIN), else_=vocab.WALKED)
    return {
        "id": s.id,
        "geometry": s.geometry,
        "area_id": s.area_id,
        "name": s.name,
        "highway": s.highway,
        "length_m": s.length_m,
        "state": state,
        "last_walked_month": year_month(day),
    }


def street_select(columns: dict, *where) -> Select:
    """The streets, in id order: the columns named, under the conditions."""
    query = select(*(column.label(name) for name, column in columns.items()))
    return query.select_from(STREETS).where(*where).order_by(STREETS.c.id)


def street_feature(row: tuple, names: tuple[str, ...] = LAYER_PROPERTIES) -> str:
    """One street as GeoJSON text from a street_select row (id, geometry, then the named properties last,
    in street_columns order); the geometry is the stored GeoJSON text, never parsed."""
    properties = json.dumps(dict(zip(names, row[len(row) - len(names) :], strict=True)), separators=(",", ":"))
    return f'{{"type":"Feature","id":{row[0]},"geometry":{row[1]},"properties":{properties}}}'
