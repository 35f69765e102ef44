"""The photo code under test, run in a child process that reports how far its own peak memory rose.

The fuzz tests send each case here through a one-process pool (spawned, so it starts small and owns
nothing of pytest's, Hypothesis's or another xdist worker's memory). bench/rss.py resets the child's
peak before the call and reads it after, so each case's figure is that call's own allocation.
"""

import warnings

from bench.rss import growth_mb, reset_peak
from survey.photos.exif import PhotoMeta, read_photo_meta
from survey.photos.images import ImageError, make_public_copies

warnings.simplefilter("ignore")  # Pillow narrates the damage it skips


def exif(data: bytes) -> tuple[PhotoMeta, float]:
    start = reset_peak()
    meta = read_photo_meta(data)
    return meta, growth_mb(start)


def image(data: bytes, max_pixels: int) -> tuple[tuple, float]:
    """("copies", display, thumbnail) or ("refused", status, message), and the peak growth in MB."""
    start = reset_peak()
    try:
        copies = make_public_copies(data, max_pixels=max_pixels)
        outcome = ("copies", copies.display, copies.thumbnail)
    except ImageError as exc:
        outcome = ("refused", exc.status, str(exc))
    return outcome, growth_mb(start)


def allocate(mb: int) -> float:
    """Touch mb megabytes, so the tests can see the meter would catch a case that does."""
    start = reset_peak()
    block = bytearray(b"\x01") * (mb << 20)
    del block
    return growth_mb(start)
