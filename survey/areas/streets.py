"""Survey areas and their streets: create an area, import its streets from ways, idempotently."""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.areas import shapes
from survey.areas.completion import refresh_last_walked
from survey.areas.osm import Way
from survey.database import begin_write
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Street, SurveyArea


def create_area(
    name: str, boundary_text: str, start: date | None = None, end: date | None = None, centre=None
) -> SurveyArea:
    """A new area from a GeoJSON boundary; Invalid for bad geometry or dates, Conflict for a taken name."""
    try:
        boundary = shapes.load_boundary(boundary_text)
    except shapes.BadGeometry as exc:
        raise Invalid(f"Bad boundary: {exc}", errors={"boundary": [str(exc)]}) from None
    if start and end and end < start:
        raise Invalid("The end date is before the start date.", errors={"end": ["Before start."]})
    if centre and not shapes.contains(boundary, centre[1], centre[0]):
        raise Invalid("The default centre lies outside the boundary.", errors={"centre": ["Outside the boundary."]})
    box = shapes.bbox_of(shapes.boundary_points(boundary))
    area = SurveyArea(name=name, boundary=json.dumps(boundary), start_date=start, end_date=end)
    area.min_lon, area.min_lat, area.max_lon, area.max_lat = box
    area.centre_lat, area.centre_lon = centre or (None, None)
    begin_write()
    db.session.add(area)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"An area named {name!r} exists already.") from None
    return area


def area_by_name(name: str) -> SurveyArea:
    area = db.session.scalar(select(SurveyArea).where(SurveyArea.name == name))
    if area is None:
        raise NotFound(f"No survey area named {name!r}.")
    return area


def area_by_id(area_id: int) -> SurveyArea:
    area = db.session.get(SurveyArea, area_id)
    if area is None:
        raise NotFound("No survey area with that id.")
    return area


def list_areas() -> list[dict]:
    """Every area by name, as the capture page picks one: its box, boundary, dates and map centre."""
    return [_area_row(a) for a in db.session.scalars(select(SurveyArea).order_by(SurveyArea.name))]


def _area_row(area: SurveyArea) -> dict:
    return {
        "id": area.id,
        "name": area.name,
        "start_date": area.start_date,
        "end_date": area.end_date,
        "centre": None if area.centre_lat is None else [area.centre_lat, area.centre_lon],
        "bbox": [area.min_lon, area.min_lat, area.max_lon, area.max_lat],
        "boundary": json.loads(area.boundary),
    }


def streets_of(area_id: int) -> list[Street]:
    return list(db.session.scalars(select(Street).where(Street.area_id == area_id).order_by(Street.id)))


@dataclass
class ImportResult:
    ways_read: int = 0
    ways_inside: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def import_streets(area: SurveyArea, ways: Iterable[Way]) -> ImportResult:
    """Store the area's streets from these ways, in one transaction.

    A way is kept, whole and unclipped, when any of its points lies inside the boundary: a street that
    leaves the area is still walked as one street. The ways of one name merge into one street; an unnamed
    way stays a street of its own. A street already stored under the same key is updated only if its
    geometry changed, so importing the same file twice changes nothing. Streets missing from the file
    are kept, with their walks."""
    boundary, result, groups = json.loads(area.boundary), ImportResult(), {}
    for way in ways:
        result.ways_read += 1
        if not any(shapes.contains(boundary, lon, lat) for lon, lat in way.points):
            continue
        result.ways_inside += 1
        groups.setdefault(f"name:{way.name}" if way.name else way.key, []).append(way)
    begin_write()
    stored = {street.source_key: street for street in streets_of(area.id)}
    new_rows, changed = [], []
    for key, members in groups.items():
        values = street_values(sorted(members, key=lambda w: w.key))
        street = stored.get(key)
        if street is None:
            new_rows.append({"area_id": area.id, "source_key": key, **values})
        elif any(getattr(street, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(street, name, value)
            changed.append(street.id)
            result.updated += 1
        else:
            result.unchanged += 1
    if new_rows:  # one bulk insert: a unit of work per new street cost as much as reading the file
        db.session.execute(insert(Street), new_rows)
    result.added = len(new_rows)
    if changed:  # a new length moves what GAP_M is as a fraction of the street
        db.session.flush()
        refresh_last_walked(db.session.connection(), changed)
    db.session.commit()
    return result


def street_values(ways: list[Way]) -> dict:
    """A street's stored columns from its ways, in key order."""
    lines = [[[round(lon, 7), round(lat, 7)] for lon, lat in way.points] for way in ways]
    geometry = json.dumps({"type": "MultiLineString", "coordinates": lines}, separators=(",", ":"))
    return {
        "name": ways[0].name,
        "highway": Counter(w.highway for w in ways).most_common(1)[0][0],
        "geometry": geometry,
        "length_m": round(sum(shapes.line_length_m(line) for line in lines), 2),
        **dict(zip(("min_lon", "min_lat", "max_lon", "max_lat"), shapes.bbox_of(p for ln in lines for p in ln))),
    }
