"""survey.photos.scrub in every format: identity, rights and serials go; position, heading and time stay.

Read back with exiftool, on generated files that carry every such field and on the corpus.
"""

import io
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, PngImagePlugin

from survey.photos.exif import read_photo_meta
from survey.photos.images import make_public_copies, sniff_format
from survey.photos.scrub import scrub_original
from tests.conftest import corpus, require_tool
from tests.factories import photo

NAME, SERIAL = "Jane Volunteer", "SN4455667788"
XMP = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
 xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
 xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
 aux:SerialNumber="{SERIAL}" photoshop:AuthorsPosition="{NAME}'s job" exif:GPSLatitude="51,30.2N">
<dc:creator><rdf:Seq><rdf:li>{NAME}</rdf:li></rdf:Seq></dc:creator>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) {NAME}</rdf:li></rdf:Alt></dc:rights>
<tiff:Artist>{NAME}</tiff:Artist><xmpRights:Owner><rdf:Bag><rdf:li>{NAME}</rdf:li></rdf:Bag></xmpRights:Owner>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""".encode()
IPTC = b"".join(
    b"\x1c\x02" + bytes([ds]) + len(v).to_bytes(2, "big") + v
    for ds, v in ((80, NAME.encode()), (116, b"(c) " + NAME.encode()))
)
TAKEN = datetime(2026, 5, 1, 14, 30, tzinfo=UTC)
# exiftool tags that must be empty after scrubbing, and those that must not change.
GONE = [
    "-XMP-dc:Creator",
    "-XMP-dc:Rights",
    "-XMP-tiff:Artist",
    "-XMP-xmpRights:all",
    "-XMP-aux:SerialNumber",
    "-XMP-photoshop:AuthorsPosition",
    "-IPTC:By-line",
    "-IPTC:CopyrightNotice",
    "-PNG:Artist",
    "-PNG:Author",
    "-PNG:Copyright",
    "-IFD0:Artist",
    "-IFD0:Copyright",
]
KEPT = [f"-GPS:GPS{t}" for t in ("Latitude", "Longitude", "ImgDirection", "DateStamp", "TimeStamp")] + [
    "-ExifIFD:DateTimeOriginal"
]


def exiftool(paths: list[Path], tags: list[str]) -> dict[str, dict]:
    """{file name: {group:tag: value}} for the asked tags, non-empty values only."""
    tool = require_tool("exiftool", "libimage-exiftool-perl")
    result = subprocess.run(
        [tool, "-j", "-a", "-G1", "-n", *tags, *map(str, paths)], capture_output=True, text=True, timeout=300
    )
    return {
        Path(entry.pop("SourceFile")).name: {k: v for k, v in entry.items() if str(v).strip(" \x00")}
        for entry in json.loads(result.stdout or "[]")
    }


def with_exiftool(data: bytes, *assignments: str) -> bytes:
    tool = require_tool("exiftool", "libimage-exiftool-perl")
    result = subprocess.run([tool, *assignments, "-o", "-", "-"], input=data, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def carrying_everything(fmt: str) -> bytes:
    """A small image in fmt with GPS, heading and time, and the author, rights and serial fields."""
    exif = Image.open(io.BytesIO(photo(51.5033, -0.1196, heading=123.5, taken=TAKEN))).getexif()
    exif[0x013B], exif[0x8298] = NAME, f"(c) {NAME}"
    image, out = Image.new("RGB", (96, 64), (200, 40, 40)), io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        for keyword in ("Artist", "Author", "Copyright"):
            info.add_text(keyword, NAME)
        info.add_text("Software", "kept")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=True)  # compressed: not blankable in place
        image.save(out, "PNG", pnginfo=info, exif=exif)
    elif fmt == "TIFF":  # Pillow writes no Exif or GPS IFD into a TIFF: exiftool adds them
        image.save(out, "TIFF", exif=exif, tiffinfo={700: XMP, 33723: IPTC})
        return with_exiftool(
            out.getvalue(),
            "-GPSLatitude=51.5033",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=0.1196",
            "-GPSLongitudeRef=W",
            "-GPSImgDirection=123.5",
            "-GPSImgDirectionRef=T",
            "-DateTimeOriginal=2026:05:01 14:30:00",
            "-OffsetTimeOriginal=+00:00",
        )
    elif fmt == "HEIF":
        pillow_heif.from_pillow(image).save(out, exif=exif.tobytes(), xmp=XMP)
    else:
        image.save(out, fmt, exif=exif, xmp=XMP)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "WEBP", "HEIF", "AVIF", "JPEG"])
def test_every_format_loses_identity_and_rights_and_keeps_the_evidence(fmt, tmp_path):
    data = carrying_everything(fmt)
    scrubbed = scrub_original(data, sniff_format(data))
    (tmp_path / "before").write_bytes(data)
    (tmp_path / "after").write_bytes(scrubbed)
    found = exiftool([tmp_path / "before", tmp_path / "after"], GONE)
    assert len(found["before"]) >= 7, found["before"]  # the fields really were there to remove
    assert found["after"] == {}
    assert NAME.encode() not in scrubbed and SERIAL.encode() not in scrubbed
    kept = exiftool([tmp_path / "before", tmp_path / "after"], KEPT)
    assert kept["after"] == kept["before"] and len(kept["before"]) >= 4
    meta = read_photo_meta(scrubbed)
    assert (meta.lat, meta.heading, meta.taken_at) == (pytest.approx(51.5033, abs=1e-6), pytest.approx(123.5), TAKEN)
    assert make_public_copies(scrubbed).display == make_public_copies(data).display


def test_the_png_keeps_its_harmless_text():
    scrubbed = scrub_original(carrying_everything("PNG"), "png")
    assert Image.open(io.BytesIO(scrubbed)).text.get("Software") == "kept"


CORPUS_SUFFIXES = (".heic", ".avif", ".webp", ".png", ".tiff", ".jpg", ".jpeg")


def test_every_corpus_format_is_scrubbed_the_same_way(tmp_path):
    truth = json.loads((corpus() / "truth.json").read_text())
    files = [corpus() / t["file"] for t in truth if t["file"].lower().endswith(CORPUS_SUFFIXES)]
    assert {p.suffix.lower() for p in files} >= {".heic", ".avif", ".webp", ".png", ".tiff", ".jpg"}
    scrubbed = []
    for path in files:
        data = path.read_bytes()
        target = tmp_path / path.name
        target.write_bytes(scrub_original(data, sniff_format(data)))
        scrubbed.append(target)
    assert exiftool(scrubbed, GONE) == {p.name: {} for p in scrubbed}
    before, after = exiftool(files, KEPT), exiftool(scrubbed, KEPT)
    assert after == before
    assert sum(bool(v) for v in before.values()) >= 10  # positions and times really are kept
