"""Public photos: the EXIF-free display and thumbnail copies of published pictures. Originals never."""

import re

from flask import Blueprint, Response
from sqlalchemy import or_, select

from survey import vocab
from survey.errors import NotFound
from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from survey.storage import photo_files

blp = Blueprint("media", __name__)

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


@blp.route("/media/<kind>/<name>")
def photo_copy(kind, name):
    """A published photo copy, e.g. /media/display/<sha256>.jpg."""
    response = Response(public_photo(kind, name), mimetype="image/jpeg")
    # The name is the content's hash, so the bytes never change; a day lets an unpublished photo go.
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(name[:-4])
    return response
