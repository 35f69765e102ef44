"""Ways out of an OpenStreetMap extract (.osm, .osm.pbf, via pyosmium) or a GeoJSON of LineStrings.

Values out, no database: each Way carries its id, name, highway value and [lon, lat] points. Only the
walkable highways (vocab.WALKABLE_HIGHWAYS) come out of an OSM file; a GeoJSON feature without a
highway property is taken as walkable (the operator chose the lines).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from survey import vocab
from survey.areas import shapes


class UnreadableFile(ValueError):
    """The file cannot be read as OSM data or GeoJSON lines."""


@dataclass(frozen=True)
class Way:
    key: str  # "way:<id>" for OSM, "feature:<n>" for GeoJSON
    name: str | None
    highway: str | None
    points: list[list[float]]


def read_ways(path: str | Path) -> list[Way]:
    """The walkable ways of the file, by its suffix: .geojson/.json, else OSM XML or PBF."""
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        return _geojson_ways(path)
    return _osm_ways(path)


def _osm_ways(path: Path) -> list[Way]:
    import osmium  # imported here: the web app never reads OSM files
    from osmium.filter import EntityFilter, KeyFilter

    highways = KeyFilter("highway")
    highways.enable_for(osmium.osm.WAY)
    ways = []
    try:
        # with_locations() caches every node before the filters run, so dropping nodes does not lose them.
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(EntityFilter(osmium.osm.WAY))
            .with_filter(highways)
        )
        for way in processor:
            highway = way.tags.get("highway")
            if highway not in vocab.WALKABLE_HIGHWAYS:
                continue
            # Nodes missing from the extract (cut at its edge) have no valid location: skip them.
            points = [[n.location.lon, n.location.lat] for n in way.nodes if n.location.valid()]
            if len(points) >= 2:
                ways.append(Way(f"way:{way.id}", way.tags.get("name"), highway, points))
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise UnreadableFile(f"Cannot read {path.name} as OSM data: {exc}") from None
    return ways


def _geojson_ways(path: Path) -> list[Way]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"Cannot read {path.name} as GeoJSON: {exc}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise UnreadableFile(f"{path.name} is not a GeoJSON FeatureCollection.")
    ways = []
    for number, feature in enumerate(features):
        geometry, props = (feature or {}).get("geometry") or {}, (feature or {}).get("properties") or {}
        highway = props.get("highway")
        if highway is not None and highway not in vocab.WALKABLE_HIGHWAYS:
            continue
        lines = _lines(geometry, number)
        key = f"way:{props['osm_id']}" if props.get("osm_id") else f"feature:{number}"
        ways += [Way(f"{key}/{i}" if i else key, props.get("name"), highway, line) for i, line in enumerate(lines)]
    return ways


def _lines(geometry: dict, number: int) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("LineString", "MultiLineString") or not isinstance(coords, list):
        raise UnreadableFile(f"Feature {number} is a {kind}, not a LineString or MultiLineString.")
    lines = [coords] if kind == "LineString" else coords
    try:
        lines = [[[float(p[0]), float(p[1])] for p in line] for line in lines]
        shapes.check_positions(p for line in lines for p in line)
    except (TypeError, IndexError, ValueError) as exc:
        raise UnreadableFile(f"Feature {number} has bad coordinates: {exc}") from None
    return [line for line in lines if len(line) >= 2]
