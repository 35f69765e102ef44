"""Case: a camera's measured signage after one sign decision, against the full recompute, on SQLite.

The decision's recompute reads and re-measures only the cameras within reach of the sign
(survey.signage.recompute_near); the full pass (`flask signs recompute`) measures every public camera
against every sign. The ratio between them is what keeps a moderator's click fast at any size.
"""

from __future__ import annotations

import random
import sqlite3
from itertools import cycle
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.apps import dispose, migrated_app, sqlite_url
from bench.camera_data import CITY, load_sqlite, point_in
from bench.harness import Context, Row, Target, measure, ms, with_ratios
from survey import vocab
from survey.extensions import db
from survey.signage import recompute_all, recompute_near

CASE = "signage after a sign decision"
# One decision reads the few cameras within reach: it must cost under 1% of measuring all 20,000 (quick
# size; at the full 100,000 the full pass takes five times longer and the decision no longer).
RATIO = Target("ratio", 0.01, "< 1% of the full recompute")
ONE = Target("value", 20.0, "median < 20 ms")
OPERATORS = ("Transport for London", "Westminster City Council", "Tesco", "Network Rail", None)


def load_signs(url: str, count: int, seed: int = 5) -> list[tuple[float, float]]:
    """Active signs spread over the city, as rows of the signs table; their positions back."""
    rng = random.Random(seed)
    rows, positions = [], []
    for number in range(1, count + 1):
        lat, lon = point_in(CITY, rng)
        positions.append((lat, lon))
        rows.append(
            (number, lat, lon, rng.choice(OPERATORS), "Crime prevention", True, "active", "2025-01-01", "2025-01-01",
             1, "2026-01-01 12:00:00", "2026-01-01 12:00:00", 1)
        )  # fmt: skip
    conn = sqlite3.connect(make_url(url).database)
    with conn:
        conn.executemany(
            "INSERT INTO signs (id, lat, lon, operator, purpose, has_contact, status, first_seen, last_confirmed,"
            " sightings_count, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()
    return positions


def run(ctx: Context) -> list[Row]:
    cameras, signs = (20_000, 4_000) if ctx.quick else (100_000, 20_000)
    url = sqlite_url(ctx.workdir, "signage.db")
    app = migrated_app(url, Path(ctx.workdir) / "signage")
    load_sqlite(url, cameras)
    positions = cycle(load_signs(url, signs))
    reached = []

    def one_decision():
        # What approve_sign does after its own writes: re-measure around the sign, then (here) roll back.
        done = recompute_near([next(positions)])
        reached.append(done.considered)
        db.session.rollback()

    with app.app_context():
        first = recompute_all()  # the warm-up writes every class once; the timed runs re-measure them
        full = measure({"full": recompute_all}, runs=max(3, ctx.runs // 2), warmup=0)["full"]
        one = measure({"one": one_decision}, runs=ctx.runs * 20, warmup=5)["one"]
    dispose(app)
    mean_reach = sum(reached) / len(reached)
    rows = [
        Row(CASE, "full recompute", ms(full), note=f"{first.considered:,} public cameras, {signs:,} signs"),
        Row(
            CASE,
            "one sign decision",
            ms(one),
            baseline="full recompute",
            target=RATIO,
            note=f"{mean_reach:.1f} cameras within {vocab.SIGN_SEARCH_M:.0f} m on average",
        ),
        Row(CASE, "one sign decision, alone", ms(one), target=ONE, note="SQLite"),
    ]
    return with_ratios(rows)
