"""Rebuild a photo's public copies from its private original: faces detected, or boxes given.

Uploads store plain copies and no blur record (detection is left out of the volunteer's request);
the copies are published only once a record exists (publish.photos). detect_pending() fills it in
when review first needs the photo, `flask photos reblur` does the same ahead of time or with a newer
model, and the moderator's blur tool (review.blur) rebuilds with the boxes they settled.

Each photo is its own transaction: the new files are written, the row names them and commits, and
only then do the old files go (unless another row still uses them). An interrupted run leaves every
photo either as it was or fully redone.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from PIL import Image
from sqlalchemy import or_, select

from survey import dataset_version
from survey.extensions import db
from survey.models import Photo
from survey.photos.blur import DEFAULT_THRESHOLD, GROW, MODEL_NAME, BlurRecord, detect
from survey.photos.exif import read_photo_meta
from survey.photos.images import ImageError, PublicCopies, make_public_copies
from survey.photos.plates import model_name
from survey.storage import photo_files


@dataclass
class ReblurReport:
    redone: list[int] = field(default_factory=list)  # photo ids
    faces: int = 0  # boxes blurred over the redone photos
    failed: list[tuple[int, str]] = field(default_factory=list)  # (photo id, why)


def photos_to_reblur(threshold: float = DEFAULT_THRESHOLD, everything: bool = False) -> list[int]:
    """Ids of photos not blurred with this model and threshold; a moderator's settled blur is kept."""
    query = select(Photo.id).where(Photo.blur_reviewed_at.is_(None)).order_by(Photo.id)
    if not everything:
        query = query.where(
            or_(
                Photo.blur_model.is_(None),
                Photo.blur_model != MODEL_NAME,
                Photo.blur_threshold != threshold,
                Photo.plate_model.is_(None),
                Photo.plate_model != model_name(),
            )
        )
    ids = list(db.session.scalars(query))
    db.session.rollback()
    return ids


def reblur_photos(threshold: float = DEFAULT_THRESHOLD, everything: bool = False) -> ReblurReport:
    """Redo the public copies of every photo photos_to_reblur() names; report what happened."""
    report = ReblurReport()
    for photo_id in photos_to_reblur(threshold, everything):
        try:
            report.faces += reblur_photo(photo_id, threshold)
            report.redone.append(photo_id)
        except (ImageError, FileNotFoundError) as exc:
            db.session.rollback()
            report.failed.append((photo_id, f"{type(exc).__name__}: {exc}"))
    return report


def reblur_photo(photo_id: int, threshold: float = DEFAULT_THRESHOLD) -> int:
    """Rebuild one photo's copies with detection at ``threshold``; return the number of faces blurred."""
    found: list[int] = [0]

    def settle(photo: Photo, copies: PublicCopies) -> bool:
        if photo.blur_reviewed_at is not None:
            return False  # a moderator settled it meanwhile: theirs stands
        _record(photo, copies.blur)
        found[0] = len(copies.blur.boxes)
        dataset_version.bump(db.session)  # the exports' photo links name the new copies
        return True

    replace_copies(photo_id, lambda original, meta: public_copies(original, meta, blur_threshold=threshold), settle)
    return found[0]


def detect_pending(photo_id: int, threshold: float = DEFAULT_THRESHOLD) -> None:
    """Detect faces and plates on a photo stored without a blur record, once: on its display copy, as stored.

    Nothing found: the stored copies are already the blurred ones and only the record is written.
    Something: the copies are rebuilt from the original with those boxes, grown as detection grows them.
    """
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.blur_model is not None:
        db.session.rollback()
        return
    display = photo_files.get_storage().read(photo.display_key)
    db.session.rollback()  # detection holds no transaction
    record = detect(Image.open(io.BytesIO(display)), threshold)
    boxes = record.boxes

    def settle(photo: Photo, copies: PublicCopies | None) -> bool:
        if photo.blur_model is not None:
            return False  # another request detected it first
        _record(photo, record)
        return True

    if not boxes:
        _settle_in_place(photo_id, settle)
        return
    grown = tuple(box.grown(GROW) for box in boxes)
    replace_copies(photo_id, lambda original, meta: public_copies(original, meta, blur_with=grown), settle)


def _record(photo: Photo, record: BlurRecord) -> None:
    photo.blur_model, photo.blur_threshold = record.model, record.threshold
    photo.plate_model, photo.plate_threshold = record.plate_model, record.plate_threshold
    photo.blur_boxes = [box.as_list() for box in record.boxes]


def public_copies(original: bytes, meta, **blur) -> PublicCopies:
    return make_public_copies(
        original, orientation=meta.orientation, max_pixels=current_app.config["MAX_IMAGE_PIXELS"], **blur
    )


def _settle_in_place(photo_id: int, settle: Callable) -> None:
    dataset_version.begin_change()
    photo = db.session.get(Photo, photo_id, populate_existing=True, with_for_update=True)
    if photo is not None and settle(photo, None):
        db.session.commit()
    else:
        db.session.rollback()


def replace_copies(photo_id: int, make: Callable, settle: Callable[[Photo, PublicCopies], bool]) -> bool:
    """Make new copies from the original and, if ``settle(photo, copies)`` agrees, make the row name them.

    ``settle`` runs in the write transaction with the row re-read: it records what was done (and may
    refuse, when someone else changed the photo meanwhile). Returns whether the copies were replaced.
    """
    store = photo_files.get_storage()
    photo = db.session.get(Photo, photo_id)
    if photo is None:  # its sighting was deleted meanwhile
        db.session.rollback()
        return False
    original = store.read(photo.original_key)
    db.session.rollback()  # the image work holds no transaction
    copies = make(original, read_photo_meta(original))
    display_sha, thumb_sha = photo_files.sha256(copies.display), photo_files.sha256(copies.thumbnail)
    new_keys = {
        photo_files.key_for(photo_files.DISPLAY, display_sha, "jpg"): copies.display,
        photo_files.key_for(photo_files.THUMB, thumb_sha, "jpg"): copies.thumbnail,
    }
    display_key, thumb_key = new_keys
    with store.lock():
        for key, data in new_keys.items():
            store.put(key, data)
        dataset_version.begin_change()
        # FOR UPDATE: on PostgreSQL a moderator's save committing between this read and our commit
        # would otherwise be overwritten by a reblur that settle() let through (SQLite's write lock
        # already serialises the two).
        photo = db.session.get(Photo, photo_id, populate_existing=True, with_for_update=True)
        replaced = photo is not None and settle(photo, copies)
        if not replaced:
            db.session.rollback()
            stale = set(new_keys)
        else:
            stale = {photo.display_key, photo.thumb_key} - set(new_keys)
            photo.display_key, photo.display_sha256 = display_key, display_sha
            photo.thumb_key, photo.thumb_sha256 = thumb_key, thumb_sha
            db.session.commit()
    _remove_unused(store, stale)
    return replaced


def _remove_unused(store, keys: set[str]) -> None:
    """Delete the replaced copies unless another photo (the same picture sent twice) still uses them."""
    if not keys:
        return
    with store.lock(exclusive=True):
        used = set()
        for column in (Photo.display_key, Photo.thumb_key):
            used.update(db.session.scalars(select(column).where(column.in_(keys))))
        db.session.rollback()
        for key in keys - used:
            store.delete(key)
