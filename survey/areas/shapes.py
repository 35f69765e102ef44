"""Plain geometry on GeoJSON coordinates ([lon, lat]), no database: boundary checks, boxes, point in
polygon, line lengths and the nearest street to a point. Distances are metres on a local flat projection,
which is exact to well under a metre at street scale."""

import itertools
import math
from collections.abc import Iterable, Sequence

import geojson

from survey.geo import EARTH_RADIUS_M, BBox, distance_m

Coord = Sequence[float]  # [lon, lat]


class BadGeometry(ValueError):
    """The GeoJSON is not a usable Polygon/MultiPolygon or LineString."""


def load_boundary(text: str) -> dict:
    """A Polygon or MultiPolygon geometry from GeoJSON text (a bare geometry, a Feature, or a
    FeatureCollection of one); BadGeometry says what is wrong."""
    try:
        obj = geojson.loads(text)
    except ValueError as exc:
        raise BadGeometry(f"Not GeoJSON: {exc}") from None
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        features = obj.get("features") or []
        if len(features) != 1:
            raise BadGeometry(f"A boundary file holds one feature; this one holds {len(features)}.")
        obj = features[0]
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if not isinstance(obj, geojson.Polygon | geojson.MultiPolygon):
        kind = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise BadGeometry(f"A boundary is a Polygon or MultiPolygon, not {kind}.")
    if not obj.is_valid:
        raise BadGeometry(f"Invalid {obj['type']}: {obj.errors()}")
    check_positions(p for polygon in polygons(obj) for ring in polygon for p in ring)
    return {"type": obj["type"], "coordinates": obj["coordinates"]}


def check_positions(points: Iterable[Coord]) -> None:
    for point in points:
        lon, lat = point[0], point[1]
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise BadGeometry(f"Position {list(point)} is not a longitude, latitude pair in range.")


def polygons(geometry: dict) -> list:
    """A Polygon's or MultiPolygon's polygons, each a list of rings."""
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else list(coords)


def bbox_of(points: Iterable[Coord]) -> BBox:
    lons, lats = zip(*((p[0], p[1]) for p in points))
    return BBox(min(lons), min(lats), max(lons), max(lats))


def boundary_points(geometry: dict) -> list[Coord]:
    return [p for polygon in polygons(geometry) for p in polygon[0]]


def _in_ring(lon: float, lat: float, ring: Sequence[Coord]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """The point lies inside the Polygon/MultiPolygon (outer ring, outside every hole)."""
    return any(
        _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in polygons(geometry)
    )


def line_length_m(line: Sequence[Coord]) -> float:
    return sum(distance_m(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(line))


def nearest_streets(
    cameras: Iterable[tuple[int, float, float]], streets: Iterable[tuple[int, list[list[Coord]]]], max_m: float = 30
) -> dict[int, int]:
    """{camera id: id of the nearest street within max_m}, for (id, lat, lon) cameras and (id, lines)
    streets; a camera with no street that close is left out.

    Each segment goes into the cells of a grid (cells max_m tall) that its box, widened by max_m,
    meets; a camera then measures only the few segments of its own cell, on a flat projection centred
    on the camera. The earlier grid held whole streets in cells of 550 m, so each camera measured a
    hundred streets: 9.7 s for 20,000 cameras under load (bench/areas.py), against 1.0-1.5 s now."""
    cell_lat = max(max_m, 1.0) / (math.radians(1) * EARTH_RADIUS_M)
    segments: list[tuple[int, float, float, float, float]] = []
    grid: dict[tuple[int, int], list[int]] = {}
    cell_lon = None
    for street_id, lines in streets:
        for line in lines:
            for (x1, y1), (x2, y2) in itertools.pairwise((p[0], p[1]) for p in line):
                if cell_lon is None:  # one width for the area: cells a little narrower towards the pole
                    cell_lon = cell_lat / max(math.cos(math.radians(min(abs(y1) + 1.0, 89.0))), 1e-6)
                margin_lon = cell_lat / max(math.cos(math.radians(min(max(abs(y1), abs(y2)) + 0.1, 89.9))), 1e-6)
                index = len(segments)
                segments.append((street_id, x1, y1, x2, y2))
                for cx in range(
                    math.floor((min(x1, x2) - margin_lon) / cell_lon),
                    math.floor((max(x1, x2) + margin_lon) / cell_lon) + 1,
                ):
                    for cy in range(
                        math.floor((min(y1, y2) - cell_lat) / cell_lat),
                        math.floor((max(y1, y2) + cell_lat) / cell_lat) + 1,
                    ):
                        grid.setdefault((cx, cy), []).append(index)  # fmt: skip
    if cell_lon is None:
        return {}
    k = math.radians(1) * EARTH_RADIUS_M
    found = {}
    for camera_id, lat, lon in cameras:
        kx = k * math.cos(math.radians(lat))
        best_m, best_id = max_m, None
        for index in grid.get((math.floor(lon / cell_lon), math.floor(lat / cell_lat)), ()):
            street_id, x1, y1, x2, y2 = segments[index]
            ax, ay, dx, dy = (x1 - lon) * kx, (y1 - lat) * k, (x2 - x1) * kx, (y2 - y1) * k
            squared = dx * dx + dy * dy
            t = 0.0 if squared == 0 else max(0.0, min(1.0, (-ax * dx - ay * dy) / squared))
            metres = math.hypot(ax + t * dx, ay + t * dy)
            if metres < best_m or (metres == best_m and best_id is None):
                best_m, best_id = metres, street_id
        if best_id is not None:
            found[camera_id] = best_id
    return found
