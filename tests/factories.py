"""Real image files made with Pillow: textured, with a full EXIF block when asked."""

import io
import random
import uuid
from fractions import Fraction

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def _dms(value: float) -> tuple:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction(round((value - degrees - minutes / 60) * 3600 * 10000), 10000)
    return (Fraction(degrees), Fraction(minutes), seconds)


def textured(size=(800, 600), seed=1) -> Image.Image:
    """A picture with edges and gradients, so JPEG sizes and timings are realistic."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + rng.randrange(5, 200), y + rng.randrange(5, 200)), fill=colour)
    noise = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(image, noise, 0.25)


def photo(
    lat=None,
    lon=None,
    *,
    heading=None,
    heading_ref="T",
    taken=None,
    offset="+00:00",
    accuracy=None,
    size=(800, 600),
    fmt="JPEG",
    seed=1,
    orientation=None,
) -> bytes:
    """Encode a textured image with the given EXIF GPS position, heading and time."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "TestMaker", "TestPhone"
    if orientation:
        exif[0x0112] = orientation
    if taken is not None:
        sub = exif.get_ifd(EXIF_IFD)
        sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            sub[0x9011] = offset
    if lat is not None:
        gps = exif.get_ifd(GPS_IFD)
        gps[0] = b"\x02\x03\x00\x00"
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
        if heading is not None:
            gps[16], gps[17] = heading_ref, Fraction(round(heading * 100), 100)
        if accuracy is not None:
            gps[31] = Fraction(round(accuracy * 10), 10)
    buffer = io.BytesIO()
    textured(size, seed).save(buffer, fmt, exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def new_client_id() -> str:
    return str(uuid.uuid4())


def upload(client, photos, **fields):
    """POST a sighting the way the capture page does."""
    data = {k: str(v) for k, v in fields.items() if v is not None}
    files = photos if isinstance(photos, list) else [photos]
    data["photo"] = [(io.BytesIO(p), f"photo{i}.jpg") for i, p in enumerate(files)]
    return client.post("/api/v1/sightings", data=data, content_type="multipart/form-data")


def count_decodes(monkeypatch) -> list:
    """Record every pixel decode Pillow starts (ImageFile.load); the list fills as images are decoded.

    "Rejected before decoding" and "read without decoding" are then facts to assert, not timings.
    """
    from PIL import ImageFile

    calls = []
    real = ImageFile.ImageFile.load

    def load(self, *args, **kwargs):
        calls.append(self.size)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls
