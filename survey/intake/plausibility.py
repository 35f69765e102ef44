"""Plausibility warnings that help a moderator spot a doubtful sighting."""

from datetime import timedelta

from sqlalchemy import select

from survey import vocab
from survey.extensions import db
from survey.geo import distance_m
from survey.models import Photo, Sighting, utcnow

MAX_ACCURACY_M = 50
MAX_SOURCE_GAP_M = 100
CLOCK_SKEW = timedelta(minutes=10)
MAX_AGE = timedelta(days=365)


def plausibility_warnings(sighting: Sighting, photo_hashes: list[str], capture: str | None = None) -> list[dict]:
    """Every warning that applies, as {code, values} (vocab.warning_message words it); `capture` is the
    page's camera or gallery, if sent."""
    found = [
        _accuracy(sighting),
        _source_gap(sighting),
        _not_from_photo(sighting, capture),
        _time(sighting),
        _duplicate(photo_hashes),
    ]
    return [w for w in found if w]


def _warning(code: str, **values) -> dict:
    return {"code": code, "values": values}


def _accuracy(s: Sighting):
    if s.accuracy_m is not None and s.accuracy_m > MAX_ACCURACY_M:
        return _warning(vocab.LOW_ACCURACY, accuracy_m=s.accuracy_m, limit_m=MAX_ACCURACY_M)
    return None


def _source_gap(s: Sighting):
    if None in (s.exif_lat, s.device_lat):
        return None
    gap = distance_m(s.exif_lat, s.exif_lon, s.device_lat, s.device_lon)
    if gap > MAX_SOURCE_GAP_M:
        return _warning(vocab.POSITION_MISMATCH, distance_m=round(gap, 1))
    return None


def _not_from_photo(s: Sighting, capture: str | None):
    # A photo picked from the gallery may be hours old and from elsewhere: the phone's position when
    # sending says nothing about where it was taken. A pin or the photo's own GPS does.
    if capture != "gallery" or s.location_source != vocab.DEVICE:
        return None
    return _warning(vocab.POSITION_NOT_FROM_PHOTO, heading=s.heading_source == vocab.DEVICE)


def _time(s: Sighting):
    if s.captured_at is None:
        return None
    now = utcnow()
    if s.captured_at > now + CLOCK_SKEW:
        return _warning(vocab.TIME_IN_FUTURE, ahead_s=round((s.captured_at - now).total_seconds()))
    if s.captured_at < now - MAX_AGE:
        return _warning(vocab.TIME_OLD, age_s=round((now - s.captured_at).total_seconds()))
    return None


def _duplicate(photo_hashes: list[str]):
    query = select(Photo.sighting_id).where(Photo.sha256.in_(photo_hashes)).limit(1)
    other = db.session.scalar(query)
    if other is not None:
        return _warning(vocab.DUPLICATE_PHOTO, sighting_id=other)
    return None
