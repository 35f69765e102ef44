"""The approved signs for anyone: one sign's Feature, CSV rows, and streamed GeoJSON and CSV downloads.

Only the signs table, its photo's public copies and whether its camera is public are read: nothing
about the reports or who sent them. OpenStreetMap has no settled tag for these signs, so the OSM
export leaves them out.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from survey import dataset_version, vocab
from survey.errors import NotFound
from survey.extensions import db
from survey.geo import BBox, within
from survey.models import Camera, Photo, Sign
from survey.publish.downloads import (
    BATCH_ROWS,
    EMBEDDED_FORMULA,
    FORMAT_VERSION,
    Freshness,
    collection_members,
    public_base_url,
    spreadsheet_safe,
)
from survey.publish.filters import HIDDEN_STATUSES

# Every sign format publishes these, in this order, after the position.
SIGN_PROPERTIES = (
    "operator",
    "purpose",
    "has_contact",
    "camera_id",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "photo_url",
    "thumbnail_url",
    "url",
)
SIGN_CSV_COLUMNS = ("lat", "lon", "id", *SIGN_PROPERTIES)
SIGN_TEXT = ("operator", "purpose")  # what volunteers wrote: the cells a spreadsheet could run
FORMATS = {"geojson": "application/geo+json", "csv": "text/csv"}
FIXED_TO = aliased(Camera)


@dataclass(frozen=True)
class SignFilter:
    """The camera downloads' filters that fit signs: bbox, operator (exact, any case), status, updated_since."""

    bbox: BBox | None = None
    operator: str | None = None
    status: str = vocab.ACTIVE
    updated_since: datetime | None = None

    def clauses(self) -> list:
        c = Sign.__table__.c
        found = [c.status.not_in(HIDDEN_STATUSES) if self.status == vocab.ALL_PUBLIC else c.status == self.status]
        if self.bbox:
            found.append(within(c.lat, c.lon, self.bbox))
        if self.operator is not None:
            found.append(func.lower(c.operator) == self.operator.lower())
        if self.updated_since is not None:
            found.append(c.updated_at >= self.updated_since)
        return found

    def query_args(self) -> dict[str, str]:
        args = {}
        for item in dataclass_fields(self):
            value = getattr(self, item.name)
            if value is None or (item.name == "status" and value == vocab.ACTIVE):
                continue
            args[item.name] = value.as_text() if isinstance(value, BBox) else str(value)
        return args


def signs_filter(flt) -> SignFilter:
    """The camera filters (a CameraFilter) that fit signs: bbox, operator, status and updated_since; a maker or
    camera type says nothing about a sign."""
    return SignFilter(bbox=flt.bbox, operator=flt.operator, status=flt.status, updated_since=flt.updated_since)


def sign_query(flt: SignFilter) -> Select:
    """The public columns of the filtered signs, ordered by id, with whether the camera they name is public."""
    c = Sign.__table__.c
    return (
        select(
            c.id,
            c.lat,
            c.lon,
            c.operator,
            c.purpose,
            c.has_contact,
            c.camera_id,
            FIXED_TO.status.label("camera_status"),
            c.status,
            c.first_seen,
            c.last_confirmed,
            c.sightings_count,
            Photo.display_sha256,
            Photo.thumb_sha256,
        )
        .outerjoin(Photo, Photo.id == c.photo_id)
        .outerjoin(FIXED_TO, FIXED_TO.id == c.camera_id)
        .where(*flt.clauses())
        .order_by(c.id)
    )


def _day(value) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    return value[:10] if isinstance(value, str) else None


def sign_properties(row, base: str) -> dict:
    """A sign's public properties (SIGN_PROPERTIES) from a sign_query row."""
    photo = row.display_sha256
    return {
        "operator": row.operator,
        "purpose": row.purpose,
        "has_contact": row.has_contact,
        # A camera the public cannot see (withdrawn) is not named.
        "camera_id": row.camera_id if row.camera_status in vocab.PUBLIC_CAMERA_STATUSES else None,
        "status": row.status,
        "first_seen": _day(row.first_seen),
        "last_confirmed": _day(row.last_confirmed),
        "sightings_count": row.sightings_count,
        "photo_url": f"{base}media/display/{photo}.jpg" if photo else None,
        "thumbnail_url": f"{base}media/thumbs/{row.thumb_sha256}.jpg" if photo else None,
        "url": f"{base}api/v1/signs/{row.id}",
    }


def sign_rows(flt: SignFilter) -> list:
    """The filtered signs as sign_query rows, for sign_feature and sign_csv_row (an evidence pack's few)."""
    return list(db.session.execute(sign_query(flt)))


def sign_feature(row, base: str | None = None) -> dict:
    """One sign (a sign_query row) as an RFC 7946 Feature: [lon, lat] to 7 decimals, flat public properties."""
    base = base or public_base_url()
    point = {"type": "Point", "coordinates": [round(row.lon, 7), round(row.lat, 7)]}
    return {"type": "Feature", "id": row.id, "geometry": point, "properties": sign_properties(row, base)}


def sign_csv_row(row, base: str | None = None) -> list:
    """A sign as CSV cells in SIGN_CSV_COLUMNS order; text a spreadsheet would run is disarmed."""
    properties = sign_properties(row, base or public_base_url())
    if properties["has_contact"] is not None:
        properties["has_contact"] = "true" if properties["has_contact"] else "false"
    for name in SIGN_TEXT:
        properties[name] = spreadsheet_safe(properties[name])
    return [round(row.lat, 7), round(row.lon, 7), row.id, *(properties[name] for name in SIGN_PROPERTIES)]


def public_sign(sign_id: int, base: str) -> dict:
    """One public sign's Feature; 404 for an unknown or withdrawn one."""
    if not 0 < sign_id <= vocab.MAX_ID:
        raise NotFound("No sign with that id.")
    row = db.session.execute(sign_query(SignFilter(status=vocab.ALL_PUBLIC)).where(Sign.id == sign_id)).first()
    if row is None:
        raise NotFound("No sign with that id.")
    return sign_feature(row, base)


def _batches(engine, query: Select) -> Iterator[list]:
    with engine.connect() as conn:
        yield from conn.execution_options(yield_per=BATCH_ROWS).execute(query).partitions()


def stream_signs_geojson(flt: SignFilter, base: str) -> Iterator[str]:
    """The filtered signs as a FeatureCollection, in text chunks; numberReturned closes it."""
    head = json.dumps({"type": "FeatureCollection", **collection_members()})[:-1] + ',"features":['
    return _geojson_chunks(db.engine, sign_query(flt), head, base)


def _geojson_chunks(engine, query: Select, head: str, base: str) -> Iterator[str]:
    yield head
    count = 0
    for rows in _batches(engine, query):
        yield ("," if count else "") + "\n" + ",\n".join(json.dumps(sign_feature(r, base)) for r in rows)
        count += len(rows)
    yield f'\n],"numberReturned":{count}}}\n'


def stream_signs_csv(flt: SignFilter, base: str) -> Iterator[str]:
    """UTF-8 CSV with a header row, lat and lon first; a row with a formula after a separator is quoted whole."""
    return _csv_chunks(db.engine, sign_query(flt), base)


def _csv_chunks(engine, query: Select, base: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer, quoted = csv.writer(buffer), csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(SIGN_CSV_COLUMNS)
    yield buffer.getvalue()
    for rows in _batches(engine, query):
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            risky = any(isinstance(v, str) and EMBEDDED_FORMULA.search(v) for v in (row.operator, row.purpose))
            (quoted if risky else writer).writerow(sign_csv_row(row, base))
        yield buffer.getvalue()


STREAMS = {"geojson": stream_signs_geojson, "csv": stream_signs_csv}


def sign_freshness(fmt: str, flt: SignFilter, base: str) -> Freshness:
    """Validators from the data version, which every sign and camera decision bumps: one key read."""
    version = dataset_version.current(db.session)
    config = current_app.config
    parts = (
        FORMAT_VERSION,
        "signs",
        fmt,
        urlencode(sorted(flt.query_args().items())),
        base,
        version.token,
        config["DATA_LICENSE"],
        config["DATA_ATTRIBUTION"],
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return Freshness(f'W/"{digest}"', version.changed_at, version)
