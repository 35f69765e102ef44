"""Synthetic phone photos for the benchmarks: realistic texture and a full EXIF block."""

from __future__ import annotations

import io
import random
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational as Fraction

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
# Phones write kilobytes of opaque maker notes; variant() stamps a counter into these.
MAKER_NOTE = random.Random(7).randbytes(6000)


def texture(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """Street-like content: a sky gradient, blurred blocks with hard edges, sensor noise."""
    rng = random.Random(seed)
    small = (max(1, size[0] // 4), max(1, size[1] // 4))
    image = Image.linear_gradient("L").resize(small).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        w, h = rng.randrange(2, small[0] // 6), rng.randrange(2, small[1] // 6)
        draw.rectangle((x, y, x + w, y + h), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BILINEAR)
    noise = Image.effect_noise(size, 48).convert("RGB")
    return Image.blend(image, noise, 0.2)


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction(round((value - degrees - minutes / 60) * 3600 * 10000), 10000)
    return Fraction(degrees), Fraction(minutes), seconds


def phone_exif(lat: float, lon: float, *, orientation: int = 6, taken: datetime | None = None) -> Image.Exif:
    """The tags a phone camera writes: device, exposure, time with offset, full GPS block."""
    taken = taken or datetime.now(UTC) - timedelta(hours=2)
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif.update(
        {
            0x010F: "Google",
            0x0110: "Pixel 8",
            0x0112: orientation,
            0x0131: "HDR+ 1.0.6",
            0x0132: stamp,
            0x011A: Fraction(72),
            0x011B: Fraction(72),
            0x0128: 2,
            0x0213: 1,
        }
    )
    sub = exif.get_ifd(EXIF_IFD)
    sub.update(
        {
            0x829A: Fraction(1, 120),
            0x829D: Fraction(189, 100),
            0x8827: 54,
            0x9003: stamp,
            0x9004: stamp,
            0x9010: "+00:00",
            0x9011: "+00:00",
            0x9291: "123",
            0x920A: Fraction(690, 100),
            0xA405: 25,
            0xA002: 4000,
            0xA003: 3000,
            0x927C: MAKER_NOTE,
        }
    )
    gps = exif.get_ifd(GPS_IFD)
    gps.update(
        {
            0: b"\x02\x02\x00\x00",
            1: "N" if lat >= 0 else "S",
            2: _dms(lat),
            3: "E" if lon >= 0 else "W",
            4: _dms(lon),
            5: b"\x00",
            6: Fraction(4312, 100),
            7: (Fraction(taken.hour), Fraction(taken.minute), Fraction(taken.second)),
            16: "T",
            17: Fraction(21350, 100),
            27: b"ASCII\x00\x00\x00fused",
            29: taken.strftime("%Y:%m:%d"),
            31: Fraction(48, 10),
        }
    )
    return exif


def _with_thumbnail(exif_bytes: bytes, thumbnail: bytes) -> bytes:
    """Append IFD1 with an embedded JPEG thumbnail, as phones do (Pillow writes IFD0 only)."""
    tiff = bytearray(exif_bytes[6:])
    endian = "<" if tiff[:2] == b"II" else ">"
    ifd0 = struct.unpack_from(endian + "I", tiff, 4)[0]
    count = struct.unpack_from(endian + "H", tiff, ifd0)[0]
    ifd1 = len(tiff) + (len(tiff) & 1)
    tiff += b"\x00" * (ifd1 - len(tiff))
    struct.pack_into(endian + "I", tiff, ifd0 + 2 + 12 * count, ifd1)
    data_at = ifd1 + 2 + 3 * 12 + 4
    tiff += struct.pack(endian + "H", 3)
    for tag, kind, value in ((0x0103, 3, 6), (0x0201, 4, data_at), (0x0202, 4, len(thumbnail))):
        tiff += struct.pack(endian + "HHI", tag, kind, 1) + struct.pack(
            endian + ("HH" if kind == 3 else "I"), *((value, 0) if kind == 3 else (value,))
        )
    tiff += struct.pack(endian + "I", 0) + thumbnail
    return b"Exif\x00\x00" + bytes(tiff)


def phone_jpeg(
    size: tuple[int, int] = (4000, 3000),
    *,
    lat: float = 51.5033,
    lon: float = -0.1196,
    orientation: int = 6,
    quality: int = 90,
    seed: int = 1,
    image: Image.Image | None = None,
    qtables: dict | None = None,
) -> bytes:
    """A JPEG the way a phone writes one: full EXIF with GPS and an embedded thumbnail."""
    image = image or texture(size, seed)
    thumb = io.BytesIO()
    image.resize((160, 120)).save(thumb, "JPEG", quality=80)
    exif = _with_thumbnail(phone_exif(lat, lon, orientation=orientation).tobytes(), thumb.getvalue())
    out = io.BytesIO()
    quantization = {"qtables": qtables} if qtables else {"quality": quality}
    image.save(out, "JPEG", exif=exif, subsampling=2, **quantization)
    return out.getvalue()


def variant(data: bytes, number: int) -> bytes:
    """The same photo with a different content hash: a counter written into the maker note."""
    at = data.index(MAKER_NOTE[:32])
    return data[:at] + number.to_bytes(8, "big") + data[at + 8 :]


# A real photo's entropy-coded data has 4x the 0xFF bytes of the synthetic texture (6-8 per 1,000
# bytes against 1.6), and scrubbing, hashing and decoding all pay per byte of it.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "photos"
CORPUS_SOURCE = "apple-iphone6plus-north-west-below-sea-level-large.jpg"  # 2448x3264, 4:2:0, a phone's tables


def corpus_jpeg(size: tuple[int, int] = (4000, 3000)) -> bytes | None:
    """A 12 MP phone JPEG made of a corpus photo's own pixels, read in place; None without the corpus.

    The 8 MP photo and its mirror image side by side fill 4000x3000 at native resolution (scaling
    would smooth the detail away), encoded with that phone's own quantisation tables and with
    phone_jpeg's EXIF (orientation 6, GPS, maker note): only the picture differs from the synthetic.
    """
    source = CORPUS / CORPUS_SOURCE
    if not source.is_file():
        return None
    with Image.open(source) as picture:
        tables = picture.quantization
        rgb = picture.convert("RGB")
    width = min(rgb.width, size[0])
    canvas = Image.new("RGB", size)
    canvas.paste(rgb.crop((0, 0, width, size[1])), (0, 0))
    mirrored = rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT).crop((0, 0, size[0] - width, size[1]))
    canvas.paste(mirrored, (width, 0))
    return phone_jpeg(size, image=canvas, qtables=tables)


def ff_per_mille(data: bytes) -> float:
    return data.count(b"\xff") * 1000 / len(data)
