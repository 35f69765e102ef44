"""The confirmed dataset: lookups of cameras by place."""
from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.geo import bbox_around, distance_m
from survey.models import Camera


@dataclass(frozen=True)
class Nearby:
    camera: Camera
    distance_m: float


def cameras_near(lat: float, lon: float, radius_m: float, status: str = "active") -> list[Nearby]:
    """Cameras within radius_m, nearest first: an indexed box query refined by exact distance."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, radius_m)
    query = select(Camera).where(
        Camera.lat.between(min_lat, max_lat), Camera.lon.between(min_lon, max_lon), Camera.status == status
    )
    found = [Nearby(cam, distance_m(lat, lon, cam.lat, cam.lon)) for cam in db.session.scalars(query)]
    return sorted((n for n in found if n.distance_m <= radius_m), key=lambda n: n.distance_m)
