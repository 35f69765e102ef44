"""Fallback EXIF readers for files exifread cannot handle.

Every reader here returns the same shape as the primary reader in
``survey.photos.exif``: ``{(ifd, tag_id): cleaned value}``, where ``ifd`` is one of
IFD0, EXIF or GPS and the value went through ``clean()``. None of them
decodes pixel data.
"""

from __future__ import annotations

import functools
import io

from PIL import Image

IFD0, EXIF, GPS = "IFD0", "EXIF", "GPS"
EXIF_POINTER, GPS_POINTER = 0x8769, 0x8825

# Containers whose Pillow plugin reads EXIF without decoding the image.
# PNG is left out on purpose: PngImageFile.getexif() decodes the whole image
# when the eXIf chunk comes after IDAT; read_by_scan() covers PNG instead.
_PILLOW_FORMATS = ("JPEG", "MPO", "WEBP", "TIFF", "HEIF", "AVIF")

# A TIFF header with the "Exif\0\0" prefix (JPEG APP1, HEIF Exif item), then
# a bare TIFF header whose first IFD is at offset 8 (PNG eXIf, WebP EXIF); each with the bytes to
# skip to reach the header itself. scrub.py looks for the same ones.
TIFF_HEADERS = (
    (b"Exif\x00\x00II*\x00", 6),
    (b"Exif\x00\x00MM\x00*", 6),
    (b"II*\x00\x08\x00\x00\x00", 0),
    (b"MM\x00*\x00\x00\x00\x08", 0),
)
_MAX_EXIF_BYTES = 1 << 20


def clean(value: object) -> str | tuple[float | None, ...]:
    """Reduce a tag value from exifread or Pillow to a str or a flat tuple.

    Numbers become floats; a rational with a zero denominator becomes None
    (exifread's own builtin_types would turn 0/0 into 0, inventing data).
    """
    if isinstance(value, str):
        return value.split("\x00", 1)[0].strip()
    if isinstance(value, (bytes, bytearray)):
        return tuple(float(b) for b in value)
    if isinstance(value, (list, tuple)):
        return tuple(x for item in value for x in _flat(item))
    return (_number(value),)


def _flat(item: object) -> tuple[float | None, ...]:
    """Flatten one element of a multi-valued tag (exifread wraps floats in tuples)."""
    if isinstance(item, (list, tuple)):
        return tuple(_number(x) for x in item)
    return (_number(item),)


def _number(value: object) -> float | None:
    """A float for ints, floats and rationals; None for x/0 or non-numbers."""
    denominator = getattr(value, "denominator", None)
    if denominator is not None and not isinstance(value, (int, float)):
        if denominator == 0:
            return None
        return value.numerator / denominator
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def tags_from_pillow(exif: Image.Exif) -> dict[tuple[str, int], object]:
    """Flatten a Pillow Exif object (IFD0, EXIF IFD, GPS IFD) into the common shape."""
    tags: dict[tuple[str, int], object] = {}
    for ifd, pointer in ((IFD0, None), (EXIF, EXIF_POINTER), (GPS, GPS_POINTER)):
        try:
            items = exif.items() if pointer is None else exif.get_ifd(pointer).items()
            for tag, value in items:
                tags[(ifd, tag)] = clean(value)
        except Exception:  # one broken sub-IFD must not hide the others
            continue
    return tags


@functools.cache
def _register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF (AVIF is native in Pillow 11.2+)."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def read_with_pillow(data: bytes) -> dict[tuple[str, int], object]:
    """EXIF through Pillow's container parsers (WebP without 'Exif' prefix, odd HEIF)."""
    _register_heif()
    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
        return tags_from_pillow(image.getexif())


def read_by_scan(data: bytes) -> dict[tuple[str, int], object]:
    """Find a TIFF header anywhere in the bytes and parse the IFDs after it.

    Last resort for truncated or unrecognised containers, EXIF appended at
    the end of a file, and PNG eXIf chunks.
    """
    for marker, skip in TIFF_HEADERS:
        start = data.find(marker)
        if start < 0:
            continue
        start += skip
        exif = Image.Exif()
        try:
            exif.load(data[start : start + _MAX_EXIF_BYTES])
        except Exception:
            continue
        tags = tags_from_pillow(exif)
        if tags:
            return tags
    return {}
