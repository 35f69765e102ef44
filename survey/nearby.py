"""The confirmed dataset: lookups of cameras by place."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, text

from survey import vocab
from survey.database import plain_rows
from survey.geo import bbox_around, distance_m
from survey.models import Camera


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

    @classmethod
    def from_row(cls, row: tuple) -> "NearbyCamera":
        # Plain rows skip SQLAlchemy's type conversion, and SQLite keeps dates as ISO text.
        camera = cls(*row)
        return camera._replace(first_seen=_date(camera.first_seen), last_confirmed=_date(camera.last_confirmed))


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Nearby:
    camera: NearbyCamera
    distance_m: float


_columns = Camera.__table__.c
# Served by ix_cameras_lat_lon: a range on lat, lon checked inside the index, status on the few rows left.
_NEAR = select(*(_columns[name] for name in NearbyCamera._fields)).where(
    _columns.lat.between(bindparam("min_lat"), bindparam("max_lat")),
    _columns.lon.between(bindparam("min_lon"), bindparam("max_lon")),
    _columns.status == bindparam("status"),
)


def cameras_near(lat: float, lon: float, radius_m: float, status: str = vocab.ACTIVE) -> list[Nearby]:
    """Cameras within radius_m, nearest first: an indexed box query refined by exact distance."""
    box = bbox_around(lat, lon, radius_m)
    found = []
    for west, east in box.lon_ranges():  # two ranges only beside the antimeridian
        params = {"min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": west, "max_lon": east, "status": status}
        found += [NearbyCamera.from_row(row) for row in plain_rows(_NEAR, params)]
    near = [Nearby(cam, distance_m(lat, lon, cam.lat, cam.lon)) for cam in found]
    return sorted((n for n in near if n.distance_m <= radius_m), key=lambda n: n.distance_m)


def cameras_near_each(
    points: list[tuple[float, float]], radius_m: float, status: str = vocab.ACTIVE
) -> list[list[Nearby]]:
    """cameras_near for each (lat, lon) in one query: a queue page makes one round trip, not fifty."""
    if not points:
        return []
    params, owner = {}, []  # owner[k]: the point whose box is box k (a point beside the antimeridian has two)
    for n, (lat, lon) in enumerate(points):
        box = bbox_around(lat, lon, radius_m)
        for west, east in box.lon_ranges():
            k = len(owner)
            params.update({f"a{k}": box.min_lat, f"b{k}": box.max_lat, f"c{k}": west, f"d{k}": east})
            owner.append(n)
    found = [[] for _ in points]
    for k, *row in plain_rows(_near_each(len(owner)), params):
        camera = NearbyCamera.from_row(row)
        if camera.status == status:
            n = owner[k]
            found[n].append(Nearby(camera, distance_m(*points[n], camera.lat, camera.lon)))
    return [sorted((c for c in near if c.distance_m <= radius_m), key=lambda c: c.distance_m) for near in found]


@lru_cache(maxsize=128)
def _near_each(count: int):
    """The cameras in each of `count` boxes, tagged with the box's number; one index range per box.

    A VALUES list joined to the cameras: both databases loop over the boxes with
    ix_cameras_lat_lon, and PostgreSQL plans it faster than a fifty-way OR. The caller checks the
    status: in the SQL, SQLite would scan the status index instead.
    """
    # Short names keep the SQL under the 4 KB up to which psycopg caches its parsing (~1 ms).
    boxes = ", ".join(f"({n}, :a{n}, :b{n}, :c{n}, :d{n})" for n in range(count))
    columns = ", ".join(f"cameras.{name}" for name in NearbyCamera._fields)
    return text(
        f"WITH boxes (n, min_lat, max_lat, min_lon, max_lon) AS (VALUES {boxes}) "
        f"SELECT boxes.n, {columns} FROM boxes JOIN cameras "
        "ON cameras.lat BETWEEN boxes.min_lat AND boxes.max_lat AND cameras.lon BETWEEN boxes.min_lon AND boxes.max_lon"
    )
