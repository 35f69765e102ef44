"""survey.photos.images: format by content, orientation, sizes, no metadata, bombs, damage."""

import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import textwrap
import warnings
import zlib
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageOps, ImageStat, PngImagePlugin

from survey.errors import SurveyError
from survey.photos.images import (
    FORMATS,
    CorruptImage,
    ImageError,
    ImageTooLarge,
    PublicCopies,
    UnsupportedImage,
    make_public_copies,
    sniff_format,
)
from tests.factories import count_decodes

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "photos"
PIL_NAME = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tiff": "TIFF", "heif": "HEIF", "avif": "AVIF"}
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
# exiftool -G1 groups that describe the file itself rather than carry metadata.
HARMLESS_GROUPS = {"ExifTool", "System", "File", "JFIF", "Composite"}
# JPEG markers a bare baseline file needs: APP0 (JFIF), DQT, SOF0, DHT, DRI.
BARE_JPEG_MARKERS = {0xE0, 0xDB, 0xC0, 0xC4, 0xDD}

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    b' dc:creator="A Volunteer" exif:GPSLatitude="51,30.4N" exif:GPSLongitude="0,7.5W"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


# --- building realistic inputs ---------------------------------------------------------


def textured(size, seed=0):
    """A photo-like RGB image (gradients, blotches, grain); deterministic per seed."""
    rng = random.Random(seed)
    w, h = size

    def noise(sz):
        return Image.frombytes("L", sz, rng.randbytes(sz[0] * sz[1]))

    ramp = Image.linear_gradient("L")
    gradients = [ramp, ramp.rotate(90), Image.radial_gradient("L")]
    bands = []
    for gradient in gradients:
        blotches = noise((max(1, w // 16), max(1, h // 16))).resize(size, Image.Resampling.BICUBIC)
        bands.append(Image.blend(Image.blend(gradient.resize(size), blotches, 0.4), noise(size), 0.3))
    return Image.merge("RGB", bands)


def quadrants(size=(400, 300)):
    """Red top-left, green top-right, blue bottom-left, white bottom-right."""
    w, h = size
    im = Image.new("RGB", size, WHITE)
    im.paste(RED, (0, 0, w // 2, h // 2))
    im.paste(GREEN, (w // 2, 0, w, h // 2))
    im.paste(BLUE, (0, h // 2, w // 2, h))
    return im


def full_exif(orientation=None):
    """IFD0, Exif IFD with a MakerNote, and a GPS IFD, as a phone writes them."""
    exif = Image.Exif()
    exif.update({0x010F: "Phonemaker", 0x0110: "Phone 12", 0x0131: "Camera 1.0", 0x0132: "2024:05:01 12:00:00"})
    if orientation is not None:
        exif[0x0112] = orientation
    exif.get_ifd(0x8769).update({0x9003: "2024:05:01 12:00:00", 0x927C: b"Apple iOS\x00" + bytes(range(200))})
    exif.get_ifd(0x8825).update(
        {
            0: b"\x02\x02\x00\x00",
            1: "N",
            2: (51.0, 30.0, 26.5),
            3: "W",
            4: (0.0, 7.0, 39.9),
            5: 0,
            6: 11.5,
            16: "M",
            17: 123.5,
        }
    )
    return exif


def iptc_segment():
    """An APP13 Photoshop segment holding an IPTC ObjectName (Pillow cannot write IPTC)."""
    iptc = b"\x1c\x02\x05" + struct.pack(">H", 12) + b"Camera on X1"
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


@lru_cache
def srgb_icc():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg(image, orientation=None, **options):
    """JPEG bytes with EXIF+GPS+MakerNote, XMP, ICC, IPTC and a comment."""
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        quality=90,
        exif=full_exif(orientation),
        xmp=XMP,
        icc_profile=srgb_icc(),
        comment=b"shot at 51.507N 0.127W",
        extra=iptc_segment(),
        **options,
    )
    return out.getvalue()


def encode(image, fmt, **options):
    """Bytes of ``image`` in one of our formats, with as much metadata as Pillow writes there."""
    if fmt == "jpeg":
        return phone_jpeg(image, **options)
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        options = {"pnginfo": info, "exif": full_exif(), "icc_profile": srgb_icc(), **options}
    elif fmt == "tiff":
        options = {"tiffinfo": {0x010F: "Phonemaker", 0x0110: "Phone 12", 700: XMP}, **options}
    else:
        options = {"exif": full_exif(), "xmp": XMP, "icc_profile": srgb_icc(), **options}
    out = io.BytesIO()
    image.save(out, PIL_NAME[fmt], **options)
    return out.getvalue()


def png_bomb(width, height):
    """A valid 1-bit PNG of the declared size: all zeros, so ~100 kB for 30000x30000."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row * min(1000, height - done)) for done in range(0, height, 1000))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat + packer.flush()) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


@lru_cache
def small_jpeg():
    return phone_jpeg(textured((64, 48), seed=3), orientation=6)


# --- inspecting outputs --------------------------------------------------------------


def decode(jpeg):
    im = Image.open(io.BytesIO(jpeg))
    im.load()
    return im


def jpeg_markers(data):
    """Marker codes between SOI and the first SOS, read straight from the bytes."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while data[pos] == 0xFF and data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return markers


def assert_bare_jpeg(data):
    """A baseline JPEG with no metadata, by byte structure and by Pillow's reading."""
    assert set(jpeg_markers(data)) <= BARE_JPEG_MARKERS, [hex(m) for m in jpeg_markers(data)]
    assert data.endswith(b"\xff\xd9"), "data after the image (e.g. an MPF second image)"
    im = decode(data)
    assert im.format == "JPEG" and im.mode == "RGB"
    assert len(im.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop", "mp", "progressive"} & im.info.keys()


def require_exiftool():
    tool = shutil.which("exiftool")
    if tool:
        return tool
    message = "exiftool not found: install Debian package libimage-exiftool-perl"
    if os.environ.get("SURVEY_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def exiftool_groups(paths):
    """{file name: set of -G1 groups} as exiftool reports them."""
    result = subprocess.run(
        [require_exiftool(), "-j", "-a", "-G1", *map(str, paths)], capture_output=True, text=True, timeout=120
    )
    assert result.stdout, result.stderr
    return {
        Path(entry["SourceFile"]).name: {key.split(":")[0] for key in entry if ":" in key}
        | ({"File:Comment"} if "File:Comment" in entry else set())
        for entry in json.loads(result.stdout)
    }


def mean_difference(a, b):
    """Mean channel difference at a 100 px scale, where pixel grain and JPEG noise average out."""
    scale = 100 / max(a.size)
    size = (max(1, round(a.width * scale)), max(1, round(a.height * scale)))
    a, b = (im.convert("RGB").resize(size, Image.Resampling.BOX) for im in (a, b))
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def colour_at(im, fx, fy):
    """The pixel at a fraction of the width and height."""
    return im.getpixel((int(im.width * fx), int(im.height * fy)))


def assert_close(actual, expected, tolerance=40):
    assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected)), (actual, expected)


# --- the corpus of real photos -----------------------------------------------------------


def corpus_entries():
    truth = CORPUS / "truth.json"
    if not truth.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"photo corpus not found at {CORPUS}"))]
    return [pytest.param(entry, id=entry["file"]) for entry in json.loads(truth.read_text())]


def corpus_bytes(name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"photo corpus not found at {CORPUS}")
    return path.read_bytes()


def may_be_undecodable(entry):
    """Files whose own notes say the pixel data was cut, stripped or fuzzed."""
    notes = (entry.get("notes") or "").lower()
    return entry.get("category") == "corrupt-exif" or any(
        word in notes for word in ("stripped", "truncated", "fuzzed", "cannot decode")
    )


# --- API surface -------------------------------------------------------------------------


def test_public_names_and_error_contract():
    assert FORMATS == {
        "jpeg": "image/jpeg",
        "heif": "image/heif",
        "avif": "image/avif",
        "webp": "image/webp",
        "png": "image/png",
        "tiff": "image/tiff",
    }
    expected = {
        ImageError: (422, "image_invalid"),
        UnsupportedImage: (415, "unsupported_media_type"),
        ImageTooLarge: (413, "image_too_large"),
        CorruptImage: (422, "image_corrupt"),
    }
    for cls, (status, code) in expected.items():
        assert issubclass(cls, ImageError) and (cls.status, cls.code_name) == (status, code)
        assert issubclass(cls, SurveyError)  # one handler serves them
        assert len(str(cls())) > 30  # a sentence a volunteer can act on
    assert str(ImageTooLarge("custom words")) == "custom words"
    copies = make_public_copies(small_jpeg())
    with pytest.raises(AttributeError):
        copies.width = 1  # frozen


# --- sniffing by content ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_sniff_recognises_each_format_by_content(fmt):
    data = encode(textured((96, 64)), fmt)
    assert sniff_format(data) == fmt
    assert isinstance(make_public_copies(data), PublicCopies)


def test_sniff_ignores_the_file_name(tmp_path):
    disguised = tmp_path / "camera.png"
    disguised.write_bytes(small_jpeg())
    assert sniff_format(disguised.read_bytes()) == "jpeg"
    assert make_public_copies(disguised.read_bytes()).display_size == (48, 64)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",
        random.Random(1).randbytes(4096),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 500,
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01" + b"\x00" * 30,
        b"BM" + b"\x00" * 60,
        b"\xff\x0a\xfa\x7f" + b"\x00" * 60,  # JPEG XL codestream
        b"\x00\x00\x00\x0cJXL \r\n\x87\n" + b"\x00" * 60,  # JPEG XL container
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 60,  # MP4 video
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 60,  # QuickTime
        b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 60,
    ],
    ids=["empty", "jpeg-soi-only", "random", "pdf", "svg", "html", "gif", "bmp", "jxl", "jxl-box", "mp4", "mov", "wav"],
)
def test_other_content_is_415(data):
    with pytest.raises(UnsupportedImage) as caught:
        sniff_format(data)
    assert caught.value.status == 415
    with pytest.raises(UnsupportedImage):
        make_public_copies(data)


@pytest.mark.parametrize(
    "brands,fmt",
    [
        ((b"heic", b"mif1", b"heic"), "heif"),
        ((b"mif1", b"mif1", b"heic"), "heif"),
        ((b"avif", b"mif1", b"miaf"), "avif"),
        ((b"mif1", b"mif1", b"avif"), "avif"),
        ((b"msf1", b"msf1", b"hevc"), "heif"),
        ((b"mif1", b"mif1", b"miaf"), "heif"),
    ],
)
def test_heif_and_avif_told_apart_by_ftyp_brands(brands, fmt):
    major, *compatible = brands
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    box = struct.pack(">I", 8 + len(body)) + b"ftyp" + body
    assert sniff_format(box + b"\x00" * 64) == fmt


@pytest.mark.parametrize("entry", corpus_entries())
def test_sniff_agrees_with_exiftool_on_corpus(entry):
    expected = {
        "JPEG": "jpeg",
        "HEIC": "heif",
        "AVIF": "avif",
        "WEBP": "webp",
        "Extended WEBP": "webp",
        "TIFF": "tiff",
        "PNG": "png",
    }
    data = corpus_bytes(entry["file"])
    if entry["file_type"] in expected:
        assert sniff_format(data) == expected[entry["file_type"]]
    else:
        with pytest.raises(UnsupportedImage):
            sniff_format(data)


# --- orientation ------------------------------------------------------------------------

# How the stored pixels relate to the upright picture, in rotate() terms (counter-clockwise).
STORED_ROTATION = {3: 180, 6: 90, 8: -90}


@pytest.mark.parametrize("orientation", [3, 6, 8])
@pytest.mark.parametrize("source", ["exif", "argument"])
def test_orientation_is_applied(orientation, source):
    upright = quadrants((400, 300))
    stored = upright.rotate(STORED_ROTATION[orientation], expand=True)
    if source == "exif":
        copies = make_public_copies(phone_jpeg(stored, orientation=orientation))
    else:  # the caller read the orientation; the file itself says 1
        copies = make_public_copies(phone_jpeg(stored, orientation=1), orientation=orientation)
    assert (copies.width, copies.height) == (400, 300)
    assert copies.display_size == (400, 300)
    for jpeg in (copies.display, copies.thumbnail):
        im = decode(jpeg)
        assert im.width > im.height
        expected = {(0.25, 0.25): RED, (0.75, 0.25): GREEN, (0.25, 0.75): BLUE, (0.75, 0.75): WHITE}
        for (fx, fy), colour in expected.items():
            assert_close(colour_at(im, fx, fy), colour)


@pytest.mark.parametrize("orientation", [2, 4, 5, 7])
def test_mirrored_orientations_match_pillow(orientation):
    stored = quadrants((300, 200))
    copies = make_public_copies(phone_jpeg(stored, orientation=orientation))
    reference = ImageOps.exif_transpose(Image.open(io.BytesIO(phone_jpeg(stored, orientation=orientation))))
    assert copies.display_size == reference.size
    assert mean_difference(decode(copies.display), reference) < 6


def test_large_rotated_jpeg_is_scaled_then_turned():
    upright = quadrants((3000, 4000))
    copies = make_public_copies(phone_jpeg(upright.rotate(90, expand=True), orientation=6))
    assert (copies.width, copies.height) == (3000, 4000)
    assert copies.display_size[1] > copies.display_size[0] and max(copies.display_size) <= 2048
    assert_close(colour_at(decode(copies.display), 0.25, 0.25), RED)
    assert_close(colour_at(decode(copies.display), 0.75, 0.75), WHITE)


@pytest.mark.parametrize("bad", [0, 9, 65535, -1, "6", (6,), 6.5])
def test_unusable_orientation_means_upright(bad):
    copies = make_public_copies(phone_jpeg(quadrants(), orientation=1), orientation=bad)
    assert copies.display_size == (400, 300)
    assert_close(colour_at(decode(copies.display), 0.25, 0.25), RED)


def test_heif_orientation_argument_does_not_rotate_twice():
    """libheif applies the container rotation itself; EXIF says 6 only for information."""
    heic = encode(quadrants((64, 48)), "heif", exif=full_exif(orientation=6))
    decoded = Image.open(io.BytesIO(heic))
    told = make_public_copies(heic, orientation=6)
    untold = make_public_copies(heic)
    assert told.display_size == untold.display_size == decoded.size
    assert mean_difference(decode(told.display), decoded) < 12


def test_avif_container_rotation_wins_over_argument():
    stored = quadrants((64, 48)).rotate(90, expand=True)
    avif = encode(stored, "avif", exif=full_exif(orientation=6))  # Pillow stores it as irot
    copies = make_public_copies(avif, orientation=1)
    assert copies.display_size == (64, 48)
    assert_close(colour_at(decode(copies.display), 0.25, 0.25), RED, 60)


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "webp", "tiff"])
def test_4000x3000_gives_2048_display_and_400_thumbnail(fmt):
    copies = make_public_copies(encode(textured((4000, 3000)), fmt))
    assert (copies.width, copies.height) == (4000, 3000)
    assert copies.display_size == decode(copies.display).size == (2048, 1536)
    assert decode(copies.thumbnail).size == (400, 300)


@pytest.mark.parametrize(
    "size,display",
    [
        ((4096, 3072), (2048, 1536)),
        ((5000, 3750), (2048, 1536)),
        ((3900, 2925), (2048, 1536)),
        # 4000 px halves to 2000 px in the DCT: within 1/32 of 2048, so no full-size decode.
        ((4000, 3000), (2000, 1500)),
        ((3000, 4000), (1500, 2000)),
    ],
)
def test_jpeg_display_size(size, display):
    copies = make_public_copies(phone_jpeg(textured(size), orientation=1))
    assert (copies.width, copies.height) == size
    assert copies.display_size == decode(copies.display).size == display
    assert max(decode(copies.thumbnail).size) == 400


def test_small_image_is_not_upscaled():
    copies = make_public_copies(phone_jpeg(textured((640, 480))))
    assert copies.display_size == decode(copies.display).size == (640, 480)
    assert decode(copies.thumbnail).size == (400, 300)
    tiny = make_public_copies(phone_jpeg(textured((300, 200))))
    assert decode(tiny.display).size == decode(tiny.thumbnail).size == (300, 200)


def test_custom_sizes_and_quality():
    data = encode(textured((1600, 1200)), "png")
    copies = make_public_copies(data, display_px=1000, thumb_px=100, quality=40)
    assert decode(copies.display).size == (1000, 750) and decode(copies.thumbnail).size == (100, 75)
    assert len(copies.display) < len(make_public_copies(data, display_px=1000, quality=95).display)
    with pytest.raises(ValueError):
        make_public_copies(data, quality=0)


def test_display_looks_like_the_photo():
    photo = textured((1200, 900), seed=5)
    copies = make_public_copies(phone_jpeg(photo))
    assert mean_difference(decode(copies.display), photo) < 4
    assert mean_difference(decode(copies.thumbnail), photo) < 4
    assert mean_difference(decode(copies.display), photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)) > 20


# --- metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_synthetic_metadata_is_gone(fmt, tmp_path):
    source = tmp_path / f"in.{fmt}"
    source.write_bytes(encode(textured((320, 240)), fmt))
    copies = make_public_copies(source.read_bytes())
    for name, data in (("display.jpg", copies.display), ("thumb.jpg", copies.thumbnail)):
        assert_bare_jpeg(data)
        (tmp_path / name).write_bytes(data)
    groups = exiftool_groups([source, tmp_path / "display.jpg", tmp_path / "thumb.jpg"])
    assert groups[source.name] - HARMLESS_GROUPS, "the input should carry metadata"
    if fmt == "jpeg":
        expected = {"IFD0", "ExifIFD", "GPS", "XMP-dc", "IPTC", "ICC_Profile", "File:Comment"}
        assert expected <= groups[source.name]
    assert groups["display.jpg"] <= HARMLESS_GROUPS
    assert groups["thumb.jpg"] <= HARMLESS_GROUPS


def test_corpus_outputs_carry_no_metadata(tmp_path):
    entries = [p.values[0] for p in corpus_entries() if p.values[0] is not None]
    if not entries:
        pytest.skip(f"photo corpus not found at {CORPUS}")
    written = []
    for entry in entries:
        try:
            copies = make_public_copies(corpus_bytes(entry["file"]))
        except ImageError:
            continue
        for kind, data in (("display", copies.display), ("thumb", copies.thumbnail)):
            assert_bare_jpeg(data)
            written.append(tmp_path / f"{kind}-{Path(entry['file']).stem}.jpg")
            written[-1].write_bytes(data)
    assert len(written) >= len(entries)
    inputs = exiftool_groups([CORPUS / e["file"] for e in entries])
    assert sum(bool({"GPS", "IFD0"} & groups) for groups in inputs.values()) >= len(entries) // 2
    leaks = {name: groups - HARMLESS_GROUPS for name, groups in exiftool_groups(written).items()}
    assert not {name: extra for name, extra in leaks.items() if extra}


# --- every real photo ----------------------------------------------------------------------


@pytest.mark.parametrize("entry", corpus_entries())
def test_corpus_file_gives_copies_or_clean_error(entry):
    data = corpus_bytes(entry["file"])
    try:
        copies = make_public_copies(data)
    except ImageError as exc:
        assert exc.status in (413, 415, 422) and len(str(exc)) > 30
        assert may_be_undecodable(entry), f"{entry['file']} rejected: {exc!r} from {exc.__cause__!r}"
        return
    display, thumbnail = decode(copies.display), decode(copies.thumbnail)
    assert display.size == copies.display_size and max(display.size) <= 2048 and max(thumbnail.size) <= 400
    stored = Image.open(io.BytesIO(data))
    if stored.format not in ("HEIF", "AVIF"):  # their decoders handle the container rotation
        turned = entry.get("orientation") in (5, 6, 7, 8)
        assert (copies.width, copies.height) == (stored.size[::-1] if turned else stored.size)
    if stored.mode == "RGB":
        reference = ImageOps.exif_transpose(stored).resize(thumbnail.size, Image.Resampling.LANCZOS)
        assert mean_difference(thumbnail, reference) < 12


@pytest.mark.parametrize(
    "name", ["fuzzed-jpeg-exifread-indexerror.jpg", "google-pixel6-north-east-direction-magnetic.jpg"]
)
def test_known_broken_corpus_files_are_corrupt(name):
    with pytest.raises(CorruptImage) as caught:
        make_public_copies(corpus_bytes(name))
    assert caught.value.status == 422


def test_thermal_tiff_is_not_blank():
    copies = make_public_copies(corpus_bytes("flir-vue-pro-640-north-east.tiff"))
    low, high = decode(copies.display).convert("L").getextrema()
    assert high - low > 100  # plain 16->8 bit conversion clips it to pure white


# --- image bombs ---------------------------------------------------------------------------


@lru_cache
def huge_png():
    return png_bomb(30000, 30000)


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_the_decode_counter_sees_a_real_decode(monkeypatch, fmt):
    # The "without decoding" tests below rest on it.
    decodes = count_decodes(monkeypatch)
    make_public_copies(encode(textured((300, 200)), fmt))
    assert decodes


def test_huge_declared_png_is_413_without_decoding(monkeypatch):
    data = huge_png()
    assert len(data) < 200_000
    decodes = count_decodes(monkeypatch)
    with pytest.raises(ImageTooLarge) as caught:
        make_public_copies(data)
    assert decodes == []  # refused from the header: not one pixel of 900 megapixels decoded
    assert caught.value.status == 413 and "pixels" in str(caught.value)


@pytest.mark.parametrize("action", ["error", "ignore"])
def test_pillow_guard_is_a_hard_cap_whatever_the_warning_filters(action, monkeypatch):
    """12000x9000 is over Pillow's warning limit (89 MP) but under its error limit."""
    data = png_bomb(12000, 9000)
    decodes = count_decodes(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter(action)
        with pytest.raises(ImageTooLarge):
            make_public_copies(data, max_pixels=200_000_000)
    assert decodes == []


def test_max_pixels_is_honoured():
    data = encode(textured((300, 200)), "png")
    with pytest.raises(ImageTooLarge) as caught:
        make_public_copies(data, max_pixels=59_999)
    assert "300×200" in str(caught.value)
    assert make_public_copies(data, max_pixels=60_000).display_size == (300, 200)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pixel_limit_is_checked_before_decoding(fmt, monkeypatch):
    """With pixel decoding booby-trapped, an over-limit image must still get its 413."""
    data = encode(textured((320, 240)), fmt)

    def decode_attempted(self, *args, **kwargs):
        raise AssertionError("pixels decoded before the size check")

    monkeypatch.setattr(type(Image.open(io.BytesIO(data))), "load", decode_attempted)
    with pytest.raises(CorruptImage):  # the trap works: decoding a small image trips it
        make_public_copies(data)
    with pytest.raises(ImageTooLarge):
        make_public_copies(data, max_pixels=320 * 240 - 1)


def test_fifty_megapixel_jpeg_stays_small_in_memory(tmp_path):
    path = tmp_path / "big.jpg"
    make = f"""
        from PIL import Image
        im = Image.effect_noise((1083, 722), 40).resize((8660, 5773), Image.Resampling.BICUBIC)
        Image.merge("RGB", [im, im.rotate(180), im]).save({str(path)!r}, quality=90)
    """
    subprocess.run([sys.executable, "-c", textwrap.dedent(make)], check=True, timeout=120)
    measure = f"""
        import resource, sys
        sys.path.insert(0, {str(REPO)!r})
        from survey.photos.images import make_public_copies
        data = open({str(path)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        copies = make_public_copies(data)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024, copies.display_size)
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(measure)], capture_output=True, text=True, check=True, timeout=120
    )
    growth_mb, size = result.stdout.split(maxsplit=1)
    assert size.strip() == "(2048, 1366)"
    assert int(growth_mb) < 100, f"peak RSS grew {growth_mb} MB"


# --- damaged files -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_truncated_file_is_corrupt(fmt):
    data = encode(textured((320, 240)), fmt)
    with pytest.raises(CorruptImage) as caught:
        make_public_copies(data[: len(data) // 2])
    assert caught.value.status == 422
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_real_photo_is_corrupt():
    data = corpus_bytes("apple-iphone5-north-west-rotated-180.jpg")
    with pytest.raises(CorruptImage):
        make_public_copies(data[: len(data) // 2])


@pytest.mark.parametrize(
    "magic",
    [
        b"\xff\xd8\xff\xe0",
        b"\x89PNG\r\n\x1a\n",
        b"RIFF\x00\x10\x00\x00WEBPVP8 ",
        b"II*\x00",
        b"MM\x00*",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif",
    ],
    ids=["jpeg", "png", "webp", "tiff-le", "tiff-be", "heic", "avif"],
)
@pytest.mark.parametrize("seed", range(3))
def test_garbage_after_valid_magic_is_corrupt(magic, seed):
    with pytest.raises(CorruptImage):
        make_public_copies(magic + random.Random(seed).randbytes(2000))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=12),
    keep=st.floats(0.05, 1.0),
)
def test_mutated_jpeg_gives_copies_or_image_error(flips, keep):
    data = bytearray(small_jpeg())
    for index, value in flips:
        data[index % len(data)] = value
    data = bytes(data[: max(1, int(len(data) * keep))])
    try:
        copies = make_public_copies(data)
    except ImageError:
        return
    assert_bare_jpeg(copies.display)


# --- colour modes and containers ---------------------------------------------------------


def test_palette_png_with_transparency_flattens_onto_white():
    im = Image.new("P", (200, 100), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (100, 0, 200, 100))
    out = io.BytesIO()
    im.save(out, "PNG", transparency=1)
    display = decode(make_public_copies(out.getvalue()).display)
    assert_close(colour_at(display, 0.25, 0.5), RED)
    assert_close(colour_at(display, 0.75, 0.5), WHITE, 10)


@pytest.mark.parametrize("fmt,mode", [("png", "RGBA"), ("png", "LA"), ("webp", "RGBA"), ("tiff", "RGBA")])
def test_alpha_flattens_onto_white(fmt, mode):
    im = Image.new("RGBA", (200, 100), (0, 0, 0, 255))
    im.paste((0, 0, 0, 0), (100, 0, 200, 100))
    out = io.BytesIO()
    im.convert(mode).save(out, PIL_NAME[fmt], **({"lossless": True} if fmt == "webp" else {}))
    display = decode(make_public_copies(out.getvalue()).display)
    assert_close(colour_at(display, 0.25, 0.5), (0, 0, 0), 10)
    assert_close(colour_at(display, 0.75, 0.5), WHITE, 10)


def test_sixteen_bit_grey_png_keeps_its_contrast():
    ramp = Image.linear_gradient("L").resize((256, 256)).point(lambda v: v * 40 + 20000, "I").convert("I;16")
    out = io.BytesIO()
    ramp.save(out, "PNG")
    assert Image.open(io.BytesIO(out.getvalue())).mode.startswith("I")
    display = decode(make_public_copies(out.getvalue()).display).convert("L")
    assert display.getpixel((128, 5)) < 30 and display.getpixel((128, 250)) > 225


def test_cmyk_and_grey_jpegs_become_rgb():
    cmyk = io.BytesIO()
    Image.new("CMYK", (120, 80), (0, 255, 255, 0)).save(cmyk, "JPEG")  # pure red ink
    assert_close(colour_at(decode(make_public_copies(cmyk.getvalue()).display), 0.5, 0.5), RED)
    grey = io.BytesIO()
    Image.new("L", (120, 80), 128).save(grey, "JPEG")
    assert_close(colour_at(decode(make_public_copies(grey.getvalue()).display), 0.5, 0.5), (128, 128, 128), 6)


def test_multipage_tiff_uses_first_page():
    pages = [Image.new("RGB", (160, 120), colour) for colour in (RED, BLUE, GREEN)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    copies = make_public_copies(out.getvalue())
    assert copies.display_size == (160, 120)
    assert_close(colour_at(decode(copies.display), 0.5, 0.5), RED)
