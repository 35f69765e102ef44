"""Case 3: "is there a confirmed camera within 25 m?" at a million cameras, SQLite and PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench.apps import dispose, migrated_app, postgres_database, sqlite_url
from bench.camera_data import CITY, COUNTRY, load_postgres, load_sqlite, pg_conninfo, point_in
from bench.harness import Context, Row, Target, measure, ms, time_interleaved, with_ratios
from survey.geo import bbox_around, distance_m
from survey.nearby import cameras_near

CASE = "3 nearby 25 m"
RADIUS_M = 25
TARGET = Target("value", 0.3, "median < 0.3 ms")
WHERE = "lat BETWEEN {p} AND {p} AND lon BETWEEN {p} AND {p} AND status = 'active'"
BTREE = "SELECT id, lat, lon FROM cameras WHERE " + WHERE
FULL_SCAN_SQLITE = "SELECT id, lat, lon FROM cameras NOT INDEXED WHERE " + WHERE.format(p="?")
RTREE = (
    "SELECT c.id, c.lat, c.lon FROM camera_rtree r JOIN cameras c ON c.id = r.id "
    "WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?"
)


def box(lat: float, lon: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) around a point, in the order the queries bind them.

    The bench's areas are far from the antimeridian, so every box is one plain range.
    """
    found = bbox_around(lat, lon, RADIUS_M)
    return found.min_lat, found.max_lat, found.min_lon, found.max_lon


def lookups(count: int, seed: int) -> dict[str, list[tuple[float, float]]]:
    rng = random.Random(seed)
    return {
        "city": [point_in(CITY, rng) for _ in range(count)],
        "country": [point_in(COUNTRY, rng) for _ in range(count)],
    }


def within(rows, lat: float, lon: float) -> set[int]:
    return {row[0] for row in rows if distance_m(lat, lon, row[1], row[2]) <= RADIUS_M}


def _ours(lat: float, lon: float):
    return cameras_near(lat, lon, RADIUS_M)


def _check(label: str, points, ours: list, reference: list) -> int:
    """The project's answers equal the reference query's, refined by distance; return the hits."""
    for (lat, lon), got, rows in zip(points, ours, reference):
        if {n.camera.id for n in got} != within(rows, lat, lon):
            raise AssertionError(f"{label}: cameras_near({lat}, {lon}) disagrees with the reference query")
    return sum(len(got) for got in ours)


def _sqlite(ctx: Context, count: int, points: dict, scan_runs: int) -> list[Row]:
    url = sqlite_url(ctx.workdir, "nearby.db")
    app = migrated_app(url, Path(ctx.workdir) / "nearby")
    load_sqlite(url, count)
    conn = sqlite3.connect(make_url(url).database)
    conn.execute("CREATE VIRTUAL TABLE camera_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)")
    conn.execute("INSERT INTO camera_rtree SELECT id, lat, lat, lon, lon FROM cameras WHERE status = 'active'")
    conn.commit()
    btree, rtree = BTREE.format(p="?"), RTREE
    out = []
    for area, pts in points.items():
        with app.app_context():
            timed = time_interleaved(
                {
                    "ours": _ours,
                    "rtree": lambda lat, lon: conn.execute(rtree, box(lat, lon)).fetchall(),
                    "btree": lambda lat, lon: conn.execute(btree, box(lat, lon)).fetchall(),
                },
                pts,
            )
        (ours, answers), (r_time, r_rows), (b_time, _) = timed["ours"], timed["rtree"], timed["btree"]
        scan = measure({"scan": lambda first=pts[0]: conn.execute(FULL_SCAN_SQLITE, box(*first)).fetchall()}, scan_runs)
        hits = _check(f"SQLite {area}", pts, answers, r_rows)
        out += _case_rows(
            f"3 nearby SQLite {area}",
            count,
            len(pts),
            hits,
            ours,
            {
                "R*Tree": (r_time, "raw sqlite3, virtual table"),
                "B-tree": (b_time, "raw sqlite3, same index"),
                "full scan": (scan["scan"], f"NOT INDEXED, {scan_runs} runs"),
            },
            "R*Tree",
        )
    conn.close()
    dispose(app)
    return out


def _postgres(ctx: Context, count: int, points: dict, scan_runs: int) -> list[Row]:
    out = []
    with postgres_database(ctx.pg_url) as url:
        app = migrated_app(url, Path(ctx.workdir) / "nearby-pg")
        load_postgres(url, count)
        btree = BTREE.format(p="%s")
        with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
            for area, pts in points.items():
                with app.app_context():
                    timed = time_interleaved(
                        {"ours": _ours, "btree": lambda lat, lon: conn.execute(btree, box(lat, lon)).fetchall()}, pts
                    )
                (ours, answers), (b_time, b_rows) = timed["ours"], timed["btree"]
                conn.execute("SET enable_indexscan = off")
                conn.execute("SET enable_bitmapscan = off")
                scan = measure({"scan": lambda first=pts[0]: conn.execute(btree, box(*first)).fetchall()}, scan_runs)
                conn.execute("RESET ALL")
                hits = _check(f"PostgreSQL {area}", pts, answers, b_rows)
                out += _case_rows(
                    f"3 nearby PostgreSQL {area}",
                    count,
                    len(pts),
                    hits,
                    ours,
                    {
                        "B-tree": (b_time, "raw psycopg, same index"),
                        "full scan": (scan["scan"], f"index scans off, {scan_runs} runs"),
                    },
                    "B-tree",
                )
        dispose(app)
    return out


def _case_rows(case: str, count: int, calls: int, hits: int, ours, baselines: dict, reference: str) -> list[Row]:
    rows = [Row(case, name, ms(timing), note=note) for name, (timing, note) in baselines.items()]
    rows.append(
        Row(
            case,
            "cameras_near",
            ms(ours),
            baseline=reference,
            target=TARGET,
            note=f"{count:,} cameras, {calls:,} lookups, {hits} hits, interleaved",
            paired=True,  # call by call with its baselines
        )
    )
    for row in rows:
        if row.name == "full scan":
            row.baseline = "cameras_near"
    return with_ratios(rows)


def run(ctx: Context) -> list[Row]:
    count, calls = (100_000, 1000) if ctx.quick else (1_000_000, 2000)
    points = lookups(calls, seed=3)
    scan_runs = 5
    return _sqlite(ctx, count, points, scan_runs) + _postgres(ctx, count, points, scan_runs)
