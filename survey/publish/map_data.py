"""The public map's data, one viewport at a time: clusters counted by the database on a grid when the view
holds many cameras, the cameras themselves (the public fields a popup shows) when it holds few; and the
signs of the view for its signs layer.

The grid is fixed on the globe (a cell is 90 / 2**zoom degrees, about 64 screen
pixels), so two views of the same place share their cells and a cell never straddles the antimeridian.
"""

import math
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import func, select

from survey.extensions import db
from survey.geo import BBox
from survey.models import Camera, Sign, SurveyArea
from survey.publish import map_grid
from survey.publish.columns import CAMERAS, PHOTOS, _key, json_array, json_object, json_text, public_columns
from survey.publish.filters import CameraFilter
from survey.publish.map_grid import cell_degrees
from survey.publish.signs import SignFilter, sign_feature, sign_rows

SIGNS = Sign.__table__

MAX_ZOOM = 22
# Above this many cameras in view the answer is clusters and a "zoom in": a phone draws this many markers
# in well under a second, and the JSON stays a few hundred kilobytes.
MAX_CAMERAS = 1500
# Signs are far fewer than cameras: past this many in view the layer asks for a closer look instead.
MAX_SIGNS = 1500
# A view needing more cells than this is not a screen (a 4K screen at 64 px cells is about 2,000).
MAX_CELLS = 10_000
CLUSTERS, CAMERAS_KIND, SIGNS_KIND = "clusters", "cameras", "signs"
CHOICES_STALE_S = 300  # default of the MAP_CHOICES_STALE_S setting
POPUP_FIELDS = (
    "manufacturer",
    "model",
    "camera_type",
    "mount",
    "surveillance_type",
    "zone",
    "operator",
    "direction",
    "signage",
    "signage_class",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_url",
    "thumbnail_url",
    "url",
)


@dataclass(frozen=True)
class MapView:
    """What the map asks for: a box, a zoom, the shared filters and the map's own signage filters."""

    bbox: BBox
    zoom: int
    filter: CameraFilter
    signage: str | None = None
    signage_class: str | None = None

    @property
    def cell_degrees(self) -> float:
        return cell_degrees(self.zoom)

    def clauses(self) -> list:
        table = CAMERAS.c
        found = [*self.filter.clauses()]
        for name in ("signage", "signage_class"):
            if (value := getattr(self, name)) is not None:
                found.append(table[name] == value)
        return found


@dataclass
class MapData:
    kind: str  # CLUSTERS or CAMERAS_KIND
    zoom: int
    cell_degrees: float
    total: int  # cameras in the view (the sum of the clusters' counts)
    capped: bool  # clusters because the view holds more than MAX_CAMERAS
    message: str | None
    clusters: list[dict]  # {lat, lon, count}
    cameras: list[str]  # GeoJSON Feature texts, built by the database


def check_view(bbox: BBox, zoom: int) -> None:
    """ValueError when the box needs more grid cells at this zoom than any screen shows."""
    cell = cell_degrees(zoom)
    width = bbox.max_lon - bbox.min_lon + (360 if bbox.crosses_antimeridian else 0)
    cells = math.ceil(width / cell + 1) * math.ceil((bbox.max_lat - bbox.min_lat) / cell + 1)
    if cells > MAX_CELLS:
        raise ValueError(f"bbox too large for zoom {zoom}: more than {MAX_CELLS:,} cells of {cell:g} degrees.")


def viewport(view: MapView, base: str) -> MapData:
    """The view's cameras when there are at most MAX_CAMERAS of them, else its clusters."""
    features = _camera_features(view, base)
    cell = view.cell_degrees
    if features is not None:
        return MapData(CAMERAS_KIND, view.zoom, cell, len(features), False, None, [], features)
    unboxed = replace(view, filter=replace(view.filter, bbox=None))
    key = (unboxed.filter, view.signage, view.signage_class)
    clusters = map_grid.clusters(view.bbox, view.zoom, view.clauses(), unboxed.clauses(), key)
    total = sum(cluster["count"] for cluster in clusters)
    message = f"{total:,} cameras in view: zoom in to see each one."
    return MapData(CLUSTERS, view.zoom, cell, total, True, message, clusters, [])


def _more_than(limit: int, id_column, clauses: list) -> bool:
    """Whether more than `limit` rows match, counted on ids alone and stopping at limit + 1."""
    some = select(id_column).where(*clauses).limit(limit + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(some)) > limit


def _camera_features(view: MapView, base: str) -> list[str] | None:
    """Feature texts for the view, or None when it holds more than MAX_CAMERAS."""
    if _more_than(MAX_CAMERAS, CAMERAS.c.id, view.clauses()):
        return None
    query = select(_feature(base)).select_from(CAMERAS.outerjoin(PHOTOS, PHOTOS.c.id == CAMERAS.c.photo_id))
    return list(db.session.scalars(query.where(*view.clauses()).order_by(CAMERAS.c.id)))


def _feature(base: str):
    columns = public_columns(base)
    columns["signage_class"] = CAMERAS.c.signage_class
    properties = json_object(*(part for name in POPUP_FIELDS for part in (_key(name), columns[name])))
    point = json_object(_key("type"), _key("Point"), _key("coordinates"), json_array(columns["lon"], columns["lat"]))
    return json_text(
        json_object(_key("type"), _key("Feature"), _key("id"), columns["id"], _key("geometry"), point,
                    _key("properties"), properties)
    )  # fmt: skip


@dataclass(frozen=True)
class SignsView:
    """What the signs layer asks for: the sign filters (with the box) and, to get clusters, the zoom."""

    filter: SignFilter
    zoom: int | None = None


@dataclass
class SignsData:
    kind: str  # SIGNS_KIND, or CLUSTERS past MAX_SIGNS when the view gave its zoom
    total: int | None  # signs in the view; None when capped without a zoom to count clusters by
    capped: bool  # no signs listed because the view holds more than MAX_SIGNS
    message: str | None
    features: list[dict]  # GeoJSON Features with the signs' public properties
    clusters: list[dict] = field(default_factory=list)  # {lat, lon, count}, on the cameras' grid


def signs_in_view(view: SignsView, base: str) -> SignsData:
    """The signs in the filter's box, as signs.geojson publishes them; past MAX_SIGNS, their clusters on
    the cameras' grid at the view's zoom, or (asked without a zoom) only a "zoom in"."""
    flt = view.filter
    if not _more_than(MAX_SIGNS, SIGNS.c.id, flt.clauses()):
        features = [sign_feature(row, base) for row in sign_rows(flt)]
        return SignsData(SIGNS_KIND, len(features), False, None, features)
    if view.zoom is None:
        return SignsData(SIGNS_KIND, None, True, f"More than {MAX_SIGNS:,} signs in view: zoom in to see them.", [])
    unboxed = replace(flt, bbox=None)
    clusters = map_grid.clusters(flt.bbox, view.zoom, flt.clauses(), unboxed.clauses(), unboxed, SIGNS)
    total = sum(cluster["count"] for cluster in clusters)
    return SignsData(CLUSTERS, total, True, f"{total:,} signs in view: zoom in to see each one.", [], clusters)


def filter_choices(limit: int = 200) -> dict[str, list[str]]:
    """The manufacturers and operators of the public cameras (the most common `limit`), for the map's selects.

    Counted from an index, and kept for CHOICES_STALE_S after the cameras change: a new operator may
    wait that long for its option, and a busy moderator does not make every page view count again.
    """
    stale_s = float(current_app.config.get("MAP_CHOICES_STALE_S", CHOICES_STALE_S))
    return map_grid.remembered(("choices", limit), lambda: _choices(limit), stale_s=stale_s)


def _choices(limit: int) -> dict[str, list[str]]:
    table = Camera.__table__.c
    flt = CameraFilter()
    choices = {}
    for name in ("manufacturer", "operator"):
        column = table[name]
        query = (
            select(column)
            .where(*flt.clauses(), column.is_not(None))
            .group_by(column)
            .order_by(func.count().desc(), column)
            .limit(limit)
        )
        choices[name] = sorted(db.session.scalars(query))
    return choices


def public_areas() -> list[dict]:
    """Each survey area's id, name and box: the map fetches a street layer only for areas in view."""
    query = select(SurveyArea.id, SurveyArea.name, SurveyArea.min_lon, SurveyArea.min_lat, SurveyArea.max_lon,
                   SurveyArea.max_lat).order_by(SurveyArea.name)  # fmt: skip
    return [
        {"id": area_id, "name": name, "bbox": [west, south, east, north]}
        for area_id, name, west, south, east, north in db.session.execute(query)
    ]
