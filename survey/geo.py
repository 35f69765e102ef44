"""Small spherical geometry: distances and the bounding box of a radius."""

import math

from survey.bbox import BBox

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
