"""Case: survey areas at city size, on SQLite.

- Import: `flask areas import-streets` on an .osm.pbf of 20,000 ways written here with pyosmium's
  writer (named streets in two ways each, footpaths, motorways and ways outside the boundary),
  against a floor that makes the very same street rows with one bare pyosmium pass and one bulk
  insert. Peak memory of one import is measured apart.
- Assignment: each of 100,000 public cameras to its nearest street within 30 m, as the area's
  coverage does it (survey.areas.coverage.area_coverage), against a floor that reads the same rows
  with plain sqlite3 and gives the same assignment.
The coverage layer of 20,000 streets is timed in bench/ogcapi.py.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.apps import dispose, migrated_app, sqlite_url
from bench.camera_data import camera_rows, load_sqlite
from bench.harness import Context, Row, Target, Timing, with_ratios
from bench.rss import growth_mb, reset_peak
from survey import vocab

CASE = "areas"
IMPORT_TIME = Target("value", 60.0, "median < 60 s")
IMPORT_MEMORY = Target("value", 300.0, "peak < 300 MB")
ASSIGN_TIME = Target("value", 30.0, "median < 30 s")
FLOOR_RATIO = Target("ratio", 1.5, "<= 1.5x its floor")
# A city of about 14 x 13 km round central London; the boundary leaves its eastern strip out.
WEST, SOUTH, EAST, NORTH = -0.20, 51.45, 0.00, 51.57
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[WEST, SOUTH], [-0.02, SOUTH], [-0.02, NORTH], [WEST, NORTH], [WEST, SOUTH]]],
}
STEP = 0.0004  # about 30-45 m between a way's nodes


def write_extract(path: Path, ways: int, seed: int = 13) -> Path:
    """An .osm.pbf of `ways` ways: 60% named streets in pairs (one name, two ways end to end), 20% unnamed
    footpaths, 10% motorways (not walkable) and 10% wholly east of the boundary."""
    import osmium

    rng = random.Random(seed)
    node_id = 0
    nodes, out = [], []

    def line(lon: float, lat: float, count: int) -> list[int]:
        nonlocal node_id
        heading = rng.choice(((1, 0), (0, 1), (1, 1), (1, -1)))
        refs = []
        for k in range(count):
            node_id += 1
            nodes.append((node_id, lon + heading[0] * k * STEP, lat + heading[1] * k * STEP * 0.62))
            refs.append(node_id)
        return refs

    for number in range(1, ways + 1):
        kind = number % 10
        lon, lat = rng.uniform(WEST, -0.025), rng.uniform(SOUTH, NORTH - 0.01)
        if kind == 9:
            lon = rng.uniform(-0.015, EAST - 0.01)  # outside: east of the boundary
        tags = {"highway": "residential", "name": f"Street {number // 2}"} if kind < 6 else {"highway": "footway"}
        if kind == 8:
            tags = {"highway": "motorway", "name": f"M{number}"}
        if kind < 6 and number % 2 and nodes:  # the second way of a name starts where the first ended
            last = nodes[-1]
            refs = [last[0]] + line(last[1] + STEP, last[2], rng.randrange(3, 8))[1:]
        else:
            refs = line(lon, lat, rng.randrange(4, 10))
        out.append((number, refs, tags))
    path.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, lon, lat in nodes:
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=osmium.osm.Location(lon, lat)))
        for wid, refs, tags in out:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))
    finally:
        writer.close()
    return path


COLUMNS = ("source_key", "name", "highway", "geometry", "length_m", "min_lon", "min_lat", "max_lon", "max_lat")


def import_floor(pbf: Path, db_path: str, area_id: int, boundary: dict) -> int:
    """The same streets from one bare pyosmium pass and one executemany; how many."""
    import osmium
    from osmium.filter import EntityFilter, KeyFilter

    from survey.areas.shapes import bbox_of, contains, line_length_m

    highways = KeyFilter("highway")
    highways.enable_for(osmium.osm.WAY)
    processor = (
        osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(EntityFilter(osmium.osm.WAY))
        .with_filter(highways)
    )
    groups: dict[str, list] = {}
    for way in processor:
        highway = way.tags.get("highway")
        if highway not in vocab.WALKABLE_HIGHWAYS:
            continue
        points = [[n.location.lon, n.location.lat] for n in way.nodes if n.location.valid()]
        if len(points) < 2 or not any(contains(boundary, lon, lat) for lon, lat in points):
            continue
        name = way.tags.get("name")
        groups.setdefault(f"name:{name}" if name else f"way:{way.id}", []).append(
            (f"way:{way.id}", name, highway, points)
        )
    rows = []
    for key, members in groups.items():
        members.sort(key=lambda m: m[0])
        lines = [[[round(lon, 7), round(lat, 7)] for lon, lat in m[3]] for m in members]
        box = bbox_of(p for ln in lines for p in ln)
        geometry = json.dumps({"type": "MultiLineString", "coordinates": lines}, separators=(",", ":"))
        highway = Counter(m[2] for m in members).most_common(1)[0][0]
        length = round(sum(line_length_m(ln) for ln in lines), 2)
        rows.append((area_id, key, members[0][1], highway, geometry, length, *box))
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            f"INSERT INTO streets (area_id, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})", rows
        )
    conn.close()
    return len(rows)


def stored_streets(db_path: str, area_id: int) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM streets WHERE area_id = ? ORDER BY source_key", (area_id,))
    rows = rows.fetchall()
    conn.close()
    return rows


def _new_area(app, name: str) -> int:
    from survey.areas import streets

    with app.app_context():
        return streets.create_area(name, json.dumps(BOUNDARY)).id


def _service_import(app, pbf: Path, area_id: int) -> int:
    from survey.areas import osm, streets
    from survey.extensions import db

    with app.app_context():
        area = streets.area_by_id(area_id)
        result = streets.import_streets(area, osm.read_ways(pbf))
        db.session.remove()
        return result.added


def _import_rows(ctx: Context, app, db_path: str, ways: int, runs: int) -> tuple[list[Row], int]:
    pbf = write_extract(Path(ctx.workdir) / "city.osm.pbf", ways)
    kept = _new_area(app, "City")
    floor_area = _new_area(app, "City floor")
    added = _service_import(app, pbf, kept)
    assert import_floor(pbf, db_path, floor_area, BOUNDARY) == added
    assert stored_streets(db_path, kept) == stored_streets(db_path, floor_area), "the floor must store the same rows"

    def clear():
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("DELETE FROM streets WHERE area_id = ?", (floor_area,))
        conn.close()

    service_s, floor_s = [], []
    for _ in range(runs):
        clear()
        floor_s.append(_timed(lambda: import_floor(pbf, db_path, floor_area, BOUNDARY)))
        clear()
        service_s.append(_timed(lambda: _service_import(app, pbf, floor_area)))
    clear()
    start = reset_peak()
    _service_import(app, pbf, floor_area)
    peak = growth_mb(start)
    case = f"{CASE} import {ways:,} ways"
    note = f"{added:,} streets, {pbf.stat().st_size / 1e6:.1f} MB .osm.pbf"
    rows = [
        Row(case, "bare pyosmium + executemany", Timing(tuple(floor_s)), unit="s", note=note),
        Row(case, "import-streets", Timing(tuple(service_s)), unit="s", target=IMPORT_TIME, note="read_ways + import_streets"),
        Row(case, "import-streets vs floor", Timing(tuple(service_s)), unit="s", baseline="bare pyosmium + executemany",
            target=FLOOR_RATIO, paired=True),
        Row(case, "import-streets peak memory", Timing((peak,)), unit="MB", target=IMPORT_MEMORY, note="peak RSS growth"),
    ]  # fmt: skip
    return with_ratios(rows), kept


def _timed(fn) -> float:
    import gc
    import time

    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cameras_near_streets(db_path: str, count: int, seed: int = 21) -> None:
    """`count` cameras, four in five within 0-45 m of a street's node, the rest anywhere in the city."""
    conn = sqlite3.connect(db_path)
    points = [json.loads(g)["coordinates"] for (g,) in conn.execute("SELECT geometry FROM streets")]
    conn.close()
    points = [p for lines in points for line in lines for p in line]
    rng = random.Random(seed)

    def placed(row: tuple) -> tuple:
        if rng.random() < 0.8:
            lon, lat = rng.choice(points)
            lon, lat = lon + rng.uniform(-6e-4, 6e-4), lat + rng.uniform(-4e-4, 4e-4)
        else:
            lon, lat = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        return (row[0], round(lat, 7), round(lon, 7), *row[3:])

    load_sqlite(f"sqlite:///{db_path}", count, rows=(placed(row) for row in camera_rows(count)))


def assignment_floor(db_path: str, area_id: int) -> dict[int, int]:
    """The same assignment from plain sqlite3 rows: the public cameras in the area's widened box."""
    from survey.areas.coverage import CAMERA_STREET_MAX_M
    from survey.areas.shapes import nearest_streets
    from survey.geo import bbox_around

    conn = sqlite3.connect(db_path)
    west, south, east, north = conn.execute(
        "SELECT min_lon, min_lat, max_lon, max_lat FROM survey_areas WHERE id = ?", (area_id,)
    ).fetchone()
    low, high = bbox_around(south, west, CAMERA_STREET_MAX_M), bbox_around(north, east, CAMERA_STREET_MAX_M)
    statuses = ",".join(f"'{s}'" for s in vocab.PUBLIC_CAMERA_STATUSES)
    cameras = conn.execute(
        f"SELECT id, lat, lon FROM cameras WHERE status IN ({statuses}) AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
        (low.min_lat, high.max_lat, low.min_lon, high.max_lon),
    ).fetchall()
    streets = conn.execute("SELECT id, geometry FROM streets WHERE area_id = ? ORDER BY id", (area_id,)).fetchall()
    conn.close()
    lines = ((street_id, json.loads(geometry)["coordinates"]) for street_id, geometry in streets)
    return nearest_streets(cameras, lines, CAMERA_STREET_MAX_M)


def _service_assignment(app, area_id: int) -> dict[int, int]:
    from survey.areas.coverage import area_coverage
    from survey.extensions import db

    with app.app_context():
        coverage = area_coverage(area_id)
        db.session.remove()
    return {camera: street.street_id for street in coverage.streets for camera in street.cameras}


def _assignment_rows(app, db_path: str, area_id: int, cameras: int, runs: int) -> list[Row]:
    cameras_near_streets(db_path, cameras)
    expected = assignment_floor(db_path, area_id)
    assert _service_assignment(app, area_id) == expected, "the floor must assign the same cameras"
    service_s, floor_s = [], []
    for _ in range(runs):
        floor_s.append(_timed(lambda: assignment_floor(db_path, area_id)))
        service_s.append(_timed(lambda: _service_assignment(app, area_id)))
    case = f"{CASE} assign {cameras:,} cameras"
    note = f"{len(expected):,} within 30 m of a street"
    rows = [
        Row(case, "plain sqlite3 rows + nearest_streets", Timing(tuple(floor_s)), unit="s", note=note),
        Row(case, "area_coverage", Timing(tuple(service_s)), unit="s", target=ASSIGN_TIME, note="the whole coverage"),
        Row(case, "area_coverage vs floor", Timing(tuple(service_s)), unit="s",
            baseline="plain sqlite3 rows + nearest_streets", target=FLOOR_RATIO, paired=True),
    ]  # fmt: skip
    return with_ratios(rows)


def run(ctx: Context) -> list[Row]:
    ways, cameras = (4_000, 20_000) if ctx.quick else (20_000, 100_000)
    runs = 3 if ctx.quick else 5
    url = sqlite_url(ctx.workdir, "areas.db")
    app = migrated_app(url, Path(ctx.workdir) / "areas")
    db_path = make_url(url).database
    rows, area_id = _import_rows(ctx, app, db_path, ways, runs)
    rows += _assignment_rows(app, db_path, area_id, cameras, runs)
    dispose(app)
    return rows
