"""Which cameras a finding counts: the download filters, and optionally a survey area's boundary."""

import json
from dataclasses import dataclass, field, replace

from sqlalchemy import bindparam, select

from survey import vocab
from survey.areas import shapes
from survey.areas.streets import area_by_id
from survey.extensions import db
from survey.geo import BBox, within
from survey.models import Camera, SurveyArea
from survey.publish.filters import CameraFilter


@dataclass(frozen=True)
class FindingsFilter:
    """The download filters (CameraFilter) plus `area`, a survey area's id."""

    cameras: CameraFilter = field(default_factory=CameraFilter)
    area_id: int | None = None

    def query_args(self) -> dict[str, str]:
        args = self.cameras.query_args()
        if self.area_id is not None:
            args["area"] = str(self.area_id)
        return args


@dataclass(frozen=True)
class Scope:
    """SQL conditions for the figures; `area` and the area's cameras (id -> signage class) when one is given."""

    clauses: list
    timeline_clauses: list  # the same, for every public status: first seen and removed need both
    area: SurveyArea | None = None
    area_classes: dict[int, str] | None = None


def resolve(flt: FindingsFilter) -> Scope:
    """The filter as SQL; an unknown area is NotFound (404) before anything is counted."""
    timeline = replace(flt.cameras, status=vocab.ALL_PUBLIC)
    if flt.area_id is None:
        return Scope(flt.cameras.clauses(), timeline.clauses())
    area = area_by_id(flt.area_id)
    found = cameras_inside(area, timeline)
    inside = Camera.id.in_(bindparam("area_ids", list(found), expanding=True, literal_execute=True))
    wanted = vocab.PUBLIC_CAMERA_STATUSES if flt.cameras.status == vocab.ALL_PUBLIC else (flt.cameras.status,)
    shown = {i: signage for i, (status, signage) in found.items() if status in wanted}
    return Scope([*flt.cameras.clauses(), inside], [*timeline.clauses(), inside], area, shown)


def cameras_inside(area: SurveyArea, flt: CameraFilter) -> dict[int, tuple[str, str]]:
    """id -> (status, signage class) of the filter's cameras inside the area's boundary (its box in
    SQL, the polygon in Python: an area holds thousands of cameras, not millions)."""
    box = BBox(area.min_lon, area.min_lat, area.max_lon, area.max_lat)
    query = select(Camera.id, Camera.lat, Camera.lon, Camera.status, Camera.signage_class).where(
        *flt.clauses(), within(Camera.lat, Camera.lon, box)
    )
    boundary = json.loads(area.boundary)
    return {
        row.id: (row.status, row.signage_class)
        for row in db.session.execute(query)
        if shapes.contains(boundary, row.lon, row.lat)
    }
