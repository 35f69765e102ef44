"""An evidence pack for one operator: a PDF report, its cameras and signs as CSV and GeoJSON, their
public photos, a README with the licence, and a draft freedom-of-information request, in one zip.

Everything comes from the public views (survey.publish), so nothing in the pack says who saw a camera.
The operator is checked before anything is written: an unknown one is NotFound, never an empty pack.
"""

import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import case, func, select

from survey.errors import NotFound
from survey.extensions import db
from survey.findings import letters, pdf
from survey.publish import signs as publish_signs
from survey.publish.columns import CAMERAS, PHOTOS, row_query
from survey.publish.downloads import count_matching, stream_csv, stream_geojson
from survey.publish.filters import CameraFilter
from survey.publish.photos import AREAS
from survey.publish.signs import SignFilter
from survey.storage import photo_files

SPOOL_BYTES = 8 * 1024 * 1024  # a small pack stays in memory; a big one goes to a temporary file


@dataclass
class Pack:
    file: object  # a binary file positioned at its start
    filename: str
    cameras: int


def slug(text: str) -> str:
    """'Lambeth Council' -> 'lambeth-council', for file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "operator"


def check_operator(flt: CameraFilter) -> str:
    """The operator as most of its cameras spell it; NotFound when no public camera matching the filter names it."""
    if not count_matching(flt):
        raise NotFound(f"No public camera matching these filters names the operator {flt.operator!r}.")
    query = select(CAMERAS.c.operator).where(*flt.clauses()).group_by(CAMERAS.c.operator)
    return db.session.scalar(query.order_by(func.count().desc(), CAMERAS.c.operator).limit(1))


def camera_rows(flt: CameraFilter, base: str) -> list:
    """The public rows, plus the measured signage and the chosen photo's published copies.

    A public camera's chosen photo is published once blurred: survey.publish.photos.is_published's
    rule, asked here in the one query rather than twice per camera (a query each was most of the
    time of a pack of 1,000).
    """
    blurred = PHOTOS.c.blur_model.is_not(None)
    copies = [case((blurred, PHOTOS.c[f"{kind}_sha256"])).label(f"{kind}_sha256") for kind in ("display", "thumb")]
    query = row_query(flt, base).add_columns(CAMERAS.c.signage_class, CAMERAS.c.nearest_sign_m, *copies)
    return list(db.session.execute(query))


def published_copy(store, kind: str, digest: str | None) -> bytes | None:
    """A published, EXIF-free copy's bytes (`kind` as survey.publish.photos.AREAS names it), or None."""
    if digest is None:
        return None
    key = photo_files.key_for(AREAS[kind][0], digest, "jpg")
    return store.read(key) if store.exists(key) else None


def evidence_pack(flt: CameraFilter, base: str, with_report: bool = True) -> Pack:
    """The whole pack, written before the first byte is sent, so any failure is a clean error.

    with_report=False leaves the PDF out (the benchmark's floor: the same files without it)."""
    operator = check_operator(flt)
    made, store = datetime.now(UTC), photo_files.get_storage()
    signs = SignFilter(operator=operator)  # the public sign downloads' own filter, columns and writers
    rows, sign_rows = camera_rows(flt, base), publish_signs.sign_rows(signs)
    name = slug(operator)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it once sent)
    stamp = (made.year, made.month, made.day, 0, 0, 0)  # the day made, no time of day
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data, stored: bool = False) -> None:
            archive.writestr(_entry(f"{name}/{path}", stamp, stored), data)

        context = letters.PackContext(operator, base, made.date(), current_app.config, rows, sign_rows)
        add("README.txt", letters.readme_text(context))
        add("foi-request.txt", letters.foi_text(context))
        if with_report:
            thumbnail = lambda row: published_copy(store, "thumbs", row.thumb_sha256)  # noqa: E731
            add("report.pdf", pdf.evidence_pdf(context, thumbnail), stored=True)
        _stream(archive, f"{name}/cameras.csv", stamp, stream_csv(flt, base))
        _stream(archive, f"{name}/cameras.geojson", stamp, stream_geojson(flt, base))
        _stream(archive, f"{name}/signs.csv", stamp, publish_signs.stream_signs_csv(signs, base))
        _stream(archive, f"{name}/signs.geojson", stamp, publish_signs.stream_signs_geojson(signs, base))
        for row in rows:
            if (data := published_copy(store, "display", row.display_sha256)) is not None:
                add(f"photos/camera-{row.id}.jpg", data, stored=True)
    out.seek(0)
    return Pack(out, f"evidence-{name}.zip", len(rows))


def _entry(path: str, stamp: tuple, stored: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, stamp)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED  # JPEG and PDF are compressed already
    info.external_attr = 0o644 << 16  # readable when unzipped, as a download is
    return info


def _stream(archive: zipfile.ZipFile, path: str, stamp: tuple, chunks) -> None:
    """A download written into the zip chunk by chunk, as it streams from the database."""
    with archive.open(_entry(path, stamp), "w") as entry:
        for chunk in chunks:
            entry.write(chunk.encode())
