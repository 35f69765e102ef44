"""Public photo copies: which EXIF-free display and thumbnail copies are published, and their bytes.

A copy is public while it belongs to an approved sighting or is the chosen photo of a published camera.
Originals are evidence and never public: only the two copy areas are reachable from here.
"""

import re

from sqlalchemy import or_, select

from survey import vocab
from survey.errors import NotFound
from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from survey.storage import photo_files

# A copy's public name is its content hash, so no stored name or volunteer text reaches a URL.
NAME = re.compile(r"[0-9a-f]{64}\.jpg")
AREAS = {"display": (photo_files.DISPLAY, Photo.display_sha256), "thumbs": (photo_files.THUMB, Photo.thumb_sha256)}


def is_published(kind: str, digest: str) -> bool:
    """True when a copy belongs to a camera's chosen photo or to an approved sighting."""
    column = AREAS[kind][1]
    chosen = select(Camera.id).where(Camera.photo_id == Photo.id, Camera.status.in_(vocab.PUBLIC_CAMERA_STATUSES))
    query = (
        select(Photo.id)
        .join(Sighting, Sighting.id == Photo.sighting_id)
        .where(column == digest, or_(Sighting.status == vocab.APPROVED, chosen.exists()))
        .where(Photo.blur_model.is_not(None))  # copies made before faces were blurred wait for `photos reblur`
        .limit(1)
    )
    return db.session.scalar(query) is not None


def public_photo(kind: str, name: str) -> bytes:
    """The bytes of a published copy, or NotFound for anything else (pending, rejected, unknown)."""
    if kind not in AREAS or not NAME.fullmatch(name):
        raise NotFound("No such photo.")
    digest = name[:-4]
    store = photo_files.get_storage()
    key = photo_files.key_for(AREAS[kind][0], digest, "jpg")
    if not is_published(kind, digest) or not store.exists(key):
        raise NotFound("No such photo.")
    return store.read(key)
