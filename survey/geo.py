"""Small spherical geometry: bounding boxes as clients send them, distances, the box around a radius.

A box whose minLon lies east of its maxLon crosses the antimeridian, as RFC 7946 (5.2) and
OGC API - Features (bbox parameter) define it: "170,-20,-170,-10" covers 170..180 and -180..-170.
Fiji, Kiribati and Chukotka are surveyed too.
"""

import itertools
import math
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import and_, or_


class BBox(NamedTuple):
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.min_lon > self.max_lon

    def lon_ranges(self) -> list[tuple[float, float]]:
        """The box's longitudes as one or two plain (west, east) ranges within -180..180."""
        if self.crosses_antimeridian:
            return [(self.min_lon, 180.0), (-180.0, self.max_lon)]
        return [(self.min_lon, self.max_lon)]

    def as_text(self) -> str:
        return ",".join(repr(value) for value in self)


def parse_bbox(text: str) -> BBox:
    """Four numbers, or six with heights (OGC API's fc-bbox-definition), strictly; ValueError says what is wrong.

    Heights are checked as numbers and then dropped: cameras have no elevation to compare them with.
    """
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise ValueError("bbox takes four numbers (minLon,minLat,maxLon,maxLat) or six (with minHeight, maxHeight).")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise ValueError("bbox values must be numbers.") from None
    if not all(math.isfinite(value) for value in numbers):
        raise ValueError("bbox values must be finite numbers.")
    box = BBox(*(numbers if len(numbers) == 4 else numbers[0:2] + numbers[3:5]))
    if not (
        -180 <= box.min_lon <= 180
        and -180 <= box.max_lon <= 180
        and -90 <= box.min_lat <= 90
        and -90 <= box.max_lat <= 90
    ):
        raise ValueError("bbox longitudes must be within -180..180 and latitudes within -90..90.")
    if box.min_lat > box.max_lat:
        raise ValueError("bbox minLat must not exceed maxLat (minLon > maxLon is a box across the antimeridian).")
    return box


def within(lat_column, lon_column, box: BBox):
    """SQL: the row's position is inside the box; an index range on each side of the antimeridian."""
    lons = [lon_column.between(west, east) for west, east in box.lon_ranges()]
    return and_(lat_column.between(box.min_lat, box.max_lat), or_(*lons) if len(lons) > 1 else lons[0])


EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lon: float, radius_m: float) -> BBox:
    """The box holding every point within radius_m; it crosses the antimeridian when the circle does,
    and takes every longitude when the circle holds a pole."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle)
    min_lat, max_lat = lat - dlat, lat + dlat
    coslat = math.cos(math.radians(lat))
    if min_lat <= -90 or max_lat >= 90 or math.sin(angle) >= coslat:
        return BBox(-180.0, max(min_lat, -90.0), 180.0, min(max_lat, 90.0))
    # The widest longitude on a spherical cap, not radius/cos(lat), which falls short for big circles.
    dlon = math.degrees(math.asin(math.sin(angle) / coslat))
    west, east = lon - dlon, lon + dlon
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return BBox(west, min_lat, east, max_lat)


def _east_of(lon: float, lon0: float) -> float:
    """lon - lon0 in degrees, the short way round: 179.9 is 0.2 west of -179.9."""
    return (lon - lon0 + 180.0) % 360.0 - 180.0


def distance_to_line_m(lat: float, lon: float, line: Sequence[Sequence[float]]) -> float:
    """The shortest distance in metres from the point to a polyline of [lon, lat] positions.

    On a flat projection centred on the point, exact to well under a metre at street scale, and
    measured the short way round across the antimeridian.
    """
    k = math.radians(1) * EARTH_RADIUS_M
    kx = k * math.cos(math.radians(lat))
    points = [(_east_of(p[0], lon) * kx, (p[1] - lat) * k) for p in line]
    best = math.inf
    for (ax, ay), (bx, by) in itertools.pairwise(points) if len(points) > 1 else [(points[0], points[0])]:
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, (-ax * dx - ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best
