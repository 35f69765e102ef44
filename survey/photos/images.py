"""Turn an uploaded photo into metadata-free public JPEG copies.

Pure: bytes in, bytes out.  The format is decided from the content (never the
file name), the pixel count is checked before any pixels are decoded, and every
failure a hostile or damaged upload can cause becomes an ``ImageError``.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pillow_heif
from PIL import Image

from survey.errors import SurveyError
from survey.photos.blur import BlurRecord, Box, blur_boxes, detect_and_blur

pillow_heif.register_heif_opener()
# Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; Pillow's docs give
# this filter to make its decompression-bomb guard raise instead.  The size check
# below also treats MAX_IMAGE_PIXELS as a hard cap, so the outcome never depends
# on the warning filters in force (pytest, for one, resets them).
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

# The media type of each format sniff_format() tells apart. "heif" covers HEVC-coded brands (heic, heix,
# hevc, ...) and the generic mif1/msf1 ones, whose images need not be HEVC: image/heif (ISO/IEC 23008-12
# Annex C) fits every one of them, image/heic only the HEVC-coded stills.
FORMATS = {
    "jpeg": "image/jpeg",
    "heif": "image/heif",
    "avif": "image/avif",
    "webp": "image/webp",
    "png": "image/png",
    "tiff": "image/tiff",
}

_PILLOW_FORMAT = {
    "jpeg": "JPEG",
    "heif": "HEIF",
    "avif": "AVIF",
    "webp": "WEBP",
    "png": "PNG",
    "tiff": "TIFF",
}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_GENERIC_HEIF_BRANDS = {b"mif1", b"msf1"}

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# One full-size decode per process at a time: a threaded worker's requests share its memory, so the
# budget of one request would otherwise be multiplied by its threads. What follows (faces, encoding)
# works on the display copy and runs outside it.
_DECODE_SLOT = threading.Lock()
_CODEC_COPIES = {"heif": 2, "avif": 2, "webp": 4}
# The modes Image.reduce works on; "1", "P" and 16-bit grey must be converted first.
_REDUCIBLE_MODES = {"L", "LA", "La", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "I", "F"}
_WIDE_GREY_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
# A DCT-scaled JPEG decode may land this far below display_px (a 4000 or 4032 px
# phone photo halves to 2000/2016 px): a full decode plus resample would cost
# 2-4x as much for about 2% more pixels per side.
_DCT_SHORTFALL = 1 / 32
# The thumbnail is a box reduce of the display with little or no BICUBIC after it:
# 2.3 ms instead of 12.7 ms for a 2000 px display (bench/), and still 45 dB PSNR
# against a LANCZOS thumbnail, which no eye tells apart at 400 px.
_THUMB_REDUCING_GAP = 1.0


class ImageError(SurveyError):
    """An upload that cannot be published; ``str(exc)`` is shown to the volunteer."""

    status, name = 422, "Unprocessable Entity"
    code_name = "image_invalid"
    message: str = "This image could not be processed. Please try another photo."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or type(self).message)


class UnsupportedImage(ImageError):
    status, name = 415, "Unsupported Media Type"
    code_name = "unsupported_media_type"
    message = "This file is not a photo format we accept. Please upload a JPEG, HEIC, AVIF, WebP, PNG or TIFF image."


class ImageTooLarge(ImageError):
    status, name = 413, "Request Entity Too Large"  # werkzeug's name for 413, so every 413 reads the same
    code_name = "image_too_large"
    message = (
        "This image has too many pixels to process safely. Please upload a "
        "smaller version (most phones can share a reduced size)."
    )


class OverBudget(ImageTooLarge):
    code_name = "image_over_budget"
    message = (
        "These photos would take too much memory to process at once. Please send fewer photos "
        "with this sighting, or smaller versions of them."
    )


class CorruptImage(ImageError):
    code_name = "image_corrupt"
    message = (
        "This image file is damaged or incomplete (perhaps the upload was cut "
        "off). Please upload it again, or export it again from your phone."
    )


@dataclass(frozen=True)
class PublicCopies:
    """Bare baseline JPEGs; width/height are the original's after orientation."""

    display: bytes
    thumbnail: bytes
    width: int
    height: int
    display_size: tuple[int, int]
    blur: BlurRecord | None = None  # None: made without face detection


def sniff_format(data: bytes) -> str:
    """Return the FORMATS key for ``data`` judged by its magic bytes."""
    head = bytes(data[:64])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in _TIFF_MAGICS:
        return "tiff"
    fmt = _isobmff_format(data)
    if fmt is None:
        raise UnsupportedImage()
    return fmt


def _isobmff_format(data: bytes) -> str | None:
    """Tell HEIC from AVIF by the brands of a leading ``ftyp`` box."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    end = min(int.from_bytes(data[:4], "big"), len(data), 4096)
    brands = [bytes(data[8:12])]  # major brand first, then the compatible ones
    brands += [bytes(data[i : i + 4]) for i in range(16, end - 3, 4)]
    for brand in brands:
        if brand in _AVIF_BRANDS:
            return "avif"
        if brand in _HEIF_BRANDS:
            return "heif"
    if _GENERIC_HEIF_BRANDS.intersection(brands):
        return "heif"
    return None


def decode_cost(data: bytes, *, max_pixels: int = 60_000_000, display_px: int = 2048) -> int:
    """Bytes of memory that decoding ``data`` for its copies takes at its peak, read from headers only.

    The pixel limit is checked on the way (ImageTooLarge); a damaged header is a CorruptImage.
    """
    fmt = sniff_format(data)
    with _decoder_errors():
        im = _open_checked(data, fmt, max_pixels)
        width, height = im.size
        if fmt == "jpeg":
            width, height = _draft_size(im.size, display_px)
        return width * height * _peak_bytes_per_pixel(im.mode, fmt)


def _peak_bytes_per_pixel(mode: str, fmt: str) -> int:
    """Pillow holds 1, 2 or 4 bytes a pixel; a mode that cannot be box-reduced is converted first."""
    held = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    if mode not in _REDUCIBLE_MODES:
        held += 4  # the full-size conversion (to RGBA or F) before the reduce
    if mode in ("LA", "RGBA"):
        held *= 2  # Image.reduce premultiplies alpha in a full-size copy
    # The codec's own buffers, measured (bench/budget.py): libheif and libavif decode into one that
    # Pillow then copies; Pillow's WebP decoder keeps an RGBA canvas and a copy of it besides.
    return held * _CODEC_COPIES.get(fmt, 1)


def make_public_copies(
    data: bytes,
    *,
    orientation: int | None = None,
    max_pixels: int = 60_000_000,
    max_decode_bytes: int | None = None,
    display_px: int = 2048,
    thumb_px: int = 400,
    quality: int = 85,
    blur_threshold: float | None = None,
    blur_with: tuple[Box, ...] | None = None,
) -> PublicCopies:
    """Decode ``data`` and return oriented, metadata-free display and thumbnail JPEGs.

    ``orientation`` is the EXIF orientation the caller already read; it is
    ignored for HEIF/AVIF, whose container rotation the decoders handle.
    JPEG displays may be up to 1/32 short of ``display_px`` (see _DCT_SHORTFALL).
    ``Image.MAX_IMAGE_PIXELS`` (Pillow's guard, 89 MP by default) caps max_pixels.
    With ``blur_threshold``, faces found on the display copy are blurred in it, and so in the
    thumbnail made from it; ``PublicCopies.blur`` records what was done.
    With ``blur_with`` instead, exactly those boxes are blurred (a moderator's, or ones detected before).
    ``max_decode_bytes`` bounds the memory decoding may take (see decode_cost); beyond it, OverBudget.
    """
    if min(max_pixels, display_px, thumb_px) < 1 or not 1 <= quality <= 100:
        raise ValueError("max_pixels, display_px and thumb_px must be >= 1, quality 1-100")
    fmt = sniff_format(data)
    if max_decode_bytes is not None:
        check_budget(decode_cost(data, max_pixels=max_pixels, display_px=display_px), max_decode_bytes)
    with _DECODE_SLOT, _decoder_errors():
        im = _open_checked(data, fmt, max_pixels)
        original_size = im.size
        if fmt == "jpeg":
            _draft_jpeg(im, display_px)
        im.load()
        turn = _orientation(im, fmt, orientation)
        # Shrink before any conversion, so a big PNG or HEIC is held at full size only once.
        im = _reduce_early(im, display_px)
        display = _resize(_to_rgb(im), display_px)
        if turn in _TRANSPOSE:
            display = display.transpose(_TRANSPOSE[turn])
        width, height = original_size[::-1] if turn >= 5 else original_size
    # Outside the decoder guard: a failing detector is a server fault, not a damaged photo.
    record = None
    if blur_threshold is not None:
        display, record = detect_and_blur(display, blur_threshold)
    elif blur_with is not None:
        display = blur_boxes(display, blur_with, grow=1.0)
    with _decoder_errors():
        thumbnail = _resize(display, thumb_px, reducing_gap=_THUMB_REDUCING_GAP)
        return PublicCopies(
            display=_encode(display, quality),
            thumbnail=_encode(thumbnail, quality),
            width=width,
            height=height,
            display_size=display.size,
            blur=record,
        )


@contextmanager
def _decoder_errors() -> Iterator[None]:
    """Translate whatever Pillow and its codecs raise into ImageError subclasses."""
    try:
        yield
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge() from exc
    except MemoryError as exc:
        raise ImageTooLarge() from exc
    # Hostile input reaches many code paths (plugins, libjpeg, libheif, libavif,
    # libtiff) that raise many types; none may escape as a server error.
    except Exception as exc:
        raise CorruptImage() from exc


def _open_checked(data: bytes, fmt: str, max_pixels: int) -> Image.Image:
    """Open lazily (headers only) with the sniffed plugin and enforce the pixel limit."""
    im = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[fmt]])
    width, height = im.size
    if width < 1 or height < 1:
        raise CorruptImage()
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    if width * height > limit:
        raise ImageTooLarge(
            f"This image is {width}×{height} pixels ({width * height / 1e6:.0f} "
            f"megapixels); the limit is {limit / 1e6:g} megapixels. Please "
            "upload a smaller version (most phones can share a reduced size)."
        )
    return im


def check_budget(cost: int, budget: int) -> None:
    """OverBudget, saying how far over, when ``cost`` bytes of decoding exceed ``budget``."""
    if cost > budget:
        raise OverBudget(
            f"Processing this would take {cost / 2**20:.0f} MB of memory; the limit is {budget / 2**20:.0f} MB. "
            "Please send fewer photos with this sighting, or smaller versions of them."
        )


def _draft_size(size: tuple[int, int], display_px: int) -> tuple[int, int]:
    """The size libjpeg decodes at after _draft_jpeg: 1/8, 1/4 or 1/2 scale if that still fills the display."""
    width, height = size
    for scale in (8, 4, 2):
        scaled_long_side = -(-max(width, height) // scale)
        if scaled_long_side >= display_px * (1 - _DCT_SHORTFALL):
            return -(-width // scale), -(-height // scale)
    return size


def _draft_jpeg(im: Image.Image, display_px: int) -> None:
    """Have libjpeg decode at a DCT scale that still fills the display."""
    if (scaled := _draft_size(im.size, display_px)) != im.size:
        im.draft("RGB", scaled)


def _reduce_early(im: Image.Image, display_px: int) -> Image.Image:
    """A box reduce by a whole factor that keeps the long side at or above display_px; frees the full size."""
    factor = max(im.size) // display_px
    if factor < 2:
        return im
    if im.mode not in _REDUCIBLE_MODES:
        im = im.convert("F" if im.mode.startswith("I;16") else "RGBA" if im.has_transparency_data else "RGB")
    small = im.reduce(factor)
    small.info = im.info  # the transparency key and the like, which _to_rgb reads
    return small


def _orientation(im: Image.Image, fmt: str, given: int | None) -> int:
    """EXIF orientation 1-8 to apply; anything unusable means 1."""
    if fmt in ("heif", "avif"):
        # libheif already rotated HEIF pixels (pillow_heif then reports 1);
        # Pillow's AVIF plugin reports the container's irot/imir via getexif.
        given = None
    if given is None:
        try:
            given = im.getexif().get(_ORIENTATION_TAG)
        except Exception:  # broken EXIF must not sink otherwise good pixels
            return 1
    if isinstance(given, int) and given in _TRANSPOSE:
        return given
    return 1


def _to_rgb(im: Image.Image) -> Image.Image:
    """Convert any decoded mode to 8-bit RGB, flattening transparency onto white."""
    if im.mode == "RGB":
        return im
    if im.mode in _WIDE_GREY_MODES:
        im = _stretch_to_grey(im)
    if im.has_transparency_data:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", im.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _stretch_to_grey(im: Image.Image) -> Image.Image:
    """Map 16-bit, 32-bit or float grey onto 0-255 using the image's own range.

    Clipping would turn e.g. radiometric thermal TIFFs (values ~8000) pure white.
    """
    im = im.convert("F")
    low, high = im.getextrema()
    scale = 255 / (high - low) if high > low else 0
    grey = im.point(lambda v: (v - low) * scale).convert("L")
    grey.info.pop("transparency", None)  # a 16-bit tRNS value means nothing now
    return grey


def _resize(im: Image.Image, long_side: int, reducing_gap: float = 2.0) -> Image.Image:
    """Shrink so the long side is at most ``long_side``; never enlarge."""
    width, height = im.size
    if max(width, height) <= long_side:
        return im
    if width >= height:
        size = (long_side, max(1, round(height * long_side / width)))
    else:
        size = (max(1, round(width * long_side / height)), long_side)
    # reducing_gap does a cheap integer box reduce first on big ratios (the
    # thumbnail); BICUBIC on the rest is close to LANCZOS and ~1/3 faster.
    return im.resize(size, Image.Resampling.BICUBIC, reducing_gap=reducing_gap)


def _encode(im: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with nothing but pixels: no EXIF, XMP, ICC or comment."""
    im.info = {}  # the JPEG encoder would otherwise copy e.g. a COM comment
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()
