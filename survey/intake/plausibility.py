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
    """Every warning that applies, as {code, message}; `capture` is the page's camera or gallery, if sent."""
    found = [
        _accuracy(sighting),
        _source_gap(sighting),
        _not_from_photo(sighting, capture),
        _time(sighting),
        _duplicate(photo_hashes),
    ]
    return [w for w in found if w]


def _warning(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def _accuracy(s: Sighting):
    if s.accuracy_m is not None and s.accuracy_m > MAX_ACCURACY_M:
        return _warning("low_accuracy", f"Position accuracy is {s.accuracy_m:.0f} m (worse than {MAX_ACCURACY_M} m).")
    return None


def _source_gap(s: Sighting):
    if None in (s.exif_lat, s.device_lat):
        return None
    gap = distance_m(s.exif_lat, s.exif_lon, s.device_lat, s.device_lon)
    if gap > MAX_SOURCE_GAP_M:
        return _warning("position_mismatch", f"Photo and device positions are {gap:.0f} m apart.")
    return None


def _not_from_photo(s: Sighting, capture: str | None):
    # A photo picked from the gallery may be hours old and from elsewhere: the phone's position when
    # sending says nothing about where it was taken. A pin or the photo's own GPS does.
    if capture != "gallery" or s.location_source != vocab.DEVICE:
        return None
    heading = " and heading" if s.heading_source == vocab.DEVICE else ""
    return _warning(
        "position_not_from_photo",
        f"Photo picked from the gallery: the position{heading} is the phone's when sending, "
        "not necessarily where the photo was taken.",
    )


def _time(s: Sighting):
    if s.captured_at is None:
        return None
    now = utcnow()
    if s.captured_at > now + CLOCK_SKEW:
        return _warning("time_in_future", "The photo's time is in the future.")
    if s.captured_at < now - MAX_AGE:
        return _warning("time_old", "The photo was taken more than a year ago.")
    return None


def _duplicate(photo_hashes: list[str]):
    query = select(Photo.sighting_id).where(Photo.sha256.in_(photo_hashes)).limit(1)
    other = db.session.scalar(query)
    if other is not None:
        return _warning("duplicate_photo", f"The same photo was already sent with sighting {other}.")
    return None
