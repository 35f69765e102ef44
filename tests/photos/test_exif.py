"""Tests for survey.photos.exif: the shared photo corpus against exiftool, then synthetic edge cases."""

import functools
import io
import json
import math
import random
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

import survey.photos.exif
from survey.photos.exif import PhotoMeta, read_photo_meta
from tests.factories import count_decodes

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "photos"
TRUTH_FILE = CORPUS / "truth.json"
TRUTH = json.loads(TRUTH_FILE.read_text()) if TRUTH_FILE.is_file() else []
NO_CORPUS = f"photo corpus not found at {CORPUS} (tests read it in place, never copy it)"

# OffsetTimeOriginal of the corpus files that carry one (exiftool was not asked
# for it; these are the values Pillow's parser reads from the EXIF IFD).
CORPUS_OFFSETS = {
    "apple-iphone11pro-no-gps.heic": timedelta(hours=-4),
    "apple-iphone11promax-north-west-direction-magnetic.heic": timedelta(hours=-5),
    "google-pixel6-north-east-direction-magnetic.jpg": timedelta(hours=8),
    "google-pixel8pro-north-west-direction-magnetic.jpg": timedelta(hours=2),
}
# exiftool's DateTimeOriginal came from the FLIR segment, but the EXIF one exists (see notes).
CORPUS_EXIF_DATETIME = {
    "dji-flir-north-west-below-sea-level.jpg": datetime(2019, 4, 30, 15, 56, 18),
}


def corpus_cases():
    if not TRUTH:
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS), id="no-corpus")]
    return [pytest.param(entry, id=entry["file"]) for entry in TRUTH]


@functools.cache
def corpus_meta(name: str) -> PhotoMeta:
    return read_photo_meta((CORPUS / name).read_bytes())


def groups(entry: dict, tag: str) -> list:
    return entry["exiftool_groups"].get(tag, [])


def exif_gps_position(entry: dict) -> bool:
    """exiftool read this position from the EXIF GPS IFD, and it is a real fix (not 0,0)."""
    from_gps = "GPS" in groups(entry, "GPSLatitude") + groups(entry, "GPSLongitude")
    present = entry["lat"] is not None and entry["lon"] is not None
    return from_gps and present and (entry["lat"], entry["lon"]) != (0, 0)


# ---------------------------------------------------------------- corpus ---


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_position(entry):
    """Agree with exiftool on every EXIF GPS position; otherwise a clean 'no position'.

    We do not read XMP or maker segments (FLIR APP1): a position exiftool found
    only there, a 0/0 rational, an empty ref or 0,0 must come back as no position.
    """
    meta = corpus_meta(entry["file"])
    if exif_gps_position(entry):
        assert meta.has_position
        assert meta.lat == pytest.approx(entry["lat"], abs=1e-6)
        assert meta.lon == pytest.approx(entry["lon"], abs=1e-6)
    else:
        assert (meta.lat, meta.lon, meta.has_position) == (None, None, False)


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_altitude(entry):
    null_island = (entry["lat"], entry["lon"]) == (0, 0)
    alt_groups = groups(entry, "GPSAltitude")
    from_exif = "GPS" in alt_groups or "Composite" in alt_groups
    meta = corpus_meta(entry["file"])
    if from_exif and entry["alt"] is not None and not null_island:
        assert meta.altitude_m == pytest.approx(entry["alt"], abs=1e-3)
    else:  # FLIR-only altitude, 0/0, or the altitude 0 of a 0,0 "no fix"
        assert meta.altitude_m is None


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_heading(entry):
    meta = corpus_meta(entry["file"])
    if "GPS" in groups(entry, "GPSImgDirection"):
        assert meta.heading == pytest.approx(entry["img_direction"], abs=1e-6)
        assert meta.heading_ref == entry["img_direction_ref"]
        assert 0 <= meta.heading < 360
    else:  # absent, or only in a FLIR segment; an empty ref alone gives nothing
        assert (meta.heading, meta.heading_ref) == (None, None)


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_orientation_make_model(entry):
    meta = corpus_meta(entry["file"])
    in_ifd0 = {tag: "IFD0" in groups(entry, tag) for tag in ("Orientation", "Make", "Model")}
    # Orientation only from IFD0 (the main image); IFD1 and XMP-tiff values are not read.
    assert meta.orientation == (entry["orientation"] if in_ifd0["Orientation"] else 1)
    assert meta.make == ((entry["make"] or None) if in_ifd0["Make"] else None)
    assert meta.model == ((entry["model"] or None) if in_ifd0["Model"] else None)


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_local_time(entry):
    meta = corpus_meta(entry["file"])
    if "ExifIFD" in groups(entry, "DateTimeOriginal"):
        expected = datetime.strptime(entry["datetime_original"], "%Y:%m:%d %H:%M:%S")
    else:  # from FLIR, XMP or IPTC: only the known EXIF duplicates count
        expected = CORPUS_EXIF_DATETIME.get(entry["file"])
    local = meta.taken_at_local
    assert (local and local.replace(microsecond=0)) == expected
    assert local is None or local.tzinfo is None


@pytest.mark.parametrize("entry", corpus_cases())
def test_corpus_utc_time(entry):
    """DateTimeOriginal + OffsetTimeOriginal first, then GPS date + time, else nothing."""
    meta = corpus_meta(entry["file"])
    offset = CORPUS_OFFSETS.get(entry["file"])
    if offset is not None:
        expected = (meta.taken_at_local - offset).replace(tzinfo=UTC)
        assert (meta.taken_at, meta.taken_at_source) == (expected, "exif_offset")
    elif entry["gps_datetime_utc"] is not None:
        expected = datetime.fromisoformat(entry["gps_datetime_utc"].replace("Z", "+00:00"))
        assert (meta.taken_at, meta.taken_at_source) == (expected, "gps")
    else:
        assert (meta.taken_at, meta.taken_at_source) == (None, None)


def test_corpus_read_decodes_no_pixels(monkeypatch):
    """Reading the metadata of the largest corpus JPEG decodes none of its pixels (speed is bench/'s job)."""
    if not TRUTH:
        pytest.skip(NO_CORPUS)
    jpegs = [CORPUS / e["file"] for e in TRUTH if e["file"].endswith(".jpg")]
    largest = max(jpegs, key=lambda path: path.stat().st_size)
    decodes = count_decodes(monkeypatch)
    meta = read_photo_meta(largest.read_bytes())
    assert meta.has_position
    assert decodes == []


LARGE_JPEG = "apple-iphone6plus-north-west-below-sea-level-large.jpg"


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the cut EXIF it skips
@pytest.mark.parametrize("cut", [0, 2, 100, 1000, 3000, 9000, 20000, 1_000_000, 3_000_000])
def test_truncated_corpus_jpeg_returns_cleanly(cut):
    if not TRUTH:
        pytest.skip(NO_CORPUS)
    full = corpus_meta(LARGE_JPEG)
    meta = read_photo_meta((CORPUS / LARGE_JPEG).read_bytes()[:cut])
    assert_sane(meta)
    if cut >= 3000:  # the EXIF segment (bytes 20-2090) is whole: same answer as the full file
        assert meta == full
    else:  # a cut EXIF may lose the position, but must never yield a different one
        assert (meta.lat, meta.lon) in ((None, None), (full.lat, full.lon))


# ------------------------------------------------------------- synthetic ---


def R(numerator, denominator=1):
    return IFDRational(numerator, denominator)


VALID_GPS = {1: "N", 2: (R(48), R(51), R(2955, 100)), 3: "E", 4: (R(2), R(17), R(4020, 100))}
VALID_LAT, VALID_LON = 48 + 51 / 60 + 29.55 / 3600, 2 + 17 / 60 + 40.20 / 3600


def make_exif(gps=None, ifd0=None, exif_ifd=None) -> Image.Exif:
    exif = Image.Exif()
    exif.update(ifd0 or {})
    if exif_ifd:
        exif.get_ifd(0x8769).update(exif_ifd)
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    return exif


def make_image(gps=None, ifd0=None, exif_ifd=None, fmt="JPEG") -> bytes:
    exif = make_exif(gps, ifd0, exif_ifd)
    buffer = io.BytesIO()
    if fmt == "TIFF":  # Pillow's TIFF writer drops the GPS IFD; a bare EXIF TIFF is a valid TIFF
        return exif.tobytes()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    Image.new("RGB", (16, 16), "gray").save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def retype_gps_tag(data: bytes, tag: int, values: tuple) -> bytes:
    """Rewrite a RATIONAL GPS tag as DOUBLE (same 8 bytes per value), to write NaN, inf, -5."""
    start = data.index(b"Exif\x00\x00MM\x00*") + 6
    entry = data.index(struct.pack(">HHI", tag, 5, len(values)), start)
    (offset,) = struct.unpack(">I", data[entry + 8 : entry + 12])
    patched = bytearray(data)
    patched[entry + 2 : entry + 4] = struct.pack(">H", 12)
    doubles = struct.pack(f">{len(values)}d", *values)
    patched[start + offset : start + offset + len(doubles)] = doubles
    return bytes(patched)


def assert_sane(meta: PhotoMeta):
    assert (meta.lat is None) == (meta.lon is None)
    if meta.has_position:
        assert math.isfinite(meta.lat) and math.isfinite(meta.lon)
        assert abs(meta.lat) <= 90 and abs(meta.lon) <= 180 and (meta.lat, meta.lon) != (0, 0)
    assert meta.heading is None or 0 <= meta.heading < 360
    assert meta.heading_ref in (None, "T", "M")
    assert meta.accuracy_m is None or meta.accuracy_m > 0
    assert meta.orientation in range(1, 9)
    assert meta.taken_at is None or meta.taken_at.utcoffset() == timedelta(0)
    assert (meta.taken_at is None) == (meta.taken_at_source is None)


def test_valid_position_is_read():
    meta = read_photo_meta(make_image(VALID_GPS))
    assert meta.lat == pytest.approx(VALID_LAT, abs=1e-9)
    assert meta.lon == pytest.approx(VALID_LON, abs=1e-9)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "HEIF", "AVIF"])
def test_formats(fmt):
    """WebP without the 'Exif' prefix and pillow-heif's HEIC (EXIF after the image data)
    defeat exifread, so these also exercise the Pillow fallback."""
    data = make_image(VALID_GPS, ifd0={0x010F: "Acme", 0x0112: 6})
    meta = read_photo_meta(data)
    assert (meta.lat, meta.lon) == (pytest.approx(VALID_LAT), pytest.approx(VALID_LON))
    assert meta.make == "Acme"
    if fmt != "HEIF":  # pillow-heif moves orientation into the container and writes 1
        assert meta.orientation == 6


def test_gps_ifd_missed_by_exifread_is_filled_from_pillow(monkeypatch):
    def exifread_without_gps(data):
        return {key: value for key, value in real_reader(data).items() if key[0] != "GPS"}

    real_reader = survey.photos.exif._read_with_exifread
    monkeypatch.setattr(survey.photos.exif, "_read_with_exifread", exifread_without_gps)
    meta = read_photo_meta(make_image(VALID_GPS, ifd0={0x010F: "Acme"}))
    assert (meta.lat, meta.make) == (pytest.approx(VALID_LAT), "Acme")


def test_exif_appended_to_unknown_container_is_found_by_scan():
    tiff = make_exif(VALID_GPS).tobytes()
    meta = read_photo_meta(b"\x00\x00\x00\x18ftypxxxx" + bytes(4000) + tiff)
    assert meta.lat == pytest.approx(VALID_LAT)


@pytest.mark.parametrize(
    "lat, lon",
    [
        ((R(0, 0), R(0, 0), R(0, 0)), (R(0, 0), R(0, 0), R(0, 0))),
        # like nikon-d5000 in the corpus: only the seconds are 0/0
        ((R(48), R(2666179, 50000), R(0, 0)), (R(21), R(259507, 100000), R(0, 0))),
        ((R(48), R(51), R(0, 0)), VALID_GPS[4]),  # only the latitude broken
    ],
    ids=["all-zero-denominators", "seconds-zero-denominator", "latitude-only"],
)
def test_zero_denominators_give_no_position(lat, lon):
    meta = read_photo_meta(make_image({**VALID_GPS, 2: lat, 4: lon}))
    assert (meta.lat, meta.lon) == (None, None)


@pytest.mark.parametrize("refs", [("", ""), ("N", ""), ("", "E"), ("X", "E"), ("N", "Q"), ("NE", "E"), (None, None)])
def test_empty_missing_or_invalid_refs_give_no_position(refs):
    gps = {k: v for k, v in VALID_GPS.items() if k not in (1, 3)}
    gps.update({tag: ref for tag, ref in zip((1, 3), refs) if ref is not None})
    assert read_photo_meta(make_image(gps)).has_position is False


@pytest.mark.parametrize(
    "lat, lon, valid",
    [
        ((90, 0, 0), (180, 0, 0), True),
        ((90, 0, 1), (10, 0, 0), False),
        ((10, 0, 0), (180, 0, 1), False),
        ((91, 0, 0), (10, 0, 0), False),
        ((10, 0, 0), (200, 0, 0), False),
        ((0, 5400, 1), (10, 0, 0), False),  # 90 degrees plus one second, spelled in minutes
    ],
)
def test_out_of_range_gives_no_position(lat, lon, valid):
    gps = {**VALID_GPS, 2: tuple(map(R, lat)), 4: tuple(map(R, lon))}
    assert read_photo_meta(make_image(gps)).has_position is valid


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -5.0])
def test_nan_inf_and_negative_doubles_give_no_position(bad):
    data = retype_gps_tag(make_image(VALID_GPS), 2, (bad, 0.0, 0.0))
    assert read_photo_meta(data).has_position is False
    assert read_photo_meta(retype_gps_tag(make_image(VALID_GPS), 2, (48.0, 30.0, 0.0))).lat == 48.5


def test_infinite_rational_gives_no_position():
    # Pillow writes float('inf') as the rational 1/0.
    data = make_image({**VALID_GPS, 2: (math.inf, 0.0, 0.0)})
    assert read_photo_meta(data).has_position is False


def test_null_island_is_no_fix():
    zeros = (R(0), R(0), R(0))
    gps = {1: "S", 2: zeros, 3: "W", 4: zeros, 5: b"\x00", 6: R(0), 31: R(5)}
    meta = read_photo_meta(make_image(gps))
    assert (meta.lat, meta.lon, meta.altitude_m, meta.accuracy_m) == (None, None, None, None)
    equator = read_photo_meta(make_image({1: "N", 2: zeros, 3: "E", 4: (R(36), R(3), R(0))}))
    assert (equator.lat, equator.lon) == (0.0, pytest.approx(36.05))


def test_south_and_west_are_negative():
    meta = read_photo_meta(make_image({**VALID_GPS, 1: "S", 3: "W"}))
    assert meta.lat == pytest.approx(-VALID_LAT) and meta.lon == pytest.approx(-VALID_LON)
    lower_case = read_photo_meta(make_image({**VALID_GPS, 1: "s", 3: "w"}))
    assert (lower_case.lat, lower_case.lon) == (meta.lat, meta.lon)


@pytest.mark.parametrize(
    "ref, altitude, expected",
    [
        pytest.param(b"\x01", R(3983, 1000), -3.983, id="below-sea-level"),
        pytest.param(b"\x00", R(634), 634.0, id="above"),
        pytest.param(None, R(1960), 1960.0, id="no-ref-means-above"),
        pytest.param(b"\x01", R(0), 0.0, id="ref-1-zero-is-not-minus-zero"),
        pytest.param(b"\x02", R(10), None, id="unknown-ref"),
        pytest.param(b"\x00", R(0, 0), None, id="zero-denominator"),
    ],
)
def test_altitude(ref, altitude, expected):
    gps = {**VALID_GPS, 6: altitude, **({5: ref} if ref is not None else {})}
    meta = read_photo_meta(make_image(gps))
    if expected is None:
        assert meta.altitude_m is None
    else:
        assert meta.altitude_m == pytest.approx(expected)
        assert math.copysign(1, meta.altitude_m) == math.copysign(1, expected or 1)
    assert meta.has_position  # an unusable altitude leaves the position alone


def test_altitude_without_position_is_kept():
    meta = read_photo_meta(make_image({5: b"\x00", 6: R(64829, 200)}))
    assert (meta.has_position, meta.altitude_m) == (False, pytest.approx(324.145))


@pytest.mark.parametrize(
    "ref, value, heading, heading_ref",
    [
        pytest.param("T", R(35334, 199), 177.5577889, "T", id="true"),
        pytest.param("M", R(99), 99.0, "M", id="magnetic"),
        pytest.param("m", R(360), 0.0, "M", id="360-is-0"),
        pytest.param("T", R(7205, 20), 0.25, "T", id="above-360-wraps"),
        pytest.param("X", R(20), 20.0, None, id="unknown-ref"),
        pytest.param("", R(20), 20.0, None, id="empty-ref"),
        pytest.param("T", R(0, 0), None, None, id="zero-denominator"),
        pytest.param("M", None, None, None, id="ref-without-direction"),
    ],
)
def test_heading(ref, value, heading, heading_ref):
    gps = {**VALID_GPS, 16: ref, **({17: value} if value is not None else {})}
    meta = read_photo_meta(make_image(gps))
    assert meta.heading == (None if heading is None else pytest.approx(heading))
    assert meta.heading_ref == heading_ref


@pytest.mark.parametrize("value, expected", [(R(65), 65.0), (R(0), None), (R(0, 0), None)])
def test_accuracy(value, expected):
    assert read_photo_meta(make_image({**VALID_GPS, 31: value})).accuracy_m == expected


@pytest.mark.parametrize("bad", [-5.0, math.nan])
def test_negative_or_nan_accuracy_is_dropped(bad):
    data = retype_gps_tag(make_image({**VALID_GPS, 31: R(5)}), 31, (bad,))
    meta = read_photo_meta(data)
    assert meta.accuracy_m is None and meta.has_position


EXIF_TIME = {0x9003: "2024:05:07 09:33:04", 0x9011: "+08:00", 0x9291: "046"}
GPS_TIME = {29: "2024:05:07", 7: (R(1), R(32), R(9519, 1000))}


def test_offset_time_gives_utc():
    meta = read_photo_meta(make_image(exif_ifd=EXIF_TIME))
    assert meta.taken_at == datetime(2024, 5, 7, 1, 33, 4, 46000, tzinfo=UTC)
    assert meta.taken_at_source == "exif_offset"
    assert meta.taken_at_local == datetime(2024, 5, 7, 9, 33, 4, 46000)


def test_offset_is_preferred_over_gps_time():
    meta = read_photo_meta(make_image({**VALID_GPS, **GPS_TIME}, exif_ifd=EXIF_TIME))
    assert (meta.taken_at.hour, meta.taken_at_source) == (1, "exif_offset")
    assert meta.taken_at.minute == 33


def test_gps_time_without_offset():
    exif_ifd = {0x9003: "2024:05:07 09:33:04"}
    meta = read_photo_meta(make_image({**VALID_GPS, **GPS_TIME}, exif_ifd=exif_ifd))
    assert meta.taken_at == datetime(2024, 5, 7, 1, 32, 9, 519000, tzinfo=UTC)
    assert meta.taken_at_source == "gps"
    assert meta.taken_at_local == datetime(2024, 5, 7, 9, 33, 4)


@pytest.mark.parametrize(
    "written, utc",
    [
        ("2013:07:05 03:18:27Z", datetime(2013, 7, 5, 3, 18, 27, tzinfo=UTC)),
        ("2010:07:11 13:53:00+02:00", datetime(2010, 7, 11, 11, 53, tzinfo=UTC)),
    ],
)
def test_offset_written_inside_datetime_original(written, utc):
    meta = read_photo_meta(make_image(exif_ifd={0x9003: written}))
    assert (meta.taken_at, meta.taken_at_source) == (utc, "exif_offset")
    assert meta.taken_at_local == datetime.strptime(written[:19], "%Y:%m:%d %H:%M:%S")
    assert meta.taken_at_local.tzinfo is None


def test_local_time_only():
    meta = read_photo_meta(make_image(exif_ifd={0x9003: "2019:04:30 15:56:18.605"}))
    assert (meta.taken_at, meta.taken_at_source) == (None, None)
    assert meta.taken_at_local == datetime(2019, 4, 30, 15, 56, 18, 605000)


@pytest.mark.parametrize(
    "exif_ifd, gps",
    [
        ({0x9003: "0000:00:00 00:00:00", 0x9011: "+02:00"}, {}),
        ({0x9003: "    :  :     :  :  ", 0x9011: "+02:00"}, {}),
        ({0x9003: "2020:13:40 25:00:00", 0x9011: "+02:00"}, {}),
        ({0x9003: "2020:01:01 10:00:00", 0x9011: "+25:00"}, {}),
        ({0x9003: "2020:01:01 10:00:00", 0x9011: "   :  "}, {}),
        ({}, {29: "0000:00:00", 7: (R(10), R(0), R(0))}),
        ({}, {29: "", 7: (R(0, 0), R(0, 0), R(0, 0))}),
        ({}, {29: "2020:01:01", 7: (R(24), R(0), R(0))}),
        ({}, {29: "2014:09:259", 7: (R(10), R(0), R(0))}),
        ({}, {7: (R(10), R(0), R(0))}),
    ],
)
def test_junk_times_give_no_utc(exif_ifd, gps):
    meta = read_photo_meta(make_image(gps, exif_ifd=exif_ifd))
    assert (meta.taken_at, meta.taken_at_source) == (None, None)
    if exif_ifd.get(0x9003, "").startswith("2020:01:01"):
        assert meta.taken_at_local == datetime(2020, 1, 1, 10, 0)
    else:
        assert meta.taken_at_local is None


@pytest.mark.parametrize("value, expected", [(6, 6), (8, 8), (1, 1), (0, 1), (9, 1), (None, 1)])
def test_orientation(value, expected):
    ifd0 = {0x0112: value} if value is not None else {}
    assert read_photo_meta(make_image(ifd0=ifd0)).orientation == expected


def test_make_and_model_are_stripped():
    meta = read_photo_meta(make_image(ifd0={0x010F: "KONICA MINOLTA ", 0x0110: "\x00"}))
    assert (meta.make, meta.model) == ("KONICA MINOLTA", None)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_no_exif_at_all(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, fmt)
    assert read_photo_meta(buffer.getvalue()) == PhotoMeta()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xd8", id="soi"),
        pytest.param(b"\xff\xd8\xff\xe1\xff\xffExif\x00\x00MM\x00*", id="app1-header"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8X", id="webp-header"),
        pytest.param(b"\x89PNG\r\n\x1a\n", id="png-signature"),
        pytest.param(b"II*\x00\xff\xff\xff\xff", id="tiff-bad-ifd"),
        pytest.param(b"\x00\x00\x00\x18ftypheic" + bytes(16), id="heic-header"),
        pytest.param(random.Random(1).randbytes(5000), id="random"),
        pytest.param(None, id="none"),
        pytest.param("text", id="str"),
        pytest.param(12345, id="int"),
        pytest.param(bytearray(b"\xff\xd8\xff"), id="bytearray"),
    ],
)
def test_garbage_input_returns_empty(data):
    assert read_photo_meta(data) == PhotoMeta()


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the cut EXIF it skips
def test_every_truncation_of_a_synthetic_jpeg_returns_cleanly():
    data = make_image({**VALID_GPS, 16: "T", 17: R(20), **GPS_TIME}, exif_ifd=EXIF_TIME)
    results = [read_photo_meta(data[:cut]) for cut in range(len(data))]
    for meta in results:
        assert_sane(meta)
    assert results[-1].has_position  # whole EXIF, only the end of the image missing


FUZZ_BASE = make_image(
    {**VALID_GPS, 1: "S", 5: b"\x01", 6: R(166), 16: "M", 17: R(291), 31: R(10), **GPS_TIME},
    ifd0={0x010F: "Acme", 0x0112: 6},
    exif_ifd=EXIF_TIME,
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the corrupt EXIF it skips
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(FUZZ_BASE) - 1), st.integers(0, 255)), max_size=12),
    cut=st.integers(0, len(FUZZ_BASE)),
)
def test_fuzzed_jpeg_never_raises(edits, cut):
    data = bytearray(FUZZ_BASE)
    for position, byte in edits:
        data[position] = byte
    assert_sane(read_photo_meta(bytes(data[:cut])))
