"""One camera for the public: its feature, its confirmation history by day and its public photos."""

import json
from collections import Counter

from sqlalchemy import func, select

from survey import vocab
from survey.errors import NotFound
from survey.extensions import db
from survey.models import Camera, Photo, Sighting
from survey.privacy import public_day
from survey.publish.columns import CAMERAS, feature_query, media_url
from survey.publish.filters import CameraFilter

MAX_PHOTOS = 20


def camera_feature(camera_id: int, base: str) -> dict:
    """The camera as a GeoJSON Feature with the same properties as in the downloads."""
    if not 0 < camera_id <= vocab.MAX_ID:
        raise NotFound("No camera with that id.")
    query = feature_query(CameraFilter(status="all"), base).where(CAMERAS.c.id == camera_id)
    text = db.session.scalar(query)
    if text is None:
        raise NotFound("No camera with that id.")
    return json.loads(text)


def public_camera(camera_id: int, base: str) -> dict:
    """The camera's Feature with `history` and `photos`: dates and counts, never who saw it."""
    feature = camera_feature(camera_id, base)
    feature["history"] = confirmation_history(camera_id)
    feature["photos"] = public_photos(camera_id, base)
    return feature


def confirmation_history(camera_id: int) -> list[dict]:
    """Approved sightings per day (the photo's day, else the day it was sent), oldest first."""
    query = select(func.coalesce(Sighting.captured_at, Sighting.submitted_at)).where(
        Sighting.camera_id == camera_id, Sighting.status == vocab.APPROVED
    )
    days = Counter(public_day(moment) for moment in db.session.scalars(query))
    return [{"date": day, "sightings": count} for day, count in sorted(days.items())]


def public_photos(camera_id: int, base: str) -> list[dict]:
    """URLs of the EXIF-free copies: the camera's chosen photo first, then approved sightings' photos."""
    chosen = select(Camera.photo_id).where(Camera.id == camera_id).scalar_subquery()
    query = (
        select(
            media_url(base, "display", Photo.display_sha256).label("photo_url"),
            media_url(base, "thumbs", Photo.thumb_sha256).label("thumbnail_url"),
        )
        .join(Sighting, Sighting.id == Photo.sighting_id)
        .where((Photo.id == chosen) | ((Sighting.camera_id == camera_id) & (Sighting.status == vocab.APPROVED)))
        .order_by((Photo.id == chosen).desc(), Photo.sighting_id, Photo.position)
        .limit(MAX_PHOTOS)
    )
    seen, photos = set(), []
    for row in db.session.execute(query):
        if row.photo_url not in seen:  # one picture may be shared by several sightings
            seen.add(row.photo_url)
            photos.append(dict(row._mapping))
    return photos
