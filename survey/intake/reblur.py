"""Rebuild the public copies of stored photos with today's face blur (`flask photos reblur`).

Photos stored before faces were blurred, or blurred by another model or threshold, get new
display and thumbnail files made from their private original; the old files go once no row
uses them. Each photo is its own transaction: an interrupted run leaves every photo either
as it was or fully redone, and running again carries on.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import or_, select

from survey import dataset_version
from survey.database import begin_write
from survey.extensions import db
from survey.intake.submit import blur_columns
from survey.models import Photo
from survey.photos.blur import DEFAULT_THRESHOLD, MODEL_NAME
from survey.photos.exif import read_photo_meta
from survey.photos.images import ImageError, make_public_copies
from survey.storage import photo_files


@dataclass
class ReblurReport:
    redone: list[int] = field(default_factory=list)  # photo ids
    faces: int = 0  # boxes blurred over the redone photos
    failed: list[tuple[int, str]] = field(default_factory=list)  # (photo id, why)


def photos_to_reblur(threshold: float = DEFAULT_THRESHOLD, everything: bool = False) -> list[int]:
    """Ids of photos whose public copies were not blurred with this model and threshold."""
    query = select(Photo.id).order_by(Photo.id)
    if not everything:
        query = query.where(
            or_(Photo.blur_model.is_(None), Photo.blur_model != MODEL_NAME, Photo.blur_threshold != threshold)
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
    """Rebuild one photo's public copies from its original; return the number of faces blurred."""
    store = photo_files.get_storage()
    photo = db.session.get(Photo, photo_id)
    if photo is None:  # its sighting was deleted since the list was made
        db.session.rollback()
        return 0
    original = store.read(photo.original_key)
    db.session.rollback()  # the image work holds no transaction
    copies = make_public_copies(
        original,
        orientation=read_photo_meta(original).orientation,
        max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
        blur_threshold=threshold,
    )
    display_sha, thumb_sha = photo_files.sha256(copies.display), photo_files.sha256(copies.thumbnail)
    display_key = photo_files.key_for(photo_files.DISPLAY, display_sha, "jpg")
    thumb_key = photo_files.key_for(photo_files.THUMB, thumb_sha, "jpg")
    with store.lock():
        store.put(display_key, copies.display)
        store.put(thumb_key, copies.thumbnail)
        begin_write()
        photo = db.session.get(Photo, photo_id)
        old_keys = {photo.display_key, photo.thumb_key} - {display_key, thumb_key}
        photo.display_key, photo.display_sha256 = display_key, display_sha
        photo.thumb_key, photo.thumb_sha256 = thumb_key, thumb_sha
        for name, value in blur_columns(copies).items():
            setattr(photo, name, value)
        dataset_version.bump(db.session)  # the exports' photo links name the new copies
        db.session.commit()
    _remove_unused(store, old_keys)
    return len(copies.blur.boxes)


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
