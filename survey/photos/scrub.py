"""Remove what identifies a volunteer's camera from the private original, keeping its pixels.

Pure: bytes in, bytes out, never raises. Serial numbers, owner and artist names, unique image
ids, user comments and maker notes (where vendors keep serials) are overwritten with zeros
in place, so every offset in the file stays valid. In JPEGs, segments moderators never need
(XMP, IPTC, vendor blocks such as FLIR and GoPro, comments) and anything after the image are
dropped. In the other formats (PNG, TIFF, WebP, HEIC, AVIF) the same fields are blanked where
they lie: XMP creator, rights and serials, TIFF IPTC and Photoshop blocks; PNG, whose chunks
hold no offsets, also loses its author and rights text chunks. Position, heading and time stay:
they are the evidence moderators check.
"""

import re
import struct
import zlib

from survey.photos.exif_fallback import TIFF_HEADERS

# IFD0: Artist, Copyright, XPAuthor, XPComment, CameraSerialNumber (DNG), IPTC-NAA, Photoshop (IPTC inside).
# Exif IFD: UserComment, MakerNote, ImageUniqueID, CameraOwnerName, BodySerialNumber, LensSerialNumber.
IDENTIFYING_TAGS = frozenset(
    {0x013B, 0x8298, 0x9C9D, 0x9C9C, 0xC62F, 0x83BB, 0x8649, 0x9286, 0x927C, 0xA420, 0xA430, 0xA431, 0xA435}
)
SUB_IFDS = (0x8769, 0x8825, 0xA005)  # Exif, GPS, Interoperability
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
# XMP properties naming a person, their rights or a device: as attributes or as elements (whose
# values may be nested rdf:Seq/Alt/Bag lists). Every xmpRights and xmpMM (document ids) property.
_XMP_NAME = (
    rb"(?:(?:dc|photoshop|Iptc4xmpCore|plus):(?:creator|rights|contributor|publisher|AuthorsPosition|Credit|"
    rb"CaptionWriter|CreatorContactInfo|CopyrightOwner|ImageCreator|Licensor)"
    rb"|(?:aux|exifEX|tiff|exif):(?:\w*SerialNumber|\w*OwnerName|Artist|Copyright|ImageUniqueID)"
    rb"|xmpRights:\w+|xmpMM:\w*ID)"
)
XMP_ATTRIBUTE = re.compile(rb"\b(" + _XMP_NAME + rb")\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
XMP_ELEMENT = re.compile(rb"<(" + _XMP_NAME + rb")(?:\s[^>]*)?(?<!/)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
# PNG text chunks whose keyword says they name a person or their rights (PNG spec 11.3.4.2, ImageMagick's
# raw profiles); a PNG's XMP is blanked like any other.
PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
PNG_IDENTIFYING_KEYWORDS = {
    b"author",
    b"artist",
    b"copyright",
    b"comment",
    b"description",
    b"disclaimer",
    b"source",
    b"warning",
    b"raw profile type iptc",
    b"raw profile type 8bim",
}
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"
KEEP_JPEG_APPS = {0xE0: b"JFIF", 0xE1: b"Exif\x00", 0xE2: b"ICC_PROFILE", 0xEE: b"Adobe"}
MAX_IFDS = 64


def scrub_original(data: bytes, fmt: str) -> bytes:
    """The upload without identifying tags; the input unchanged if it cannot be parsed."""
    try:
        if fmt == "jpeg":
            return _scrub_jpeg(data)
        buffer = bytearray(data)
        for start in [0] if fmt == "tiff" else _tiff_starts(buffer):
            _scrub_tiff(buffer, start)
        _blank_xmp(buffer)
        return _scrub_png(buffer) if fmt == "png" else bytes(buffer)
    except Exception:  # a file we cannot walk is kept as it came; its copies are clean anyway
        return data


def _tiff_starts(buffer: bytearray) -> list[int]:
    starts = []
    for header, skip in TIFF_HEADERS:
        at = buffer.find(header)
        while at >= 0 and len(starts) < 16:
            starts.append(at + skip)
            at = buffer.find(header, at + 1)
    return sorted(set(starts))


def _scrub_tiff(buffer: bytearray, start: int) -> None:
    """Zero the identifying tags' values in every IFD reachable from the TIFF header at start."""
    order = "<" if buffer[start : start + 2] == b"II" else ">"
    pending, seen = [struct.unpack_from(order + "I", buffer, start + 4)[0]], set()
    while pending and len(seen) < MAX_IFDS:
        offset = pending.pop()
        if offset in seen or not offset > 0 or start + offset + 2 > len(buffer):
            continue
        seen.add(offset)
        pending.extend(_scrub_ifd(buffer, start, start + offset, order))


def _scrub_ifd(buffer: bytearray, start: int, at: int, order: str) -> list[int]:
    """Blank one IFD's identifying values; return the offsets of the IFDs it points to."""
    count = struct.unpack_from(order + "H", buffer, at)[0]
    linked = []
    for entry in range(at + 2, min(at + 2 + 12 * count, len(buffer) - 11), 12):
        tag, kind, number, value = struct.unpack_from(order + "HHII", buffer, entry)
        size = TYPE_SIZES.get(kind, 1) * number
        if tag in SUB_IFDS:
            linked.append(value)
        elif tag in IDENTIFYING_TAGS:
            begin = entry + 8 if size <= 4 else start + value
            end = min(begin + max(size, 0), len(buffer))
            buffer[begin:end] = bytes(max(0, end - begin))
    next_at = at + 2 + 12 * count
    if next_at + 4 <= len(buffer):
        linked.append(struct.unpack_from(order + "I", buffer, next_at)[0])
    return linked


def _blank_xmp(buffer: bytearray) -> None:
    """Spaces over identifying XMP values, in place: the packet keeps its length and stays well-formed."""
    text = bytes(buffer)
    spans = [m.span(2) if m.group(2) is not None else m.span(3) for m in XMP_ATTRIBUTE.finditer(text)]
    spans += [m.span(2) for m in XMP_ELEMENT.finditer(text)]
    for begin, end in spans:
        buffer[begin:end] = b" " * (end - begin)


def _scrub_png(buffer: bytearray) -> bytes:
    """The chunks again, without identifying text chunks, with XMP blanked even when compressed; CRCs redone."""
    out, at = bytearray(buffer[:8]), 8
    while at + 12 <= len(buffer):
        length = struct.unpack_from(">I", buffer, at)[0]
        kind, body = bytes(buffer[at + 4 : at + 8]), bytes(buffer[at + 8 : at + 8 + length])
        if len(body) < length:
            break
        at += 12 + length
        if kind in PNG_TEXT_CHUNKS:
            keyword = body.split(b"\x00", 1)[0]
            if keyword.lower() in PNG_IDENTIFYING_KEYWORDS:
                continue
            if kind == b"iTXt" and keyword == PNG_XMP_KEYWORD:
                body = _png_xmp(body)
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return bytes(out + buffer[at:])


def _png_xmp(body: bytes) -> bytes:
    """An iTXt XMP chunk's body, blanked and stored uncompressed (it may have come compressed)."""
    keyword, rest = body.split(b"\x00", 1)
    compressed, tail = rest[0], rest[2:]  # compression flag and method
    language, translated, text = tail.split(b"\x00", 2)
    packet = bytearray(zlib.decompress(text) if compressed else text)
    _blank_xmp(packet)
    return b"\x00".join((keyword, b"\x00\x00" + language, translated, bytes(packet)))


def _scrub_jpeg(data: bytes) -> bytes:
    """Keep JFIF, Exif (scrubbed), ICC and Adobe segments and the image; drop the rest."""
    out, at = bytearray(data[:2]), 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = struct.unpack_from(">H", data, at + 2)[0]
        segment = bytearray(data[at : at + 2 + length])
        if marker == 0xDA:
            return bytes(out + data[at : _end_of_image(data, at)])
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            signature = KEEP_JPEG_APPS.get(marker)
            if signature is None or not segment[4:].startswith(signature):
                at += 2 + length
                continue
            if marker == 0xE1:
                _scrub_tiff(segment, 10)
        out += segment
        at += 2 + length
    return data  # no image data found: not a JPEG we understand


def _end_of_image(data: bytes, at: int) -> int:
    """The offset just past EOI, walking scans and the segments between progressive scans."""
    while at + 4 <= len(data):
        at += 2 + struct.unpack_from(">H", data, at + 2)[0]  # past this segment's header
        while True:  # entropy-coded data: FF00 is a stuffed byte, FFD0-FFD7 restart markers
            at = data.find(b"\xff", at)
            if at < 0 or at + 1 >= len(data):
                return len(data)
            if data[at + 1] not in (0x00, 0xFF) and not 0xD0 <= data[at + 1] <= 0xD7:
                break
            at += 1
        if data[at + 1] == 0xD9:
            return at + 2
    return len(data)
