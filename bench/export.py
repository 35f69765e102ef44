"""Case 2: export every active camera (GeoJSON, CSV, an OGC API page) from SQLite over HTTP."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import rss
from bench.apps import dispose, migrated_app, sqlite_url
from bench.camera_data import camera_rows, load_sqlite
from bench.harness import Context, Row, Target, Timing, measure, ms, with_ratios

CASE = "2 export"
ROOT = Path(__file__).resolve().parents[1]
BASE = "http://localhost/"
BATCH = 2000
TARGET = Target("ratio", 1.5, "<= 1.5x baseline")
MEMORY_TARGET = Target("value", 50, "< 50 MB")
ACTIVE = "WHERE c.status = 'active'"
# The public properties done the least costly way that gives the same document: coordinates
# rounded to 7 decimals, whole-degree directions, the chosen photo's URLs, the camera's page.
TEXT = ("manufacturer", "model", "camera_type", "mount", "surveillance_type", "zone", "operator")
PLAIN = (
    *TEXT,
    "direction",
    "signage",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_url",
    "thumbnail_url",
    "url",
)
EXPRESSIONS = {
    "direction": "CAST(round(c.direction) AS INTEGER) % 360",
    "photo_url": f"'{BASE}media/display/' || p.display_sha256 || '.jpg'",
    "thumbnail_url": f"'{BASE}media/thumbs/' || p.thumb_sha256 || '.jpg'",
    "url": f"'{BASE}api/v1/cameras/' || c.id",
}
COLUMNS = [EXPRESSIONS.get(name, f"c.{name}") for name in PLAIN]
FROM = "FROM cameras c LEFT JOIN photos p ON p.id = c.photo_id "
PROPS = ", ".join(f"'{name}', {column}" for name, column in zip(PLAIN, COLUMNS))
FEATURE_SQL = (
    "SELECT json_object('type', 'Feature', 'id', c.id, 'geometry', json_object('type', 'Point', "
    f"'coordinates', json_array(round(c.lon, 7), round(c.lat, 7))), 'properties', json_object({PROPS})) " + FROM
)
GUARDED = {
    name: f"CASE WHEN substr(c.{name}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) "
    f"THEN '''' || c.{name} ELSE c.{name} END"
    for name in (*TEXT, "signage", "status")
}
CSV_SQL = (
    f"SELECT round(c.lat, 7), round(c.lon, 7), c.id, "
    f"{', '.join(GUARDED.get(name, column) for name, column in zip(PLAIN, COLUMNS))} " + FROM
)


def http_bytes(client, url: str) -> int:
    """GET url and count the body's bytes as they stream, keeping none of them."""
    response = client.get(url, base_url=BASE.rstrip("/"))
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    try:
        return sum(len(chunk) for chunk in response.iter_encoded())
    finally:
        response.close()


def sqlite_geojson(path: str, where: str = ACTIVE, limit: str = "") -> int:
    """Baseline: SQLite builds each Feature; Python joins batches into a FeatureCollection."""
    conn = sqlite3.connect(path)
    cursor = conn.execute(FEATURE_SQL + where + " ORDER BY c.id" + limit)
    total, count = len('{"type":"FeatureCollection","features":['), 0
    while rows := cursor.fetchmany(BATCH):
        total += len(("," if count else "") + ",\n".join(row[0] for row in rows))
        count += len(rows)
    conn.close()
    return total + len(f'],"numberReturned":{count}}}')


def sqlite_csv(path: str) -> int:
    """Baseline: plain rows through csv.writer, one batch at a time (text guarded against formulas)."""
    conn = sqlite3.connect(path)
    cursor = conn.execute(CSV_SQL + ACTIVE + " ORDER BY c.id")
    buffer, total = io.StringIO(), 0
    writer = csv.writer(buffer)
    writer.writerow(("lat", "lon", "id", *PLAIN))
    while rows := cursor.fetchmany(BATCH):
        writer.writerows(rows)
        total += len(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    conn.close()
    return total + len(buffer.getvalue())


def naive_geojson(app) -> int:
    """The naive way: ORM objects, geojson.Feature each, one geojson.dumps of everything."""
    import geojson

    from survey.extensions import db
    from survey.models import Camera

    with app.app_context():
        cameras = db.session.scalars(select(Camera).where(Camera.status == "active").order_by(Camera.id))
        features = [
            geojson.Feature(
                id=c.id,
                geometry=geojson.Point((c.lon, c.lat)),
                properties={
                    **{name: getattr(c, name) for name in PLAIN[:-5]},
                    "direction": round(c.direction) % 360,
                    "first_seen": str(c.first_seen),
                    "last_confirmed": str(c.last_confirmed),
                    "sightings_count": c.sightings_count,
                    "volunteers_count": c.volunteers_count,
                    "photo_url": None,
                    "thumbnail_url": None,
                    "url": f"{BASE}api/v1/cameras/{c.id}",
                },
            )
            for c in cameras
        ]
        text = geojson.dumps(geojson.FeatureCollection(features))
        db.session.remove()
    return len(text)


def _check_geojson(client, active: int) -> None:
    """The project's export is a FeatureCollection with every active camera, in order."""
    response = client.get("/api/v1/cameras.geojson", base_url=BASE.rstrip("/"))
    features = json.loads(response.get_data())["features"]
    if len(features) != active or features[0]["geometry"]["type"] != "Point":
        raise AssertionError(f"export has {len(features)} features, expected {active}")


def _active(path: str) -> tuple[int, int]:
    """How many cameras are active, and the id ~90% of the way through them (for a deep page)."""
    conn = sqlite3.connect(path)
    count = conn.execute("SELECT count(*) FROM cameras c " + ACTIVE).fetchone()[0]
    deep = conn.execute(
        "SELECT id FROM cameras c " + ACTIVE + " ORDER BY id LIMIT 1 OFFSET ?", (count * 9 // 10,)
    ).fetchone()[0]
    conn.close()
    return count, deep


def _streams(ctx: Context, app, path: str, size: int, runs: int) -> list[Row]:
    client = app.test_client()
    case = f"{CASE} {size:,}"
    timings = measure(
        {
            "GeoJSON baseline": lambda: sqlite_geojson(path),
            "GeoJSON over HTTP": lambda: http_bytes(client, "/api/v1/cameras.geojson"),
            "CSV baseline": lambda: sqlite_csv(path),
            "CSV over HTTP": lambda: http_bytes(client, "/api/v1/cameras.csv"),
        },
        runs=runs,
    )
    sizes = {
        "GeoJSON": http_bytes(client, "/api/v1/cameras.geojson") / 1e6,
        "CSV": http_bytes(client, "/api/v1/cameras.csv") / 1e6,
    }
    rows = []
    for fmt in ("GeoJSON", "CSV"):
        rows.append(Row(case, f"{fmt} baseline", ms(timings[f"{fmt} baseline"]), note="raw sqlite3"))
        rows.append(
            Row(
                case,
                f"{fmt} over HTTP",
                ms(timings[f"{fmt} over HTTP"]),
                baseline=f"{fmt} baseline",
                target=TARGET,
                note=f"streamed, {sizes[fmt]:.0f} MB",
                paired=True,
            )
        )
    return with_ratios(rows)


def _naive(app, path: str, size: int, runs: int) -> list[Row]:
    case = f"{CASE} {size:,}"
    timings = measure(
        {"GeoJSON baseline": lambda: sqlite_geojson(path), "naive": lambda: naive_geojson(app)}, runs=runs
    )
    return with_ratios(
        [
            Row(case, "GeoJSON baseline", ms(timings["GeoJSON baseline"]), note="same run"),
            Row(
                case,
                "GeoJSON naive",
                ms(timings["naive"]),
                baseline="GeoJSON baseline",
                note="ORM -> geojson.Feature -> dumps",
            ),
        ]
    )


def _ogc_page(app, path: str, size: int, runs: int) -> list[Row]:
    """First and deep pages of 1,000 items; `runs` is high, as each call takes a few milliseconds."""
    client, (_, deep_id) = app.test_client(), _active(path)
    case = f"{CASE} {size:,} OGC API"
    items = "/ogcapi/collections/cameras/items?f=json&limit=1000"
    timings = measure(
        {
            "first baseline": lambda: sqlite_geojson(path, limit=" LIMIT 1000"),
            "first page": lambda: http_bytes(client, items),
            "deep baseline": lambda: sqlite_geojson(path, f"{ACTIVE} AND c.id > {deep_id}", " LIMIT 1000"),
            "deep page": lambda: http_bytes(client, f"{items}&after={deep_id}"),
        },
        runs=runs,
    )
    return with_ratios(
        [
            Row(case, "first baseline", ms(timings["first baseline"]), note="raw sqlite3, 1,000 features"),
            Row(
                case,
                "first page",
                ms(timings["first page"]),
                baseline="first baseline",
                target=TARGET,
                note="1,000 items",
                paired=True,
            ),
            Row(case, "deep baseline", ms(timings["deep baseline"]), note="keyset, 90% in"),
            Row(
                case,
                "deep page",
                ms(timings["deep page"]),
                baseline="deep baseline",
                target=TARGET,
                note="next link's after=",
                paired=True,
            ),
        ]
    )


def _memory(ctx: Context, url: str, size: int, runs: int) -> Row:
    """Peak RSS growth of a full GeoJSON export over HTTP, each run in a fresh process."""
    growth = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench.export", url, str(Path(ctx.workdir) / "export")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode != 0:
            raise RuntimeError(f"export memory child failed: {out.stderr[-2000:]}")
        growth.append(json.loads(out.stdout.strip().splitlines()[-1])["growth_mb"])
    return Row(
        f"{CASE} {size:,}",
        "GeoJSON peak RSS growth",
        Timing(tuple(growth)),
        unit="MB",
        target=MEMORY_TARGET,
        note="fresh process per run",
    )


def child(url: str, data_dir: str) -> dict:
    """In this fresh process: warm up on a small export, then measure a full one."""
    from bench.apps import bench_config
    from survey import create_app

    client = create_app(bench_config(url, data_dir)).test_client()
    http_bytes(client, "/api/v1/cameras.geojson?bbox=-0.2,51.5,-0.1,51.51")
    before = rss.reset_peak()
    size = http_bytes(client, "/api/v1/cameras.geojson")
    return {"growth_mb": rss.growth_mb(before), "bytes": size}


def run(ctx: Context) -> list[Row]:
    # Quick sizes and run counts keep `make bench-quick` under two minutes on a busy machine.
    small, big = (10_000, 30_000) if ctx.quick else (100_000, 1_000_000)
    few, page_runs = (3, 15) if ctx.quick else (5, max(ctx.runs, 25))
    url = sqlite_url(ctx.workdir, "export.db")
    path = make_url(url).database
    app = migrated_app(url, Path(ctx.workdir) / "export")
    load_sqlite(url, small)
    active, _ = _active(path)
    _check_geojson(app.test_client(), active)
    rows = _streams(ctx, app, path, small, ctx.runs) + _naive(app, path, small, few)
    load_sqlite(url, big - small, rows=camera_rows(big - small, first_id=small + 1))
    # Five runs at the big size: each export of a million takes seconds, and the suite has a budget.
    rows += _streams(ctx, app, path, big, 5) + _ogc_page(app, path, big, page_runs)
    rows.append(_memory(ctx, url, big, few))  # a fresh process each; peak RSS hardly varies
    dispose(app)
    return rows


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
