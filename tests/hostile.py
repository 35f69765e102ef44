"""Hypothesis strategies for hostile photos: real corpus files, mutated where parsers are weakest.

Used by tests/photos/test_fuzz.py (a few hundred cases) and bench/fuzz.py (10,000 and more).
"""

import json
import math
import struct
from pathlib import Path

from hypothesis import strategies as st

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "photos"
HEAD = 65536  # EXIF, ICC and the frame header all live near the start of a file
GPS_TAGS = list(range(32))
POINTERS = [0x8769, 0x8825, 0xA005, 0x927C, 0x0112, 0x010F, 0x0110, 0x9003, 0x9011]


def corpus_files(max_bytes: int | None = None) -> list[tuple[str, bytes]]:
    entries = json.loads((CORPUS / "truth.json").read_text())
    files = [(e["file"], (CORPUS / e["file"]).read_bytes()) for e in entries]
    return [(n, d) for n, d in files if max_bytes is None or len(d) <= max_bytes]


def _flip(draw, data: bytearray) -> bytearray:
    if data:
        position = draw(st.integers(0, min(len(data), HEAD) - 1))
        data[position] = draw(st.integers(0, 255))
    return data


def _truncate(draw, data: bytearray) -> bytearray:
    return data[: draw(st.integers(0, len(data)))]


def _garbage(draw, data: bytearray) -> bytearray:
    start = draw(st.integers(0, min(len(data), HEAD)))
    junk = draw(st.binary(min_size=1, max_size=512))
    return data[:start] + junk + data[start + draw(st.integers(0, len(junk))) :]


def _segment(draw, data: bytearray) -> bytearray:
    """A JPEG segment after SOI whose length field may lie about its size."""
    marker = draw(st.sampled_from([0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xFE, 0xDB, 0xC4, 0xC0, 0xDD]))
    payload = draw(st.binary(max_size=2048))
    length = draw(st.one_of(st.just(len(payload) + 2), st.integers(0, 0xFFFF)))
    return data[:2] + bytes((0xFF, marker)) + struct.pack(">H", length) + payload + data[2:]


def _hostile_exif(draw, data: bytearray) -> bytearray:
    """An APP1 Exif segment whose IFDs point anywhere, with counts up to 2**32 - 1."""
    order = draw(st.sampled_from(["<", ">"]))
    entries = draw(
        st.lists(
            st.tuples(
                st.sampled_from(GPS_TAGS + POINTERS),
                st.integers(0, 13),
                st.one_of(st.integers(0, 64), st.just(0xFFFFFFFF), st.integers(0, 2**32 - 1)),
                st.integers(0, 2**32 - 1),
            ),
            max_size=12,
        )
    )
    ifd = struct.pack(order + "H", len(entries))
    ifd += b"".join(struct.pack(order + "HHII", *entry) for entry in entries)
    ifd += struct.pack(order + "I", draw(st.integers(0, 2**32 - 1)))
    tiff = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8) + ifd
    tiff += draw(st.binary(max_size=256))
    body = b"Exif\x00\x00" + tiff
    return data[:2] + b"\xff\xe1" + struct.pack(">H", min(len(body) + 2, 0xFFFF)) + body + data[2:]


def _huge_frame(draw, data: bytearray) -> bytearray:
    """Claim enormous (or zero) dimensions in the first JPEG frame header."""
    at = data.find(b"\xff\xc0")
    if at < 0 or at + 9 > len(data):
        at = data.find(b"\xff\xc2")
    if at >= 0 and at + 9 <= len(data):
        data[at + 5 : at + 9] = struct.pack(">HH", draw(st.integers(0, 0xFFFF)), draw(st.integers(0, 0xFFFF)))
    return data


def _splice(draw, data: bytearray) -> bytearray:
    if len(data) < 2:
        return data
    start = draw(st.integers(0, len(data) - 1))
    piece = data[start : start + draw(st.integers(1, 4096))]
    at = draw(st.integers(0, len(data)))
    return data[:at] + piece * draw(st.integers(1, 8)) + data[at:]


MUTATIONS = [_flip, _flip, _truncate, _garbage, _segment, _hostile_exif, _huge_frame, _splice]


@st.composite
def hostile_photos(draw, files: list[tuple[str, bytes]]) -> bytes:
    """A corpus photo with one to four mutations, or (rarely) pure garbage."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=4096))
    _, original = draw(st.sampled_from(files))
    data = bytearray(original)
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutate(draw, data)
    return bytes(data)


def valid_position(meta) -> bool:
    """Either a real position in range, or cleanly none."""
    if meta.lat is None or meta.lon is None:
        return meta.lat is None and meta.lon is None
    return (
        all(isinstance(v, float) and math.isfinite(v) for v in (meta.lat, meta.lon))
        and -90 <= meta.lat <= 90
        and -180 <= meta.lon <= 180
        and (meta.lat, meta.lon) != (0.0, 0.0)
    )


# Highly compressed images near the pixel limit, in the modes that cost most to decode: PNG's colour
# type and bit depth for each. A flat image compresses about 1000:1, so 240 MB of pixels fit in 233 KB.
BOMB_SHAPES = [
    ("RGBA", 6, 8, (8944, 6706)),  # 59.98 MP: the hostile afternoon's file
    ("RGB", 2, 8, (8944, 6706)),
    ("L", 0, 8, (8944, 6706)),
    ("P", 3, 8, (8944, 6706)),
    ("I;16", 0, 16, (8944, 6706)),
    ("LA", 4, 8, (8944, 6706)),
    ("RGBA", 6, 8, (6000, 4000)),  # 24 MP: within the budget, decoded and reduced
    ("RGB", 2, 8, (7746, 7746)),  # 60.0 MP and a bit: over the pixel limit
]
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(colour_type: int, depth: int, size: tuple[int, int]) -> bytes:
    """A valid flat PNG of `size`, compressed row by row so it never exists uncompressed."""
    import zlib

    width, height = size
    row = b"\x00" + b"\x00" * (width * _CHANNELS[colour_type] * depth // 8)  # filter byte, then pixels
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0))]
    if colour_type == 3:
        chunks.append(_chunk(b"PLTE", bytes(range(256)) * 3))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def bomb_files() -> list[tuple[str, bytes]]:
    return [(f"{mode}-{w}x{h}.png", bomb_png(kind, depth, (w, h))) for mode, kind, depth, (w, h) in BOMB_SHAPES]


@st.composite
def pixel_bombs(draw, files: list[tuple[str, bytes]]) -> bytes:
    """A pixel bomb as made, or with its header or stream damaged."""
    _, original = draw(st.sampled_from(files))
    data = bytearray(original)
    if draw(st.booleans()):
        data = draw(st.sampled_from([_flip, _truncate, _garbage]))(draw, data)
    return bytes(data)
