"""Controlled vocabularies, aligned with OpenStreetMap's camera tags where OSM has one."""

CAMERA_TYPES = ("fixed", "dome", "panning")
MOUNTS = ("wall", "pole", "ceiling", "street_lamp", "traffic_signal", "tree", "building")
SURVEILLANCE_TYPES = ("camera", "ALPR")
ZONES = ("town", "traffic", "parking", "shop", "bank", "building", "entrance")
# Signage is ours alone: OSM has no key for it.
SIGNAGE = ("same_structure", "within_50m", "further", "none", "unknown")
KNOWN_MANUFACTURERS = ("Hikvision", "Dahua", "Hanwha", "Axis", "Bosch", "Avigilon", "Uniview", "Motorola", "Flock")


def canonical_manufacturer(value: str | None) -> str | None:
    """'hikvision ' -> 'Hikvision', so counts by maker are not split by spelling."""
    if value is None:
        return None
    cleaned = " ".join(value.split())
    for known in KNOWN_MANUFACTURERS:
        if cleaned.lower() == known.lower():
            return known
    return cleaned or None
