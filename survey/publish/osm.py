"""OpenStreetMap XML for JOSM: each camera as a new, never-uploaded node with OSM's surveillance tags.

`surveillance=public` when the zone says the camera watches public space (town, traffic), otherwise
`outdoor`: our volunteers photograph cameras from the street, so `indoor` never applies, and without a
zone we cannot claim the camera watches a public place. Signage has no OSM key and stays out.
"""

import re
from xml.sax.saxutils import quoteattr

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="cctv-survey" upload="never">\n'
FOOTER = "</osm>\n"
PUBLIC_ZONES = ("town", "traffic")
# Characters XML 1.0 cannot carry at all; free text typed on a phone may still hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Kept as references, or a parser would fold them into spaces.
WHITESPACE = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}

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
    surveillance = "public" if camera.get("zone") in PUBLIC_ZONES else "outdoor"
    tags = [("man_made", "surveillance"), ("surveillance", surveillance)]
    for key, name in COPIED:
        value = camera.get(name)
        value = "" if value is None else NOT_XML.sub("", str(value)).strip()
        if value:
            tags.append((key, value))
    return tags


def osm_node(camera: dict) -> str:
    """A <node> with a negative id (new to OSM), derived from our camera id so it is stable."""
    lines = [f'  <node id="-{camera["id"]}" lat="{camera["lat"]!r}" lon="{camera["lon"]!r}">\n']
    lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v, WHITESPACE)}/>\n" for k, v in osm_tags(camera)]
    lines.append("  </node>\n")
    return "".join(lines)
