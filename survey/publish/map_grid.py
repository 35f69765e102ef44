"""The map's cluster grid: camera (or sign) counts per cell, counted by the database and kept until the
table changes.

Cells halve at each zoom (survey.publish.map_data.cell_degrees), so a cell at zoom z is exactly the
union of cells at BASE_ZOOM: one GROUP BY over the whole table at BASE_ZOOM gives every coarser zoom
by merging, and a world view then costs a walk over a few cached rows instead of a scan of every
camera. Above BASE_ZOOM a view is small enough for the database to count its own box each time.

The cache is per process and keyed by the table and the filters; it is dropped when the table's newest
id or newest `updated_at` moves (two index lookups per request). Cameras and signs are never deleted,
and every change to one bumps its `updated_at`.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import Float, Integer, Table, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from survey.extensions import db
from survey.geo import BBox
from survey.publish.columns import CAMERAS

BASE_ZOOM = 12
CELL_DEGREES_AT_ZOOM_0 = 90.0  # 64 px of a 256 px tile
MAX_ENTRIES = 16  # filter combinations kept per process
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()

Cells = dict[tuple[int, int], list]  # (row, col) -> [count, sum of lat, sum of lon]


def cell_degrees(zoom: int) -> float:
    return CELL_DEGREES_AT_ZOOM_0 / 2**zoom


class cell_index(FunctionElement):
    """floor(value) as an integer, for a value that is never negative, on either database."""

    type = Integer()
    inherit_cache = True


@compiles(cell_index)
def _cell_sqlite(element, compiler, **kw):
    # SQLite may be built without floor(); truncation is the floor of a non-negative number.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(cell_index, "postgresql")
def _cell_postgresql(element, compiler, **kw):
    # PostgreSQL's CAST rounds, so floor first.
    return f"CAST(floor({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def count_cells(clauses: list, zoom: int, rows: Table = CAMERAS) -> Cells:
    """Count, sum of lat and sum of lon per occupied cell of the rows (cameras, or signs) matching `clauses`."""
    table = rows.c
    # A constant, not a bind parameter: PostgreSQL must see the GROUP BY expressions as the selected ones.
    cell = literal_column(repr(cell_degrees(zoom)), Float)
    row = cell_index((table.lat + 90) / cell).label("cell_row")
    col = cell_index((table.lon + 180) / cell).label("cell_col")
    query = select(row, col, func.count(), func.sum(table.lat), func.sum(table.lon)).where(*clauses).group_by(row, col)
    return {(r, c): [n, lat, lon] for r, c, n, lat, lon in db.session.execute(query)}


def merged(cells: Cells, shift: int) -> Cells:
    """The same cameras on the grid `shift` zooms coarser."""
    out: Cells = {}
    for (row, col), (n, lat, lon) in cells.items():
        into = out.setdefault((row >> shift, col >> shift), [0, 0.0, 0.0])
        into[0] += n
        into[1] += lat
        into[2] += lon
    return out


class Grid:
    """The base cells of one filter, and each coarser zoom's cells by row, made when first asked for."""

    def __init__(self, base: Cells):
        self.base = base
        self.levels: dict[int, dict[int, list]] = {}

    def level(self, zoom: int) -> dict[int, list]:
        if zoom not in self.levels:
            rows: dict[int, list] = {}
            for (row, col), value in merged(self.base, BASE_ZOOM - zoom).items():
                rows.setdefault(row, []).append((col, *value))
            self.levels[zoom] = rows
        return self.levels[zoom]

    def in_box(self, box: BBox, zoom: int) -> Cells:
        """The cells the box touches (whole cells: the page asks for boxes on cell edges)."""
        cell, rows = cell_degrees(zoom), self.level(zoom)
        spans = [(int((west + 180) // cell), int((east + 180) // cell)) for west, east in box.lon_ranges()]
        found: Cells = {}
        for row in range(int((box.min_lat + 90) // cell), int((box.max_lat + 90) // cell) + 1):
            for col, n, lat, lon in rows.get(row, ()):
                if any(first <= col <= last for first, last in spans):
                    found[(row, col)] = [n, lat, lon]
        return found


def stamp(rows: Table = CAMERAS) -> tuple:
    """Changes whenever a row of the table is added or changed; two index lookups."""
    newest_id = select(func.max(rows.c.id)).scalar_subquery()
    newest_change = select(func.max(rows.c.updated_at)).scalar_subquery()
    return tuple(db.session.execute(select(newest_id, newest_change)).one())


def remembered(key: Hashable, compute: Callable[[], object], stale_s: float = 0, rows: Table = CAMERAS):
    """compute(), or its value kept from an earlier call while the table has not changed (or for
    `stale_s` seconds after it did, for what may lag a little but costs a scan)."""
    # One process may serve several databases (tests).
    key, current = (str(db.engine.url), rows.name, key), stamp(rows)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and (hit[0] == current or time.monotonic() - hit[1] < stale_s):
            _cache.move_to_end(key)
            return hit[2]
    value = compute()
    with _lock:
        _cache[key] = (current, time.monotonic(), value)
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return value


def clusters(box: BBox, zoom: int, boxed: list, unboxed: list, key: Hashable, rows: Table = CAMERAS) -> list[dict]:
    """{lat, lon, count} per occupied cell in the box: `boxed` and `unboxed` are the filter's SQL
    conditions with and without the box, `key` names the filter for the cache."""
    if zoom > BASE_ZOOM:
        cells = count_cells(boxed, zoom, rows)
    else:
        grid = remembered(("grid", key), lambda: Grid(count_cells(unboxed, BASE_ZOOM, rows)), rows=rows)
        cells = grid.in_box(box, zoom)
    return [
        {"lat": round(lat / n, 6), "lon": round(lon / n, 6), "count": n}
        for (_, _), (n, lat, lon) in sorted(cells.items())
    ]
