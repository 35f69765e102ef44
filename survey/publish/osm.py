"""OpenStreetMap XML for JOSM: each camera as a new, never-uploaded node with OSM's surveillance tags.

`surveillance=public|outdoor|indoor` follows the zone (vocab.SURVEILLANCE_BY_ZONE, after the OSM wiki)
and is left out when the zone is unknown. Tag values carry no control characters (JOSM flags them),
coordinates are plain decimals (never `2e-05`). Signage has no OSM key and stays out.
"""

import re
from xml.sax.saxutils import quoteattr

from survey import vocab

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="cctv-survey" upload="never">\n'
FOOTER = "</osm>\n"
# Control characters (C0, DEL, C1) and the non-characters XML 1.0 cannot carry; line breaks and tabs
# become spaces first, so words they separated stay apart.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
MAX_VALUE = 255  # the OSM API refuses longer tag values

# (OSM key, our column) for the tags copied as they are.
COPIED = (
    ("surveillance:type", "surveillance_type"),
    ("camera:type", "camera_type"),
    ("camera:mount", "mount"),
    ("camera:direction", "direction"),
    ("surveillance:zone", "zone"),
    ("operator", "operator"),
    ("manufacturer", "manufacturer"),
    ("check_date", "last_confirmed"),
)


def osm_tags(camera: dict) -> list[tuple[str, str]]:
    """The OSM tags for one camera (a mapping of its public columns), empty values left out."""
    tags = [("man_made", "surveillance")]
    if surveillance := vocab.SURVEILLANCE_BY_ZONE.get(camera.get("zone")):
        tags.append(("surveillance", surveillance))
    for key, name in COPIED:
        if value := tag_value(camera.get(name)):
            tags.append((key, value))
    return tags


def tag_value(value) -> str:
    """A value as OSM wants it: no control characters, single spaces, nothing around, at most 255 characters."""
    if value is None:
        return ""
    words = " ".join(str(value).split())  # line breaks and tabs become single spaces
    return " ".join(CONTROL.sub("", words).split())[:MAX_VALUE].rstrip()


def plain_decimal(degrees: float) -> str:
    """7 decimals at most, trailing zeros dropped, never an exponent: 2e-05 is written 0.00002."""
    text = f"{degrees:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def osm_node(camera: dict) -> str:
    """A <node> with a negative id (new to OSM), derived from our camera id so it is stable."""
    lat, lon = plain_decimal(camera["lat"]), plain_decimal(camera["lon"])
    lines = [f'  <node id="-{camera["id"]}" lat="{lat}" lon="{lon}">\n']
    lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>\n" for k, v in osm_tags(camera)]
    lines.append("  </node>\n")
    return "".join(lines)
