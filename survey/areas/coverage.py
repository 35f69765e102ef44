"""What the walks add up to: each street's state, the area's coverage and cameras by street, and the
public street layer. Nothing here says who walked, or at what time of day."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from survey import vocab
from survey.areas import shapes
from survey.areas.streets import area_by_id, street_lines, streets_of
from survey.areas.walks import last_walked, street_state
from survey.extensions import db
from survey.geo import BBox, bbox_around, within
from survey.models import Camera, SurveyArea

# A camera further than this from every street of the area is on none of them (a yard, a car park).
CAMERA_STREET_MAX_M = 30


@dataclass
class StreetCoverage:
    street_id: int
    name: str | None
    length_m: float
    state: str
    last_walked: date | None
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


def area_coverage(area_id: int, today: date | None = None) -> Coverage:
    """The area's coverage today: length walked (not yet due again), each street's state and cameras."""
    area, today = area_by_id(area_id), today or datetime.now(UTC).date()
    after_days = current_app.config["RESURVEY_AFTER_DAYS"]
    streets, last = streets_of(area_id), last_walked(area_id)
    rows = {
        s.id: StreetCoverage(s.id, s.name, s.length_m, street_state(last.get(s.id), today, after_days), last.get(s.id))
        for s in streets
    }
    cameras = _public_cameras(area)
    assigned = shapes.nearest_streets(
        ((c.id, c.lat, c.lon) for c in cameras), ((s.id, street_lines(s)) for s in streets), CAMERA_STREET_MAX_M
    )
    for camera_id, street_id in sorted(assigned.items()):
        rows[street_id].cameras.append(camera_id)
    cutoff = today - timedelta(days=after_days)
    stale = sorted(c.id for c in cameras if c.id in assigned and (c.last_confirmed or date.min) < cutoff)
    total = sum(r.length_m for r in rows.values())
    walked = sum(r.length_m for r in rows.values() if r.state == vocab.WALKED)
    share = round(walked / total, 4) if total else 0.0
    return Coverage(area_id, after_days, round(total, 1), round(walked, 1), share, list(rows.values()), stale)


def _public_cameras(area: SurveyArea) -> list[Camera]:
    """Public cameras in the area's box, widened by the assignment distance."""
    south_west = bbox_around(area.min_lat, area.min_lon, CAMERA_STREET_MAX_M)
    north_east = bbox_around(area.max_lat, area.max_lon, CAMERA_STREET_MAX_M)
    box = BBox(south_west.min_lon, south_west.min_lat, north_east.max_lon, north_east.max_lat)
    query = select(Camera).where(Camera.status.in_(vocab.PUBLIC_CAMERA_STATUSES), within(Camera.lat, Camera.lon, box))
    return list(db.session.scalars(query.order_by(Camera.id)))


def streets_layer(area_id: int, today: date | None = None) -> dict:
    """The public coverage layer: a GeoJSON FeatureCollection of the area's streets with their state
    and the month they were last walked (never the day, nor who walked)."""
    area_by_id(area_id)
    today = today or datetime.now(UTC).date()
    after_days, last = current_app.config["RESURVEY_AFTER_DAYS"], last_walked(area_id)
    features = []
    for street in streets_of(area_id):
        day = last.get(street.id)
        properties = {
            "name": street.name,
            "highway": street.highway,
            "length_m": street.length_m,
            "state": street_state(day, today, after_days),
            "last_walked_month": day.strftime("%Y-%m") if day else None,
        }
        features.append(
            {"type": "Feature", "id": street.id, "geometry": json.loads(street.geometry), "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}
