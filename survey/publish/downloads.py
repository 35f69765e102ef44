"""Streamed downloads of the confirmed cameras (GeoJSON, CSV, OSM XML), chunk by chunk.

Memory stays flat whatever the size: rows are read in batches from a streaming cursor and each batch
leaves as one text chunk. GeoJSON features are built by the database itself, which is several times
faster than making them in Python.
"""

import csv
import hashlib
import io
import itertools
import json
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app, has_request_context, request
from sqlalchemy import Connection, Select, func, select

from survey import dataset_version
from survey.extensions import db
from survey.models import Camera
from survey.publish import osm
from survey.publish.columns import PROPERTIES, csv_query, feature_query, row_query
from survey.publish.filters import CameraFilter

BATCH_ROWS = 2000
# Bump when the shape of any format changes, so caches let go of old copies.
FORMAT_VERSION = "1"
FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "osm": "application/xml",
}
CSV_COLUMNS = ("lat", "lon", "id", *PROPERTIES)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that splits on ; , tab or | (whichever the user's locale or choice says) sees a new cell
# after each: a formula start there runs too. Such a cell is quoted and gets a ' before the formula.
EMBEDDED_FORMULA = re.compile(r"([;,\t|][ ]*)(?=[=+\-@\t\r])")
# The text cells people or vocabularies fill; numbers, dates and our own URLs cannot hold a formula.
CSV_TEXT = tuple(
    CSV_COLUMNS.index(name)
    for name in ("manufacturer", "model", "camera_type", "mount", "surveillance_type", "zone", "operator", "signage")
)

Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class Freshness:
    etag: str
    last_modified: datetime | None
    version: dataset_version.Version


def public_base_url() -> str:
    """The site's root URL for links in exports: PUBLIC_URL, else the request's own root."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/") + "/"
    return request.url_root if has_request_context() else "http://localhost:5000/"


def freshness(fmt: str, flt: CameraFilter, base: str) -> Freshness:
    """Validators for a streamed download from the data version: one primary-key read at any size."""
    version = dataset_version.current(db.session)
    # Weak: the same data gzipped or not, and timeStamp changes with every response.
    return Freshness(f'W/"{download_tag(fmt, flt, base, version)}"', version.changed_at, version)


def download_tag(fmt: str, flt: CameraFilter, base: str, version: dataset_version.Version) -> str:
    """A digest of everything a download's bytes depend on: format, normalised query, links, data, licence."""
    config = current_app.config
    parts = (
        FORMAT_VERSION,
        fmt,
        urlencode(sorted(flt.query_args().items())),
        base,
        version.token,
        config["DATA_LICENSE"],
        config["DATA_ATTRIBUTION"],
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def collection_members(stamp: datetime | None = None) -> dict:
    """The FeatureCollection's foreign members: licence, attribution and when it was made."""
    config = current_app.config
    return {
        "license": config["DATA_LICENSE"],
        "attribution": config["DATA_ATTRIBUTION"],
        "timeStamp": (stamp or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


@contextmanager
def _connected(source) -> Iterator[Connection]:
    """The caller's connection (a snapshot reads every format in one transaction), else a new one."""
    if isinstance(source, Connection):
        yield source
        return
    with source.connect() as conn:
        yield conn


def _batches(engine, query: Select) -> Iterator[list]:
    """Rows in batches from a server-side (PostgreSQL) or lazily stepped (SQLite) cursor."""
    with _connected(engine) as conn:
        yield from conn.execute(query, execution_options={"yield_per": BATCH_ROWS}).partitions()


def _text_batches(engine, query: Select) -> Iterator[list[str]]:
    """First-column texts in batches, with no Row objects: they would cost a fifth of a big export."""
    with _connected(engine) as conn:
        if engine.dialect.name != "sqlite":
            yield from conn.execute(query, execution_options={"yield_per": BATCH_ROWS}).scalars().partitions()
            return
        # pysqlite steps its cursor lazily, so the plain cursor already streams: read it directly.
        cursor = conn.execute(query).cursor
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield [row[0] for row in rows]


def _plain_batches(engine, query: Select) -> Iterator[list]:
    """Rows in batches; on SQLite plain tuples read straight from the lazily stepped cursor.

    SQLAlchemy's Row objects and date conversions cost more than SQLite's own work on the wide
    CSV rows (bench/, case 2). PostgreSQL keeps the server-side cursor of _batches.
    """
    if engine.dialect.name != "sqlite":
        yield from _batches(engine, query)
        return
    with _connected(engine) as conn:
        cursor = conn.execute(query).cursor
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield rows


def stream_geojson(flt: CameraFilter, base: str, progress: Progress = None, *, conn=None, stamp=None) -> Iterator[str]:
    """An RFC 7946 FeatureCollection as text chunks; numberReturned closes it, once counted.

    `conn` reads in the caller's transaction, `stamp` fixes timeStamp (both for snapshots).
    """
    head = json.dumps({"type": "FeatureCollection", **collection_members(stamp)})[:-1] + ',"features":['
    return _geojson_chunks(conn or db.engine, feature_query(flt, base), head, progress)


def _geojson_chunks(engine, query: Select, head: str, progress: Progress) -> Iterator[str]:
    yield head
    count = 0
    for features in _text_batches(engine, query):
        yield ("," if count else "") + "\n" + ",\n".join(features)
        count += len(features)
        if progress:
            progress(len(features))
    yield f'\n],"numberReturned":{count}}}\n'


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).

    The CSV download has the database do this (camera_rows.csv_query); this is the rule it follows.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        value = "'" + value
    return disarm_embedded(value)


def disarm_embedded(value):
    """A ' before each formula start that follows a separator: "a;=cmd" becomes "a;'=cmd"."""
    return EMBEDDED_FORMULA.sub(r"\1'", value) if isinstance(value, str) else value


def _has_embedded_formula(row) -> bool:
    return any(isinstance(row[i], str) and EMBEDDED_FORMULA.search(row[i]) for i in CSV_TEXT)


def _batch_has_embedded_formula(rows) -> bool:
    """One search per text column of the batch: checking row by row doubled the CSV's Python time."""
    columns = list(zip(*rows))
    return bool(rows) and any(EMBEDDED_FORMULA.search("\x00".join(map(str, columns[i]))) for i in CSV_TEXT)


def stream_csv(flt: CameraFilter, base: str, progress: Progress = None, *, conn=None, stamp=None) -> Iterator[str]:
    """UTF-8 CSV with a header row; lat and lon come first."""
    return _csv_chunks(conn or db.engine, csv_query(flt, base, FORMULA_STARTS), progress)


def _csv_chunks(engine, query: Select, progress: Progress) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Rows with a formula after a separator are quoted whole, so no splitting makes a new cell of it.
    quoted = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for rows in _plain_batches(engine, query):
        buffer.seek(0)
        buffer.truncate()
        # csv_query put the columns in order and disarmed leading formulas.
        if not _batch_has_embedded_formula(rows):
            writer.writerows(rows)
        else:
            for row in rows:
                if _has_embedded_formula(row):
                    quoted.writerow([disarm_embedded(value) for value in row])
                else:
                    writer.writerow(row)
        yield buffer.getvalue()
        if progress:
            progress(len(rows))


def stream_osm(flt: CameraFilter, base: str, progress: Progress = None, *, conn=None, stamp=None) -> Iterator[str]:
    """OSM XML of new nodes for JOSM to review; nothing is ever uploaded from here."""
    return _osm_chunks(conn or db.engine, row_query(flt, base), progress)


def _osm_chunks(engine, query: Select, progress: Progress) -> Iterator[str]:
    yield osm.HEADER
    for rows in _batches(engine, query):
        yield "".join([osm.osm_node(row._mapping) for row in rows])
        if progress:
            progress(len(rows))
    yield osm.FOOTER


STREAMS = {"geojson": stream_geojson, "csv": stream_csv, "osm": stream_osm}


def count_matching(flt: CameraFilter) -> int:
    """How many cameras a filter selects (for progress bars and numberMatched)."""
    return db.session.scalar(select(func.count()).select_from(Camera.__table__).where(*flt.clauses()))


def started(chunks: Iterator[str]) -> Iterator[str]:
    """The stream with its query already run: its head and first batch (or its end) are read now.

    A database fault (a lock timeout, a server that stopped answering) is then a clean 503 before the
    first byte, never a 200 cut short.
    """
    first = list(itertools.islice(chunks, 2))
    return itertools.chain(first, chunks)


def gzipped(chunks: Iterator[str]) -> Iterator[bytes]:
    """Gzip a text stream on the fly. Level 1: big exports stay fast and JSON still shrinks ~8x."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    for chunk in chunks:
        if data := packer.compress(chunk.encode()):
            yield data
    yield packer.flush()
