"""The confirmed dataset around a point: cameras near it, and how likely each is the one a sighting shows."""

import json
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, bindparam, event, inspect, or_, select, text, update
from sqlalchemy.orm import Session

from survey import vocab
from survey.database import plain_rows
from survey.extensions import db
from survey.geo import bbox_around, distance_m
from survey.likelihood import COMPARED, CameraSignals, Likelihood, SightingSignals, likelihood
from survey.models import Camera, Sighting

CAMERA_FIELDS = (
    "id",
    "lat",
    "lon",
    "direction",
    "status",
    "manufacturer",
    "model",
    "camera_type",
    "mount",
    "surveillance_type",
    "zone",
    "operator",
    "signage",
    "sightings_count",
    "volunteers_count",
    "first_seen",
    "last_confirmed",
    "photo_id",
    "version",
)


class NearbyCamera(NamedTuple):
    """What a nearby check needs of a camera, read as a plain row rather than an ORM object."""

    id: int
    lat: float
    lon: float
    direction: float | None
    status: str
    manufacturer: str | None
    model: str | None
    camera_type: str | None
    mount: str | None
    surveillance_type: str | None
    zone: str | None
    operator: str | None
    signage: str | None
    sightings_count: int
    volunteers_count: int
    first_seen: date | None
    last_confirmed: date | None
    photo_id: int | None
    version: int
    merged: tuple = ()  # (lat, lon, heading, accuracy_m) of each approved sighting merged into it

    @classmethod
    def from_row(cls, row: tuple) -> "NearbyCamera":
        # Plain rows skip SQLAlchemy's type conversion: SQLite keeps dates as ISO text, and its JSON too.
        columns, merged = row[: len(CAMERA_FIELDS)], row[len(CAMERA_FIELDS) :] and row[-1]
        merged = json.loads(merged) if isinstance(merged, str) else merged or ()
        camera = cls(*columns, merged=tuple(tuple(each) for each in merged))
        return camera._replace(first_seen=_date(camera.first_seen), last_confirmed=_date(camera.last_confirmed))


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Nearby:
    camera: NearbyCamera
    distance_m: float


_columns = Camera.__table__.c
# Served by ix_cameras_lat_lon: a range on lat, lon checked inside the index, status on the few rows left.
_NEAR = select(*(_columns[name] for name in CAMERA_FIELDS)).where(
    _columns.lat.between(bindparam("min_lat"), bindparam("max_lat")),
    _columns.lon.between(bindparam("min_lon"), bindparam("max_lon")),
    _columns.status == bindparam("status"),
)


def cameras_near(lat: float, lon: float, radius_m: float, status: str = vocab.ACTIVE) -> list[Nearby]:
    """Cameras within radius_m, nearest first, without their merged sightings: a plain indexed box
    query refined by exact distance, for a check that only needs to know they are there."""
    box = bbox_around(lat, lon, radius_m)
    found = []
    for west, east in box.lon_ranges():  # two ranges only beside the antimeridian
        params = {"min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": west, "max_lon": east, "status": status}
        found += [NearbyCamera.from_row(row) for row in plain_rows(_NEAR, params)]
    near = [Nearby(cam, distance_m(lat, lon, cam.lat, cam.lon)) for cam in found]
    return sorted((n for n in near if n.distance_m <= radius_m), key=lambda n: n.distance_m)


def cameras_near_each(
    points: list[tuple[float, float]], radius_m: float | list[float], status: str = vocab.ACTIVE, connection=None
) -> list[list[Nearby]]:
    """Cameras within radius_m (one for all, or one per point) of each (lat, lon), nearest first.

    One statement of one shape for any number of points: a queue page makes one round trip, and
    PostgreSQL's driver prepares it once (it only prepares a statement it has seen often).
    """
    if not points:
        return []
    radii = radius_m if isinstance(radius_m, list) else [radius_m] * len(points)
    boxes, owner = [], []  # owner[k]: the point whose box is box k (a point beside the antimeridian has two)
    for n, ((lat, lon), radius) in enumerate(zip(points, radii)):
        box = bbox_around(lat, lon, radius)
        for west, east in box.lon_ranges():
            boxes.append((box.min_lat, box.max_lat, west, east))
            owner.append(n)
    found = [[] for _ in points]
    for k, *row in _boxes_rows(boxes, connection):
        camera = NearbyCamera.from_row(row)
        n = owner[k]
        gap = distance_m(*points[n], camera.lat, camera.lon)
        if camera.status == status and gap <= radii[n]:
            found[n].append(Nearby(camera, gap))
    return [sorted(near, key=lambda c: c.distance_m) for near in found]


# Cameras are indexed by a band of latitude as well (ix_cameras_lat_cell: CAST(lat * LAT_CELLS AS
# INTEGER), lon), so a box reads its one to four bands, each by a range of longitude. By
# (lat, lon) alone a box read the whole strip of the city at its latitude and kept a few: 600
# index entries for 2 cameras at a million, 10 of a page's 20 ms on SQLite.
LAT_CELLS = 1000  # bands a degree: 111 m, about a candidate box's height


def _cells(min_lat: float, max_lat: float, dialect: str) -> range:
    """The bands a latitude range lies in, by the database's own CAST: SQLite truncates, PostgreSQL
    rounds half to even, as Python's round() does (both in floating point, so they agree exactly)."""
    band = int if dialect == "sqlite" else round
    return range(band(min_lat * LAT_CELLS), band(max_lat * LAT_CELLS) + 1)


def _boxes_rows(boxes: list[tuple[float, float, float, float]], connection=None) -> list[tuple]:
    """(box number, camera columns..., merged sightings) of the cameras in each box; on the session's
    connection, or on `connection` (a migration's)."""
    dialect = (connection or db.session.get_bind()).dialect.name
    parts = [
        (k, cell, min_lat, max_lat, west, east)
        for k, (min_lat, max_lat, west, east) in enumerate(boxes)
        for cell in _cells(min_lat, max_lat, dialect)
    ]
    if dialect == "postgresql":
        statement, params = _PG_BOXES, {f"b{i}": list(column) for i, column in enumerate(zip(*parts))}
    else:
        statement, params = _SQLITE_BOXES, {"boxes": json.dumps(parts)}
    if connection is not None:
        return [tuple(row) for row in connection.execute(statement, params)]
    return plain_rows(statement, params)


_COLUMNS = ", ".join(f"cameras.{name}" for name in CAMERA_FIELDS)
_JOIN = (
    f"JOIN cameras ON CAST(cameras.lat * {LAT_CELLS} AS INTEGER) = boxes.cell"
    " AND cameras.lon BETWEEN boxes.min_lon AND boxes.max_lon"
    " AND cameras.lat BETWEEN boxes.min_lat AND boxes.max_lat"
)
# Both loop over the boxes' bands with ix_cameras_lat_cell, and read each camera's merged sightings
# by ix_sightings_camera_id. The caller checks the status: in the SQL, SQLite would scan its index
# instead. No INDEXED BY on cameras: migration 0014 runs this before 0017 makes that index.
_PG_BOXES = text(
    f"SELECT boxes.n, {_COLUMNS}, (SELECT json_agg(json_build_array(s.lat, s.lon, s.heading, s.accuracy_m))"
    " FROM sightings AS s WHERE s.camera_id = cameras.id AND s.status = 'approved')"
    " FROM unnest(CAST(:b0 AS int[]), CAST(:b1 AS int[]), CAST(:b2 AS float8[]), CAST(:b3 AS float8[]),"
    " CAST(:b4 AS float8[]), CAST(:b5 AS float8[]))"
    f" AS boxes (n, cell, min_lat, max_lat, min_lon, max_lon) {_JOIN}"
)
# INDEXED BY: statistics gathered while few sightings have a camera make SQLite scan them all.
_SQLITE_BOXES = text(
    f"SELECT boxes.n, {_COLUMNS}, (SELECT json_group_array(json_array(s.lat, s.lon, s.heading, s.accuracy_m))"
    " FROM sightings AS s INDEXED BY ix_sightings_camera_id WHERE s.camera_id = cameras.id AND s.status = 'approved')"
    " FROM (SELECT value ->> 0 AS n, value ->> 1 AS cell, value ->> 2 AS min_lat, value ->> 3 AS max_lat,"
    f" value ->> 4 AS min_lon, value ->> 5 AS max_lon FROM json_each(:boxes)) AS boxes {_JOIN}"
)


@dataclass(frozen=True)
class Candidate:
    """A confirmed camera near a sighting, with how likely it is the same one."""

    camera: NearbyCamera
    distance_m: float
    chance: Likelihood

    @property
    def likelihood(self) -> float:
        return self.chance.score

    @property
    def kind(self) -> str:
        return self.chance.kind

    @property
    def label(self) -> str:
        return self.chance.label

    @property
    def reasons(self) -> list[str]:
        return self.chance.reasons


def ranked(sighting, near: list[Nearby]) -> list[Candidate]:
    """The nearby cameras as candidates for `sighting` (a Sighting or alike), most likely first."""
    signals = SightingSignals(
        sighting.lat, sighting.lon, sighting.accuracy_m, sighting.heading, {n: getattr(sighting, n) for n in COMPARED}
    )
    found = [Candidate(n.camera, n.distance_m, likelihood(signals, camera_signals(n.camera))) for n in near]
    return sorted(found, key=lambda c: (-c.likelihood, c.distance_m))


def camera_signals(camera: NearbyCamera) -> CameraSignals:
    attributes = {name: getattr(camera, name) for name in COMPARED}
    return CameraSignals(camera.lat, camera.lon, camera.direction, attributes, camera.merged)


def likely_near(sighting, radius_m: float) -> list[Candidate]:
    """The active cameras within radius_m of a sighting, most likely the one it shows first."""
    return ranked(sighting, cameras_near_each([(sighting.lat, sighting.lon)], radius_m)[0])


CANDIDATE_RADIUS_M = 50  # at least; a poor fix looks further (candidate_radius)
MAX_CANDIDATE_RADIUS_M = 150


def candidate_radius(accuracy_m: float | None) -> float:
    """How far to look for the camera a sighting shows: twice its fix's accuracy and the few metres
    a volunteer stands away, so a 40 m fix still finds its camera, and never less than 50 m."""
    return min(max(CANDIDATE_RADIUS_M, 2 * (accuracy_m or 0) + 15), MAX_CANDIDATE_RADIUS_M)


# The repeat score: each pending camera sighting's best candidate's likelihood (0 with none), stored
# in sightings.repeat_score so the queue can sort and page by it. It is kept in the transaction of
# every change that moves it, by one flush hook (keep_repeat_scores) rather than at each call site:
# a new sighting; a sighting's position, heading, attributes or status; a camera's place, direction,
# status or attributes; a sighting merged into a camera or taken back out of one.
_SCORED = Sighting.__table__.c
_SIGHTING_SIGNALS = ("lat", "lon", "accuracy_m", "heading", "status", "kind", *COMPARED)
_CAMERA_SIGNALS = ("lat", "lon", "direction", "status", *COMPARED)
_SCORE_UPDATE = (
    update(Sighting.__table__)
    .where(_SCORED.id == bindparam("sid"))
    .values(repeat_score=bindparam("score"), updated_at=_SCORED.updated_at)  # not a change to the sighting
)


def repeat_scores(sightings: list, connection=None) -> list[float]:
    """Each sighting's best candidate's likelihood, 0.0 when no active camera is near."""
    near = cameras_near_each(
        [(s.lat, s.lon) for s in sightings], [candidate_radius(s.accuracy_m) for s in sightings], connection=connection
    )
    return [max((c.likelihood for c in ranked(s, n)), default=0.0) for s, n in zip(sightings, near)]


def rescore(connection, ids=(), points=()) -> int:
    """Store the repeat score of the pending camera sightings with these ids, and of those whose
    candidates may lie within reach of these (lat, lon) points; how many were looked at."""
    wanted = []
    if ids:
        wanted.append(_SCORED.id.in_(list(ids)))
    for lat, lon in points:
        box = bbox_around(lat, lon, MAX_CANDIDATE_RADIUS_M)
        for west, east in box.lon_ranges():
            wanted.append(and_(_SCORED.lat.between(box.min_lat, box.max_lat), _SCORED.lon.between(west, east)))
    if not wanted:
        return 0
    columns = [_SCORED[name] for name in ("id", "repeat_score", "lat", "lon", "accuracy_m", "heading", *COMPARED)]
    query = select(*columns).where(_SCORED.status == vocab.PENDING, _SCORED.kind == vocab.CAMERA, or_(*wanted))
    rows = connection.execute(query).all()
    if not rows:
        return 0
    changed = [
        {"sid": row.id, "score": score}
        for row, score in zip(rows, repeat_scores(rows, connection))
        if row.repeat_score is None or abs(row.repeat_score - score) > 1e-12
    ]
    if changed:
        connection.execute(_SCORE_UPDATE, changed)
    return len(rows)


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_values(obj, names) -> tuple:
    """The committed values of these attributes before this flush (the current ones if unchanged)."""
    state = inspect(obj)
    found = []
    for name in names:
        history = state.attrs[name].history
        found.append(history.deleted[0] if history.deleted else getattr(obj, name))
    return tuple(found)


@event.listens_for(Session, "after_flush")
def keep_repeat_scores(session, flush_context) -> None:
    """Rescore what this flush may have moved, in its own transaction (see the note above rescore)."""
    ids, points, cameras = set(), set(), set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Sighting) and (obj in session.new or _changed(obj, _SIGHTING_SIGNALS)):
            ids.add(obj.id)
        if isinstance(obj, Sighting) and obj in session.dirty and _changed(obj, ("status", "camera_id")):
            cameras.update(c for c in (*_before_values(obj, ("camera_id",)), obj.camera_id) if c is not None)
        if isinstance(obj, Camera) and (obj in session.new or _changed(obj, _CAMERA_SIGNALS)):
            points.add((obj.lat, obj.lon))
            points.add(_before_values(obj, ("lat", "lon")))
    for obj in session.deleted:
        if isinstance(obj, Camera):
            points.add((obj.lat, obj.lon))
    if not (ids or points or cameras):
        return
    connection = session.connection()
    if cameras:  # a sighting merged into or out of a camera changes that camera's signals
        c = Camera.__table__.c
        points.update(tuple(row) for row in connection.execute(select(c.lat, c.lon).where(c.id.in_(cameras))))
    rescore(connection, ids, points)
