"""Read position, heading, capture time and orientation from a photo's EXIF.

Pure: bytes in, values out. exifread is the primary reader; Pillow's parser
and a byte scan (survey.photos.exif_fallback) take over where exifread fails or
misses a sub-IFD. Nothing here raises: bad input gives an empty PhotoMeta.
"""

from __future__ import annotations

import io
import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import exifread

from survey.photos.exif_fallback import (
    EXIF,
    EXIF_POINTER,
    GPS,
    GPS_POINTER,
    IFD0,
    clean,
    read_by_scan,
    read_with_pillow,
)

# exifread logs every odd tag of a damaged or hostile file as a warning; we handle those ourselves.
logging.getLogger("exifread").setLevel(logging.ERROR)

# EXIF / GPS tag ids used below.
LAT_REF, LAT, LON_REF, LON, ALT_REF, ALT, GPS_TIME = 1, 2, 3, 4, 5, 6, 7
DIR_REF, DIRECTION, GPS_DATE, H_POSITIONING_ERROR = 16, 17, 29, 31
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL, SUBSEC_TIME_ORIGINAL = 0x9003, 0x9011, 0x9291

_EXIFREAD_IFDS = {"Image": IFD0, "EXIF": EXIF, "GPS": GPS}
_MAX_TEXT = 200
_BYTE_VALUES = frozenset(range(256))  # 65.0 in it, 65.5 / None / nan not
_DATETIME = re.compile(
    r"(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)"
    r"(?:[.,](\d+))?\s*(Z|[+-]\d\d:?\d\d)?"
)
_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)")
_DATE = re.compile(r"(\d{4})[:-](\d\d)[:-](\d\d)")


@dataclass(frozen=True)
class PhotoMeta:
    """What a photo says about where, when and which way it was taken."""

    lat: float | None = None  # signed decimal degrees, S negative
    lon: float | None = None  # W negative
    altitude_m: float | None = None  # GPSAltitudeRef 1 => negative
    accuracy_m: float | None = None  # GPSHPositioningError
    heading: float | None = None  # GPSImgDirection, 0 <= h < 360
    heading_ref: str | None = None  # 'T' (true) or 'M' (magnetic)
    taken_at: datetime | None = None  # aware UTC, only when UTC is known
    taken_at_source: str | None = None  # 'exif_offset' or 'gps'
    taken_at_local: datetime | None = None  # naive DateTimeOriginal
    orientation: int = 1  # EXIF Orientation 1..8
    make: str | None = None
    model: str | None = None

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


def read_photo_meta(data: bytes) -> PhotoMeta:
    """Parse EXIF from image bytes (JPEG, HEIC/HEIF, AVIF, WebP, PNG, TIFF)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return PhotoMeta()
    try:
        return _build(_read_tags(bytes(data)))
    except Exception:
        return PhotoMeta()


def _read_tags(data: bytes) -> dict[tuple[str, int], object]:
    """Tags from exifread, else Pillow, else a byte scan; fill sub-IFDs exifread lost."""
    tags = _attempt(_read_with_exifread, data)
    if not tags:
        return _attempt(read_with_pillow, data) or _attempt(read_by_scan, data)
    if _lost_sub_ifd(tags):
        for key, value in _attempt(read_with_pillow, data).items():
            tags.setdefault(key, value)
    return tags


def _attempt(reader, data: bytes) -> dict[tuple[str, int], object]:
    try:
        return reader(data)
    except Exception:  # exifread raises IndexError, AssertionError, ... on bad files
        return {}


def _read_with_exifread(data: bytes) -> dict[tuple[str, int], object]:
    # Not builtin_types=True: it turns 0/0 rationals into 0 and would invent positions.
    raw = exifread.process_file(io.BytesIO(data), details=False, extract_thumbnail=False)
    tags: dict[tuple[str, int], object] = {}
    for name, tag in raw.items():
        ifd = _EXIFREAD_IFDS.get(name.split(" ", 1)[0])
        if ifd is not None and hasattr(tag, "values"):
            tags[(ifd, tag.tag)] = clean(tag.values)
    return tags


def _lost_sub_ifd(tags: dict[tuple[str, int], object]) -> bool:
    """IFD0 points at a GPS or EXIF IFD of which exifread returned nothing."""
    found = {ifd for ifd, _ in tags}
    return ((IFD0, GPS_POINTER) in tags and GPS not in found) or ((IFD0, EXIF_POINTER) in tags and EXIF not in found)


def _build(tags: dict[tuple[str, int], object]) -> PhotoMeta:
    ifd0, exif, gps = ({t: v for (i, t), v in tags.items() if i == n} for n in (IFD0, EXIF, GPS))
    lat = _guard(_coordinate, gps.get(LAT), gps.get(LAT_REF), "N", "S", 90.0)
    lon = _guard(_coordinate, gps.get(LON), gps.get(LON_REF), "E", "W", 180.0)
    # Phones without a fix write 0,0 (and altitude 0): that is no fix, not a place.
    no_fix = lat == 0.0 and lon == 0.0
    if no_fix or lat is None or lon is None:
        lat = lon = None
    heading, heading_ref = _guard(_heading, gps) or (None, None)
    taken_at, source, local = _guard(_taken_at, exif, gps) or (None, None, None)
    return PhotoMeta(
        lat=lat,
        lon=lon,
        altitude_m=None if no_fix else _guard(_altitude, gps),
        accuracy_m=None if no_fix else _guard(_accuracy, gps),
        heading=heading,
        heading_ref=heading_ref,
        taken_at=taken_at,
        taken_at_source=source,
        taken_at_local=local,
        orientation=_guard(_orientation, ifd0) or 1,
        make=_guard(_text, ifd0.get(MAKE)),
        model=_guard(_text, ifd0.get(MODEL)),
    )


def _guard(fn, *args):
    """Run one field's parser; a failure there loses only that field."""
    try:
        return fn(*args)
    except Exception:
        return None


def _coordinate(value, ref, positive: str, negative: str, limit: float) -> float | None:
    """Degrees/minutes/seconds plus hemisphere ref to signed degrees, or None."""
    ref = (_text(ref) or "").upper()
    if ref not in (positive, negative) or not isinstance(value, tuple):
        return None
    if not 1 <= len(value) <= 3 or not all(_finite(v) and v >= 0 for v in value):
        return None
    degrees = sum(part / scale for part, scale in zip(value, (1, 60, 3600)))
    if not degrees <= limit:
        return None
    return -degrees if ref == negative and degrees else degrees


def _altitude(gps: dict) -> float | None:
    altitude = _scalar(gps.get(ALT))
    ref = _scalar(gps.get(ALT_REF)) if ALT_REF in gps else 0.0  # absent ref: above sea level
    if altitude is None or ref not in (0.0, 1.0):
        return None
    return -altitude + 0.0 if ref == 1.0 else altitude  # + 0.0 turns -0.0 into 0.0


def _accuracy(gps: dict) -> float | None:
    error = _scalar(gps.get(H_POSITIONING_ERROR))
    # 0 m is not a real fix quality; it is what writers put when they have none.
    return error if error is not None and error > 0 else None


def _heading(gps: dict) -> tuple[float | None, str | None]:
    value = _scalar(gps.get(DIRECTION))
    if value is None:
        return None, None
    ref = (_text(gps.get(DIR_REF)) or "").upper()
    heading = value % 360.0
    # A tiny negative value gives exactly 360.0 after the modulo.
    return (0.0 if heading >= 360.0 else heading), (ref if ref in ("T", "M") else None)


def _taken_at(exif: dict, gps: dict) -> tuple[datetime | None, str | None, datetime | None]:
    """(UTC time, its source, local wall-clock time), preferring DateTimeOriginal+offset."""
    local, inline_offset = _local_time(exif)
    offset = _guard(_offset, _text(exif.get(OFFSET_TIME_ORIGINAL))) or inline_offset
    if local is not None and offset is not None:
        return local.replace(tzinfo=offset).astimezone(UTC), "exif_offset", local
    gps_time = _guard(_gps_time, gps)
    if gps_time is not None:
        return gps_time, "gps", local
    return None, None, local


def _local_time(exif: dict) -> tuple[datetime | None, timezone | None]:
    """Naive DateTimeOriginal (with sub-seconds) and any offset written inline."""
    match = _DATETIME.fullmatch(_text(exif.get(DATETIME_ORIGINAL)) or "")
    if match is None:
        return None, None
    *fields, fraction, inline = match.groups()
    fraction = fraction or re.sub(r"\D", "", _text(exif.get(SUBSEC_TIME_ORIGINAL)) or "")
    try:  # '0000:00:00 00:00:00' and other junk fail here
        local = datetime(*map(int, fields), int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:
        return None, None
    return local, _guard(_offset, inline)


def _offset(text: str | None) -> timezone | None:
    """'+05:30', '-0400' or 'Z' to a timezone; None for blanks or nonsense."""
    if text == "Z":
        return UTC
    match = _OFFSET.fullmatch(text or "")
    if match is None or int(match[2]) > 14 or int(match[3]) >= 60:
        return None
    minutes = int(match[2]) * 60 + int(match[3])
    return timezone(timedelta(minutes=-minutes if match[1] == "-" else minutes))


def _gps_time(gps: dict) -> datetime | None:
    """GPSDateStamp + GPSTimeStamp, which are UTC by definition."""
    date = _DATE.fullmatch(_text(gps.get(GPS_DATE)) or "")
    hms = gps.get(GPS_TIME)
    if date is None or not isinstance(hms, tuple) or len(hms) != 3:
        return None
    hour, minute, second = hms
    if not all(_finite(v) and v >= 0 for v in hms) or hour >= 24 or minute >= 60 or second >= 61:
        return None
    day = datetime(*map(int, date.groups()), tzinfo=UTC)  # ValueError for 0000:00:00
    return day + timedelta(hours=hour, minutes=minute, seconds=second)


def _orientation(ifd0: dict) -> int:
    value = _scalar(ifd0.get(ORIENTATION))
    return int(value) if value in (1, 2, 3, 4, 5, 6, 7, 8) else 1


def _scalar(value) -> float | None:
    """The first number of a cleaned tag value, if finite (digit strings accepted)."""
    if isinstance(value, str):
        value = (float(value),) if re.fullmatch(r"\d+(\.\d+)?", value) else ()
    first = value[0] if isinstance(value, tuple) and value else None
    return first if _finite(first) else None


def _text(value) -> str | None:
    """A cleaned tag value as text: ASCII as is, BYTE/UNDEFINED decoded as Latin-1."""
    if isinstance(value, tuple) and all(v in _BYTE_VALUES for v in value):
        value = bytes(int(v) for v in value).split(b"\x00", 1)[0].decode("latin-1")
    if not isinstance(value, str):
        return None
    return value.strip()[:_MAX_TEXT] or None


def _finite(value) -> bool:
    return isinstance(value, float) and math.isfinite(value)
