"""Reconcile the photo store with the database: orphans, missing files, wrong hashes.

An upload writes its files first and commits its row second, so a crash in between leaves
files that no row references; a lost disk or a bad restore leaves rows whose files are gone.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from survey.extensions import db
from survey.models import Photo
from survey.storage import photo_files

# An upload in flight has written its files but not yet committed its row: a repair must not
# take them. Files younger than this are reported but left alone.
DEFAULT_MIN_AGE_S = 3600


@dataclass
class StorageReport:
    unreferenced: list[str] = field(default_factory=list)  # files no row points to
    missing: list[tuple[int, str]] = field(default_factory=list)  # (photo id, key) with no file
    corrupt: list[tuple[int, str]] = field(default_factory=list)  # (photo id, key) whose hash differs
    temporaries: list[str] = field(default_factory=list)  # half-written files from a crash
    removed: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def clean(self) -> bool:
        return not (self.unreferenced or self.missing or self.corrupt or self.temporaries)


def referenced_files() -> dict[str, tuple[int, str | None]]:
    """Every key a photo row points to, with (photo id, expected sha256 or None)."""
    rows = db.session.execute(
        select(
            Photo.id,
            Photo.original_key,
            Photo.display_key,
            Photo.display_sha256,
            Photo.thumb_key,
            Photo.thumb_sha256,
        )
    )
    keys: dict[str, tuple[int, str | None]] = {}
    for photo_id, original, display, display_sha, thumb, thumb_sha in rows:
        # An original's name is its content hash; the copies' hashes are stored too.
        keys[original] = (photo_id, None)
        keys[display] = (photo_id, display_sha)
        keys[thumb] = (photo_id, thumb_sha)
    return keys


def check_storage(repair: bool = False, min_age_s: float = DEFAULT_MIN_AGE_S) -> StorageReport:
    """Compare rows and files; with repair, delete old unreferenced files and temporaries."""
    store, report = photo_files.get_storage(), StorageReport()
    wanted = referenced_files()
    db.session.rollback()
    present = set(store.keys())
    for key, (photo_id, expected) in sorted(wanted.items()):
        if key not in present:
            report.missing.append((photo_id, key))
            continue
        report.checked += 1
        if store.digest(key) != (expected or photo_files.digest_in_key(key)):
            report.corrupt.append((photo_id, key))
    report.unreferenced = sorted(present - set(wanted))
    report.temporaries = list(store.temporaries())
    if repair:
        _remove_old(store, report, min_age_s)
    return report


def _remove_old(store, report: StorageReport, min_age_s: float) -> None:
    cutoff = time.time() - min_age_s
    for key in report.unreferenced + report.temporaries:
        if store.modified_at(key) <= cutoff:
            store.delete(key)
            report.removed.append(key)
