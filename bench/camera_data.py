"""Millions of synthetic cameras, bulk-loaded into SQLite (executemany) or PostgreSQL (COPY)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import psycopg
from sqlalchemy.engine import make_url

# (min_lat, min_lon, max_lat, max_lon): about Greater London, and about Great Britain.
CITY = (51.30, -0.50, 51.70, 0.30)
COUNTRY = (50.0, -5.5, 58.5, 1.7)
COLUMNS = (
    "id",
    "lat",
    "lon",
    "direction",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "created_at",
    "updated_at",
    "version",
    "manufacturer",
    "model",
    "camera_type",
    "mount",
    "surveillance_type",
    "zone",
    "operator",
    "signage",
)
_MAKERS = ("Hikvision", "Dahua", "Axis", "Hanwha", "Bosch", None)
_OPERATORS = ("Transport for London", "Westminster City Council", "Tesco", "Network Rail", None)


def point_in(area: tuple[float, float, float, float], rng: random.Random) -> tuple[float, float]:
    min_lat, min_lon, max_lat, max_lon = area
    return rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)


def camera_rows(count: int, seed: int = 42, active_share: float = 0.9, first_id: int = 1) -> Iterator[tuple]:
    """Half the cameras in the city, half over the country; most active, some removed."""
    rng = random.Random(seed + first_id)
    day0, moment = date(2024, 1, 1), datetime(2026, 1, 1, 12, 0, 0)
    for number in range(first_id, first_id + count):
        lat, lon = point_in(CITY if number % 2 else COUNTRY, rng)
        first = day0 + timedelta(days=rng.randrange(600))
        yield (
            number,
            round(lat, 7),
            round(lon, 7),
            float(rng.randrange(360)),
            "active" if rng.random() < active_share else "removed",
            first.isoformat(),
            (first + timedelta(days=rng.randrange(90))).isoformat(),
            rng.randrange(1, 6),
            rng.randrange(1, 4),
            str(moment),
            str(moment + timedelta(seconds=number)),
            1,
            rng.choice(_MAKERS),
            None,
            rng.choice(("dome", "fixed", "panning")),
            rng.choice(("wall", "pole", "street_lamp")),
            "camera",
            rng.choice(("town", "traffic", "shop")),
            rng.choice(_OPERATORS),
            rng.choice(("yes", "no", None)),
        )


def _batches(rows: Iterator[tuple], size: int = 50_000) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_sqlite(
    url: str,
    count: int,
    table: str = "cameras",
    rows: Iterator[tuple] | None = None,
    columns: tuple[str, ...] = COLUMNS,
) -> None:
    """Insert without indexes, then build them once (sorting beats a million random inserts)."""
    conn = sqlite3.connect(make_url(url).database)
    conn.execute("PRAGMA synchronous=OFF")
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL", (table,)
        )
    ]
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL", (table,)
    ).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    with conn:
        for batch in _batches(rows or camera_rows(count)):
            conn.executemany(insert, batch)
    for sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load_postgres(
    url: str,
    count: int,
    table: str = "cameras",
    rows: Iterator[tuple] | None = None,
    columns: tuple[str, ...] = COLUMNS,
) -> None:
    """COPY into the table without its plain indexes (constraints stay), then rebuild them and ANALYZE."""
    with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (table,),
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows or camera_rows(count):
                copy.write_row(row)
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # As autovacuum would have by the time anyone reads: statistics, and the visibility map
        # that lets index-only scans skip the heap.
        conn.execute(f"VACUUM ANALYZE {table}")
