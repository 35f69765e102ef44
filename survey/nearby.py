"""The confirmed dataset around a point: cameras near it, and how likely each is the one a sighting shows."""

import json
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, select, text

from survey import vocab
from survey.database import plain_rows
from survey.extensions import db
from survey.geo import bbox_around, distance_m
from survey.likelihood import COMPARED, CameraSignals, Likelihood, SightingSignals, likelihood
from survey.models import Camera

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
    points: list[tuple[float, float]], radius_m: float | list[float], status: str = vocab.ACTIVE
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
    for k, *row in _boxes_rows(boxes):
        camera = NearbyCamera.from_row(row)
        n = owner[k]
        gap = distance_m(*points[n], camera.lat, camera.lon)
        if camera.status == status and gap <= radii[n]:
            found[n].append(Nearby(camera, gap))
    return [sorted(near, key=lambda c: c.distance_m) for near in found]


def _boxes_rows(boxes: list[tuple[float, float, float, float]]) -> list[tuple]:
    """(box number, camera columns..., merged sightings) of the cameras in each box."""
    if db.session.get_bind().dialect.name == "postgresql":
        columns = list(zip(*boxes))
        return plain_rows(_PG_BOXES, {f"b{i}": list(column) for i, column in enumerate(columns)})
    return plain_rows(_SQLITE_BOXES, {"boxes": json.dumps(boxes)})


_COLUMNS = ", ".join(f"cameras.{name}" for name in CAMERA_FIELDS)
_JOIN = (
    "JOIN cameras ON cameras.lat BETWEEN boxes.min_lat AND boxes.max_lat"
    " AND cameras.lon BETWEEN boxes.min_lon AND boxes.max_lon"
)
# Both loop over the boxes with ix_cameras_lat_lon, and read each camera's merged sightings by
# ix_sightings_camera_id. The caller checks the status: in the SQL, SQLite would scan its index instead.
_PG_BOXES = text(
    f"SELECT boxes.n - 1, {_COLUMNS}, (SELECT json_agg(json_build_array(s.lat, s.lon, s.heading, s.accuracy_m))"
    " FROM sightings AS s WHERE s.camera_id = cameras.id AND s.status = 'approved')"
    " FROM unnest(CAST(:b0 AS float8[]), CAST(:b1 AS float8[]), CAST(:b2 AS float8[]), CAST(:b3 AS float8[]))"
    f" WITH ORDINALITY AS boxes (min_lat, max_lat, min_lon, max_lon, n) {_JOIN}"
)
# INDEXED BY: statistics gathered while few sightings have a camera make SQLite scan them all.
_SQLITE_BOXES = text(
    f"SELECT boxes.n, {_COLUMNS}, (SELECT json_group_array(json_array(s.lat, s.lon, s.heading, s.accuracy_m))"
    " FROM sightings AS s INDEXED BY ix_sightings_camera_id WHERE s.camera_id = cameras.id AND s.status = 'approved')"
    " FROM (SELECT key AS n, value ->> 0 AS min_lat, value ->> 1 AS max_lat, value ->> 2 AS min_lon,"
    f" value ->> 3 AS max_lon FROM json_each(:boxes)) AS boxes {_JOIN}"
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
