"""Case 6: the findings for 100,000 cameras and 20,000 signs, and an operator's evidence pack.

Findings: survey.findings.report.findings_for, and GET /api/v1/findings (the same with the schema's
dump and HTTP), against a floor of the same counts by plain SQL strings through the same connection.
Evidence pack: 1,000 cameras with their photos, time and peak RSS growth in a fresh process per
run (bench.rss), against a floor of the same zip without the PDF report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import rss
from bench.apps import dispose, migrated_app, postgres_database, sqlite_url
from bench.findings_data import OPERATOR, load, operator_with_photos, photo_dir
from bench.harness import Context, Row, Target, Timing, measure, ms, with_ratios

CASE = "6 findings"
ROOT = Path(__file__).resolve().parents[1]
FLOOR_SQL = {
    "sqlite": "strftime('%Y-%m', {})",
    "postgresql": "to_char({}, 'YYYY-MM')",
}


def floor_statements(dialect: str) -> list[str]:
    """What findings_for asks, written by hand: the five-way GROUP BY, first seen by day, removals by
    month, the signs (ours then adds groups up: that, and building the SQL, is what the ratio measures)."""
    month = FLOOR_SQL[dialect]
    return [
        "SELECT status, manufacturer, operator, camera_type, zone, signage_class, count(*) FROM cameras "
        "WHERE status = 'active' GROUP BY status, manufacturer, operator, camera_type, zone, signage_class",
        "SELECT status, first_seen, count(*) FROM cameras WHERE status <> 'withdrawn' "
        "AND first_seen IS NOT NULL GROUP BY status, first_seen",
        f"SELECT {month.format('coalesce(a.at, c.updated_at)')}, count(*) FROM cameras c LEFT JOIN "
        "(SELECT camera_id, max(at) AS at FROM audit_events WHERE action = 'camera_removed' GROUP BY camera_id) a "
        "ON a.camera_id = c.id WHERE c.status <> 'withdrawn' AND c.status = 'removed' GROUP BY 1",
        "SELECT count(*), count(operator), sum(CASE WHEN has_contact THEN 1 ELSE 0 END) FROM signs WHERE status = 'active'",
    ]


def _figures(ctx: Context, label: str, url: str, cameras: int, signs: int) -> list[Row]:
    from survey.extensions import db
    from survey.findings.report import findings_for
    from survey.findings.scope import FindingsFilter

    app = migrated_app(url, Path(ctx.workdir) / "photos-findings")
    load(url, cameras, signs)
    client = app.test_client()
    try:
        with app.app_context():
            statements = floor_statements(db.engine.dialect.name)
            connection = db.session.connection()
            floor = lambda: [connection.exec_driver_sql(sql).fetchall() for sql in statements]  # noqa: E731
            found = findings_for(FindingsFilter())
            grouped = sum(row[-1] for row in floor()[0])
            if found.cameras != grouped or found.cameras < cameras * 0.8:
                raise AssertionError(f"findings counted {found.cameras} cameras, the floor {grouped}")
            timings = measure(
                {
                    "floor": floor,
                    "rule": lambda: findings_for(FindingsFilter()),
                    "http": lambda: client.get("/api/v1/findings"),
                },
                ctx.runs,
            )
    finally:
        dispose(app)
    note = f"{cameras:,} cameras, {signs:,} signs"
    return with_ratios(
        [
            Row(CASE, f"{label} floor: the same SQL by hand", ms(timings["floor"]), note=note),
            Row(
                CASE,
                f"{label} findings_for",
                ms(timings["rule"]),
                baseline=f"{label} floor: the same SQL by hand",
                target=Target("ratio", 1.5, "<= 1.5x floor"),
            ),
            Row(CASE, f"{label} GET /api/v1/findings", ms(timings["http"]), target=Target("value", 300, "< 300 ms")),
        ]
    )


def child(url: str, data_dir: str) -> dict:
    """In a fresh process: a small warm-up pack, then the big one, then the same without the PDF."""
    from bench.apps import bench_config
    from survey import create_app
    from survey.findings.evidence import evidence_pack
    from survey.publish.filters import CameraFilter

    app = create_app(bench_config(url, data_dir))
    result = {}
    with app.app_context():
        evidence_pack(CameraFilter(operator="Warm Up Ltd"), "http://localhost/").file.close()
        for name, with_report in (("pack", True), ("floor", False)):
            before = rss.reset_peak()
            start = time.perf_counter()
            pack = evidence_pack(CameraFilter(operator=OPERATOR), "http://localhost/", with_report=with_report)
            seconds = time.perf_counter() - start
            size = pack.file.seek(0, 2)
            pack.file.close()
            result[name] = {
                "seconds": seconds,
                "growth_mb": rss.growth_mb(before),
                "bytes": size,
                "cameras": pack.cameras,
            }
    return result


def _evidence(ctx: Context, cameras: int) -> list[Row]:
    work = Path(ctx.workdir) / "evidence"
    work.mkdir()
    url = sqlite_url(work, "evidence.db")
    app = migrated_app(url, photo_dir(work))
    operator_with_photos(app, cameras)
    operator_with_photos(app, 5, operator="Warm Up Ltd", first_id=cameras + 1)
    dispose(app)
    runs = []
    for _ in range(3 if ctx.quick else ctx.runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench.findings", url, str(photo_dir(work))],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"evidence child failed: {out.stderr[-2000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if any(run["pack"]["cameras"] != cameras for run in runs):
        raise AssertionError(f"the pack held {runs[0]['pack']['cameras']} cameras, not {cameras}")
    seconds = {name: Timing(tuple(run[name]["seconds"] for run in runs)) for name in ("pack", "floor")}
    note = f"{cameras:,} cameras with photos, {runs[0]['pack']['bytes'] / 1e6:.0f} MB zip, fresh process per run"
    return with_ratios(
        [
            Row(CASE, "evidence floor: the zip without the PDF", seconds["floor"], unit="s", note=note),
            Row(
                CASE,
                "evidence pack",
                seconds["pack"],
                unit="s",
                baseline="evidence floor: the zip without the PDF",
                target=Target("value", 10, "< 10 s"),
                paired=True,
            ),
            Row(
                CASE,
                "evidence pack peak RSS growth",
                Timing(tuple(r["pack"]["growth_mb"] for r in runs)),
                unit="MB",
                target=Target("value", 200, "< 200 MB"),
            ),
            Row(
                CASE, "evidence floor peak RSS growth", Timing(tuple(r["floor"]["growth_mb"] for r in runs)), unit="MB"
            ),
        ]
    )


def run(ctx: Context) -> list[Row]:
    cameras, signs, pack = (20_000, 4_000, 200) if ctx.quick else (100_000, 20_000, 1000)
    with tempfile.TemporaryDirectory(dir=ctx.workdir) as work:
        rows = _figures(ctx, "SQLite", sqlite_url(work, "findings.db"), cameras, signs)
    if ctx.pg_url:
        with postgres_database(ctx.pg_url) as url:
            rows += _figures(ctx, "PostgreSQL", url, cameras, signs)
    return rows + _evidence(ctx, pack)


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
