"""A camera's signage, measured from the approved signs around it and the streets walked near it.

`classify` is the rule, a pure function of one camera, the signs near it and whether its streets were
surveyed. `recompute_near` (after a sign decision), `recompute_camera` (after a camera decision) and
`recompute_street` (after a walk) write the result inside the caller's transaction, touching only the
cameras a change can reach: those within SIGN_SEARCH_M of the sign, or 50 m of the street.
`recompute_all` is the full pass behind `flask signs recompute`.
"""

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, or_, select, update

from survey import vocab
from survey.database import begin_write
from survey.extensions import db
from survey.geo import BBox, bbox_around, distance_m, distance_to_line_m, within
from survey.models import Camera, Sign, Street, utcnow

ON_STRUCTURE, WITHIN, BEYOND, NONE_FOUND = "on_structure", "within_50m", "beyond_50m", "none_found"
CELL_DEG = 0.01  # about 1.1 km north-south: a camera's search box covers one to four cells
MAX_CELLS = 4_000  # a box wider than this (beside a pole, a street across the antimeridian) is checked whole
FIELDS = ("signage_class", "nearest_sign_id", "nearest_sign_m", "operator_sign_m")


@dataclass(frozen=True)
class SignPoint:
    id: int
    lat: float
    lon: float
    operator: str | None
    camera_id: int | None  # the camera it is fixed to


@dataclass(frozen=True)
class StreetLines:
    id: int
    lines: list  # [[[lon, lat], ...], ...]
    last_walked: date | None


@dataclass(frozen=True)
class Signage:
    """What a camera keeps: its class, the nearest sign and its distance, the nearest naming its operator."""

    signage_class: str
    nearest_sign_id: int | None = None
    nearest_sign_m: float | None = None
    operator_sign_m: float | None = None


def same_operator(a: str | None, b: str | None) -> bool:
    """Operators are free text: 'Lambeth  council' names the same one as 'Lambeth Council'."""
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def classify(camera_id: int, lat: float, lon: float, operator: str | None, signs, surveyed: bool) -> Signage:
    """One camera's signage from the signs near it (any list holding those within SIGN_SEARCH_M).

    The classes are tried in vocab.SIGNAGE_CLASSES order: a sign fixed to the camera, one within 50 m,
    one found farther (up to SIGN_SEARCH_M), none with the streets around surveyed, else not surveyed.
    Distances are kept to 0.1 m, and the 50 m line is drawn on that rounded figure, as published.
    """
    nearest_id, nearest_m, operator_m, linked = None, None, None, False
    for sign in signs:
        linked = linked or sign.camera_id == camera_id
        metres = round(distance_m(lat, lon, sign.lat, sign.lon), 1)
        if metres > vocab.SIGN_SEARCH_M:
            continue
        if nearest_m is None or (metres, sign.id) < (nearest_m, nearest_id):
            nearest_id, nearest_m = sign.id, metres
        if same_operator(sign.operator, operator) and (operator_m is None or metres < operator_m):
            operator_m = metres
    if linked:
        kind = ON_STRUCTURE
    elif nearest_m is not None:
        kind = WITHIN if nearest_m <= vocab.SIGN_RADIUS_M else BEYOND
    else:
        kind = NONE_FOUND if surveyed else vocab.NOT_SURVEYED
    return Signage(kind, nearest_id, nearest_m, operator_m)


def is_surveyed(lat: float, lon: float, first_seen: date | None, streets: Iterable[StreetLines]) -> bool:
    """True when streets lie within 50 m of the camera and every one was walked on or after its first_seen."""
    near = [s for s in streets if min(distance_to_line_m(lat, lon, line) for line in s.lines) <= vocab.SIGN_RADIUS_M]
    return bool(near) and all(
        s.last_walked is not None and (first_seen is None or s.last_walked >= first_seen) for s in near
    )


class _Cells:
    """Points and boxes by grid cell, so a camera looks only at what lies around it."""

    def __init__(self):
        self.cells: dict[tuple[int, int], list] = defaultdict(list)
        self.wide: list = []

    @staticmethod
    def keys(box: BBox) -> list[tuple[int, int]] | None:
        lats = range(math.floor(box.min_lat / CELL_DEG), math.floor(box.max_lat / CELL_DEG) + 1)
        lons = [
            x
            for west, east in box.lon_ranges()
            for x in range(math.floor(west / CELL_DEG), math.floor(east / CELL_DEG) + 1)
        ]
        if len(lats) * len(lons) > MAX_CELLS:
            return None
        return [(y, x) for y in lats for x in lons]

    def add(self, item, box: BBox) -> None:
        keys = self.keys(box)
        if keys is None:
            self.wide.append(item)
        for key in keys or ():
            self.cells[key].append(item)

    def around(self, box: BBox) -> list:
        keys = self.keys(box)
        if keys is None:
            return list({id(i): i for cell in self.cells.values() for i in cell}.values()) + self.wide
        found = {id(i): i for key in keys for i in self.cells.get(key, ())}
        return list(found.values()) + self.wide


class Surroundings:
    """The signs and streets of one region, read once, that every camera in it is measured against."""

    def __init__(self, signs: Iterable[SignPoint], streets: Iterable[StreetLines]):
        self.signs, self.streets, self.linked = _Cells(), _Cells(), defaultdict(list)
        for sign in signs:
            self.signs.add(sign, BBox(sign.lon, sign.lat, sign.lon, sign.lat))
            if sign.camera_id is not None:
                self.linked[sign.camera_id].append(sign)
        for street in streets:
            box = _reach_of(street)
            self.streets.add((street, box), box)

    def measure(self, camera_id: int, lat: float, lon: float, operator: str | None, first_seen: date | None) -> Signage:
        near = self.signs.around(bbox_around(lat, lon, vocab.SIGN_SEARCH_M))
        signs = {s.id: s for s in [*near, *self.linked.get(camera_id, ())]}.values()
        streets = [
            street
            for street, box in self.streets.around(BBox(lon, lat, lon, lat))
            if box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon
        ]
        return classify(camera_id, lat, lon, operator, signs, is_surveyed(lat, lon, first_seen, streets))


def _reach_of(street: StreetLines) -> BBox:
    """The street's box grown by 50 m: a camera outside it has no part of the street within 50 m.

    A street across the antimeridian (or one very long) takes every longitude: rare, and still right.
    """
    points = [p for line in street.lines for p in line]
    margin = vocab.SIGN_RADIUS_M + 1
    south_west = bbox_around(min(p[1] for p in points), min(p[0] for p in points), margin)
    north_east = bbox_around(max(p[1] for p in points), max(p[0] for p in points), margin)
    box = BBox(south_west.min_lon, south_west.min_lat, north_east.max_lon, north_east.max_lat)
    if box.crosses_antimeridian or box.max_lon - box.min_lon >= 180:
        return BBox(-180.0, box.min_lat, 180.0, box.max_lat)
    return box


def _sign_points(clauses) -> list[SignPoint]:
    s = Sign.__table__.c
    query = select(s.id, s.lat, s.lon, s.operator, s.camera_id).where(s.status == vocab.ACTIVE, *clauses)
    return [SignPoint(*row) for row in db.session.execute(query)]


def _street_lines(box: BBox | None, *clauses) -> list[StreetLines]:
    """Streets whose box meets `box` (all when None), each with the day since which all of it was walked."""
    # All of it, by whole walks or parts together (survey.areas.completion): one part of a long street
    # says nothing about the stretch beside a given camera.
    query = select(Street.id, Street.geometry, Street.last_walked).where(*clauses)
    if box is not None:
        lons = [and_(Street.max_lon >= west, Street.min_lon <= east) for west, east in box.lon_ranges()]
        query = query.where(Street.max_lat >= box.min_lat, Street.min_lat <= box.max_lat, or_(*lons))
    found = []
    for street_id, geometry, day in db.session.execute(query):
        coordinates = json.loads(geometry)["coordinates"]
        lines = [coordinates] if coordinates and not isinstance(coordinates[0][0], list) else coordinates
        found.append(StreetLines(street_id, lines, day))
    return found


def surroundings_of(lat: float, lon: float, reach_m: float, camera_ids: Iterable[int] = ()) -> Surroundings:
    """The active signs within reach_m of the point (and those fixed to camera_ids) and the streets near them:
    all that a camera within reach_m - SIGN_SEARCH_M of the point is measured against."""
    box = bbox_around(lat, lon, reach_m)
    s = Sign.__table__.c
    signs = _sign_points([within(s.lat, s.lon, box)])  # two queries: an OR would hide both indexes
    if ids := [i for i in camera_ids if i is not None]:
        signs += _sign_points([s.camera_id.in_(ids)])
    return Surroundings(signs, _street_lines(bbox_around(lat, lon, reach_m + vocab.SIGN_RADIUS_M)))


def _apply(camera: Camera, measured: Signage) -> bool:
    """Set the measured fields on a camera row; True when anything changed."""
    changed = any(getattr(camera, name) != getattr(measured, name) for name in FIELDS)
    if changed:
        for name in FIELDS:
            setattr(camera, name, getattr(measured, name))
    return changed


def recompute_camera(camera: Camera) -> bool:
    """Re-measure one camera in the caller's transaction (after it was approved, merged, moved or withdrawn)."""
    db.session.flush()
    return _measure_into(camera, surroundings_of(camera.lat, camera.lon, vocab.SIGN_SEARCH_M, [camera.id]))


@dataclass
class Recomputed:
    """What one recompute looked at and what it changed."""

    considered: int
    changed: list[int]


def recompute_near(positions: Iterable[tuple[float, float]], camera_ids: Iterable[int] = ()) -> Recomputed:
    """Re-measure the public cameras within SIGN_SEARCH_M of each position (a sign where it is and
    where it was) and the cameras named (a sign fixed to them), in the caller's transaction."""
    db.session.flush()
    measured: dict[int, Camera] = {}
    changed = []
    named = [i for i in camera_ids if i is not None]
    for lat, lon in positions:
        box = bbox_around(lat, lon, vocab.SIGN_SEARCH_M)
        near = [c for c in _public_cameras_in(box) if distance_m(lat, lon, c.lat, c.lon) <= vocab.SIGN_SEARCH_M]
        if not near:
            continue
        around = surroundings_of(lat, lon, 2 * vocab.SIGN_SEARCH_M, [c.id for c in near])
        changed += [c.id for c in near if c.id not in measured and _measure_into(c, around)]
        measured.update({c.id: c for c in near})
    query = select(Camera).where(Camera.id.in_(named), Camera.status.in_(vocab.PUBLIC_CAMERA_STATUSES))
    for camera in db.session.scalars(query) if named else ():
        if camera.id not in measured:
            measured[camera.id] = camera
            changed += [camera.id] if recompute_camera(camera) else []
    return Recomputed(len(measured), sorted(changed))


def _public_cameras_in(box: BBox) -> list[Camera]:
    """Public cameras in the box, by id. Status and order are done here: either in the SQL makes SQLite
    read the status index or the ids in order rather than the position's index (ten times slower)."""
    cameras = db.session.scalars(select(Camera).where(within(Camera.lat, Camera.lon, box)))
    return sorted((c for c in cameras if c.status in vocab.PUBLIC_CAMERA_STATUSES), key=lambda c: c.id)


def _measure_into(camera: Camera, around: Surroundings) -> bool:
    return _apply(camera, around.measure(camera.id, camera.lat, camera.lon, camera.operator, camera.first_seen))


def recompute_street(street_id: int) -> Recomputed:
    """Re-measure the public cameras within 50 m of a street whose walks changed, in the caller's transaction."""
    db.session.flush()
    street = next(iter(_street_lines(None, Street.id == street_id)), None)
    if street is None:
        return Recomputed(0, [])
    cameras = _public_cameras_in(_reach_of(street))
    changed = [c.id for c in cameras if recompute_camera(c)]
    return Recomputed(len(cameras), changed)


BATCH = 2_000
_UPDATE = (
    update(Camera.__table__)
    .where(Camera.__table__.c.id == bindparam("camera_id"))
    .values({**{name: bindparam(name) for name in FIELDS}, "updated_at": bindparam("now")})
)


def recompute_all(before_commit: Callable[[], None] | None = None) -> Recomputed:
    """Measure every public camera against every active sign and street, in one transaction; commit.

    When a camera changed, ``before_commit`` runs in that transaction first (the caller's version
    bump), so the changed classes and the version that announces them land together or not at all.
    """
    begin_write()
    around = Surroundings(_sign_points([]), _street_lines(None))
    c = Camera.__table__.c
    columns = (c.id, c.lat, c.lon, c.operator, c.first_seen, *(c[name] for name in FIELDS))
    public = c.status.in_(vocab.PUBLIC_CAMERA_STATUSES)
    considered, changed, after = 0, [], 0
    while rows := db.session.execute(select(*columns).where(public, c.id > after).order_by(c.id).limit(BATCH)).all():
        updates = []
        for camera_id, lat, lon, operator, first_seen, *stored in rows:
            measured = around.measure(camera_id, lat, lon, operator, _day(first_seen))
            if tuple(stored) != tuple(getattr(measured, name) for name in FIELDS):
                updates.append({"camera_id": camera_id, "now": utcnow(), **measured.__dict__})
        if updates:
            db.session.execute(_UPDATE, updates)
            changed += [u["camera_id"] for u in updates]
        considered, after = considered + len(rows), rows[-1][0]
    if changed and before_commit is not None:
        before_commit()
    db.session.commit()
    return Recomputed(considered, changed)


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
