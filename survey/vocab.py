"""Every enumeration and its human labels, once: models, schemas, rules, templates and scripts read them here.

Each vocabulary is a tuple of its values, in the order pages offer them, and a dict of their labels.
The attribute vocabularies follow OpenStreetMap's camera tags where OSM has one. Pages and scripts get
them from the server (`served()`, the `vocab` template global and GET /api/v1/vocab), never from a copy.
"""

from typing import Final

# Sighting statuses: a volunteer's report waits, is decided, or waits for the volunteer's answer.
PENDING: Final = "pending"
NEEDS_INFO: Final = "needs_info"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
SIGHTING_STATUSES = (PENDING, NEEDS_INFO, APPROVED, REJECTED)
OPEN_SIGHTING_STATUSES = (PENDING, NEEDS_INFO)  # the ones a moderator can still decide
DECIDED_SIGHTING_STATUSES = (APPROVED, REJECTED, NEEDS_INFO)  # the ones a moderator can reopen
SIGHTING_STATUS_LABELS = {
    PENDING: "Waiting for review",
    NEEDS_INFO: "Needs more information",
    APPROVED: "Approved",
    REJECTED: "Rejected",
}

# Camera statuses. removed: seen gone on a re-survey, still public. withdrawn: every confirmation was
# taken back, so as far as the public knows it never existed; the row stays for the audit trail.
ACTIVE: Final = "active"
REMOVED: Final = "removed"
WITHDRAWN: Final = "withdrawn"
CAMERA_STATUSES = (ACTIVE, REMOVED, WITHDRAWN)
PUBLIC_CAMERA_STATUSES = (ACTIVE, REMOVED)
CAMERA_STATUS_LABELS = {ACTIVE: "Active", REMOVED: "Removed", WITHDRAWN: "Withdrawn"}
# The public downloads' status filter: one public status, or both.
ALL_PUBLIC: Final = "all"
CAMERA_STATUS_FILTERS = (*PUBLIC_CAMERA_STATUSES, ALL_PUBLIC)
CAMERA_STATUS_FILTER_LABELS = {ACTIVE: "Active", REMOVED: "Removed", ALL_PUBLIC: "Active and removed"}

ADMIN: Final = "admin"
MODERATOR: Final = "moderator"
ROLES = (ADMIN, MODERATOR)
ROLE_LABELS = {ADMIN: "Administrator", MODERATOR: "Moderator"}

REJECT_REASONS = ("not_a_camera", "duplicate_photo", "no_usable_location", "photo_unclear", "abuse_or_spam", "other")
REJECT_REASON_LABELS = {
    "not_a_camera": "Not a camera",
    "duplicate_photo": "Duplicate photo",
    "no_usable_location": "No usable location",
    "photo_unclear": "Photo unclear",
    "abuse_or_spam": "Abuse or spam",
    "other": "Other",
}

# Where a position or a heading came from. A page sends only device or manual; the photo's EXIF is
# read on the server, and reviewer marks a moderator's correction.
EXIF: Final = "exif"
DEVICE: Final = "device"
MANUAL: Final = "manual"
REVIEWER: Final = "reviewer"
LOCATION_SOURCES = (EXIF, DEVICE, MANUAL, REVIEWER)
HEADING_SOURCES = LOCATION_SOURCES
SENT_SOURCES = (DEVICE, MANUAL)
# Which candidate the volunteer confirmed on the page's map (position_choice): that one is stored.
POSITION_CHOICES = (MANUAL, EXIF, DEVICE)
LOCATION_SOURCE_LABELS = {
    EXIF: "the photo's GPS",
    DEVICE: "the phone's location",
    MANUAL: "the volunteer's pin",
    REVIEWER: "a moderator's correction",
}
HEADING_SOURCE_LABELS = {
    EXIF: "the photo's compass",
    DEVICE: "the phone's compass",
    MANUAL: "set by hand",
    REVIEWER: "a moderator's correction",
}
# Where captured_at came from: the photo's GPS clock, its EXIF time with offset, or the phone's clock.
CAPTURED_AT_SOURCES = ("gps", EXIF, DEVICE)
CAPTURED_AT_SOURCE_LABELS = {"gps": "the photo's GPS clock", EXIF: "the photo's clock", DEVICE: "the phone's clock"}
HEADING_REFS = ("T", "M")
HEADING_REF_LABELS = {"T": "true north", "M": "magnetic north"}
# How the photo was picked on the capture page: a gallery photo may have been taken elsewhere.
CAPTURES = ("camera", "gallery")
CAPTURE_LABELS = {"camera": "Taken with the camera", "gallery": "Picked from the gallery"}

# A volunteer's answer to "is this the confirmed camera nearby?"
SAME: Final = "same"
DIFFERENT: Final = "different"
NEARBY_ANSWERS = (SAME, DIFFERENT)
NEARBY_ANSWER_LABELS = {SAME: "The same camera", DIFFERENT: "A different camera here"}

# The queue's sort orders; their columns are in review/work_queue.py.
OLDEST: Final = "oldest"
QUEUE_SORTS = (OLDEST, "newest", "most_warnings", "likely_repeat")
QUEUE_SORT_LABELS = {
    OLDEST: "oldest first",
    "newest": "newest first",
    "most_warnings": "most warnings",
    "likely_repeat": "likely repeats first",
}

# Camera attributes, as their OSM tags.
CAMERA_TYPES = ("dome", "fixed", "panning")  # camera:type
CAMERA_TYPE_LABELS = {"dome": "Dome", "fixed": "Fixed / bullet", "panning": "PTZ / panning"}
MOUNTS = ("pole", "wall", "street_lamp", "traffic_signal", "building", "ceiling", "tree")  # camera:mount
MOUNT_LABELS = {
    "pole": "Pole",
    "wall": "Wall",
    "street_lamp": "Street lamp",
    "traffic_signal": "Traffic signal",
    "building": "Building",
    "ceiling": "Ceiling",
    "tree": "Tree",
}
SURVEILLANCE_TYPES = ("camera", "ALPR")  # surveillance:type
SURVEILLANCE_TYPE_LABELS = {"camera": "Camera", "ALPR": "ANPR"}
ZONES = ("town", "traffic", "parking", "shop", "bank", "building", "entrance")  # surveillance:zone
ZONE_LABELS = {
    "town": "Town",
    "traffic": "Traffic",
    "parking": "Parking",
    "shop": "Shop",
    "bank": "Bank",
    "building": "Building",
    "entrance": "Entrance",
}
# Signage is ours alone: OSM has no key for it.
SIGNAGE = ("same_structure", "within_50m", "further", "none", "unknown")
SIGNAGE_LABELS = {
    "same_structure": "On the same structure",
    "within_50m": "Within 50 m",
    "further": "Further away",
    "none": "None seen",
    "unknown": "Not known",
}
# What a sighting reports: a camera, or a sign saying who runs cameras and why.
CAMERA: Final = "camera"
SIGN: Final = "sign"
SIGHTING_KINDS = (CAMERA, SIGN)
SIGHTING_KIND_LABELS = {CAMERA: "Camera", SIGN: "Sign"}
# A camera's signage, measured from the approved signs (the volunteer's `signage` answer stays beside it).
# none_found needs the streets within SIGN_RADIUS_M walked since the camera was first seen; else not_surveyed.
SIGN_RADIUS_M: Final = 50.0
SIGNAGE_CLASSES = ("on_structure", "within_50m", "beyond_50m", "none_found", "not_surveyed")
SIGNAGE_CLASS_LABELS = {
    "on_structure": "Sign on the camera's structure",
    "within_50m": "Sign within 50 m",
    "beyond_50m": "Nearest sign beyond 50 m",
    "none_found": "No sign found (streets surveyed)",
    "not_surveyed": "Not surveyed for signs",
}
NOT_SURVEYED: Final = "not_surveyed"
# Nearest-sign distances are measured out to SIGN_SEARCH_M (beyond_50m needs a sign found beyond 50 m);
# a farther sign leaves them null. So one sign decision can change only the cameras within this distance.
SIGN_SEARCH_M: Final = 200.0
# Operator is free text; these are the quick taps the capture page offers for it.
OPERATOR_SUGGESTIONS = ("council", "police", "transport", "private")
OPERATOR_SUGGESTION_LABELS = {"council": "Council", "police": "Police", "transport": "Transport", "private": "Private"}
KNOWN_MANUFACTURERS = ("Hikvision", "Dahua", "Hanwha", "Axis", "Bosch", "Avigilon", "Uniview", "Motorola", "Flock")

# Every vocabulary by the name it is served under: (values, labels).
VOCABULARIES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "sighting_status": (SIGHTING_STATUSES, SIGHTING_STATUS_LABELS),
    "open_sighting_status": (OPEN_SIGHTING_STATUSES, SIGHTING_STATUS_LABELS),
    "camera_status": (CAMERA_STATUSES, CAMERA_STATUS_LABELS),
    "public_camera_status": (PUBLIC_CAMERA_STATUSES, CAMERA_STATUS_LABELS),
    "camera_status_filter": (CAMERA_STATUS_FILTERS, CAMERA_STATUS_FILTER_LABELS),
    "role": (ROLES, ROLE_LABELS),
    "reject_reason": (REJECT_REASONS, REJECT_REASON_LABELS),
    "location_source": (LOCATION_SOURCES, LOCATION_SOURCE_LABELS),
    "heading_source": (HEADING_SOURCES, HEADING_SOURCE_LABELS),
    "captured_at_source": (CAPTURED_AT_SOURCES, CAPTURED_AT_SOURCE_LABELS),
    "heading_ref": (HEADING_REFS, HEADING_REF_LABELS),
    "capture": (CAPTURES, CAPTURE_LABELS),
    "nearby_answer": (NEARBY_ANSWERS, NEARBY_ANSWER_LABELS),
    "queue_sort": (QUEUE_SORTS, QUEUE_SORT_LABELS),
    "camera_type": (CAMERA_TYPES, CAMERA_TYPE_LABELS),
    "mount": (MOUNTS, MOUNT_LABELS),
    "surveillance_type": (SURVEILLANCE_TYPES, SURVEILLANCE_TYPE_LABELS),
    "zone": (ZONES, ZONE_LABELS),
    "signage": (SIGNAGE, SIGNAGE_LABELS),
    "sighting_kind": (SIGHTING_KINDS, SIGHTING_KIND_LABELS),
    "signage_class": (SIGNAGE_CLASSES, SIGNAGE_CLASS_LABELS),
    "operator_suggestion": (OPERATOR_SUGGESTIONS, OPERATOR_SUGGESTION_LABELS),
    "manufacturer": (KNOWN_MANUFACTURERS, {name: name for name in KNOWN_MANUFACTURERS}),
}


def label(vocabulary: str, value: str | None) -> str | None:
    """The human label of a value ('needs_info' -> 'Needs more information'); an unknown value as it is."""
    if value is None:
        return None
    return VOCABULARIES[vocabulary][1].get(value, value)


# What a public page may carry: the camera's own attributes, never the intake's or review's words.
PUBLIC_VOCABULARIES = frozenset(
    {
        "public_camera_status",
        "camera_status_filter",
        "camera_type",
        "mount",
        "surveillance_type",
        "zone",
        "signage",
        "signage_class",
    }
)


def served(names: frozenset[str] | None = None) -> dict[str, list[dict[str, str]]]:
    """The vocabularies (all, or those named) as the pages and GET /api/v1/vocab get them: ordered {value, label} terms."""
    return {
        name: [{"value": value, "label": labels[value]} for value in values]
        for name, (values, labels) in VOCABULARIES.items()
        if names is None or name in names
    }


def canonical_manufacturer(value: str | None) -> str | None:
    """'hikvision ' -> 'Hikvision', so counts by maker are not split by spelling."""
    if value is None:
        return None
    cleaned = " ".join(value.split())
    for known in KNOWN_MANUFACTURERS:
        if cleaned.lower() == known.lower():
            return known
    return cleaned or None


# The largest id an INTEGER column holds (32-bit on PostgreSQL): a larger one cannot exist, and drivers
# would fail on it, so routes, schemas and lookups refuse it first.
MAX_ID: Final = 2**31 - 1


# Survey areas (survey/areas): the OSM highway values a volunteer can walk along. Motorways and trunk
# roads are left out: nobody surveys them on foot.
WALKABLE_HIGHWAYS = frozenset(
    {
        "residential", "living_street", "pedestrian", "footway", "path", "steps", "unclassified",
        "primary", "secondary", "tertiary", "primary_link", "secondary_link", "tertiary_link",
        "service", "cycleway", "track", "road", "bridleway", "corridor",
    }
)  # fmt: skip
NOT_WALKED: Final = "not_walked"
WALKED: Final = "walked"
DUE_AGAIN: Final = "due_again"
STREET_STATES = (NOT_WALKED, WALKED, DUE_AGAIN)
STREET_STATE_LABELS = {NOT_WALKED: "Not walked yet", WALKED: "Walked", DUE_AGAIN: "Due to be walked again"}
VOCABULARIES["street_state"] = (STREET_STATES, STREET_STATE_LABELS)
# The capture page's street map also tells walked streets with public cameras on them from those without.
WALKED_WITH_CAMERAS: Final = "walked_with_cameras"
STREET_MAP_STATES = (NOT_WALKED, WALKED, WALKED_WITH_CAMERAS, DUE_AGAIN)
STREET_MAP_LABELS = {**STREET_STATE_LABELS, WALKED_WITH_CAMERAS: "Walked, cameras found"}
VOCABULARIES["street_map_state"] = (STREET_MAP_STATES, STREET_MAP_LABELS)

# OSM's surveillance=* for each surveillance:zone, after the OSM wiki's Key:surveillance: `public` watches
# public space, `outdoor` a private outdoor area (a car park, a building's entrance), `indoor` the inside
# of a shop, bank or building. No zone, no claim: the OSM export then leaves the tag out.
SURVEILLANCE_BY_ZONE: Final = {
    "town": "public",
    "traffic": "public",
    "parking": "outdoor",
    "entrance": "outdoor",
    "shop": "indoor",
    "bank": "indoor",
    "building": "indoor",
}

# Findings (survey/findings): a camera counts as signed when a sign is on its structure or within
# SIGN_RADIUS_M; every other class is "no sign within 50 m" (not_surveyed says how many of those are unsure).
SIGNED_CLASSES = ("on_structure", "within_50m")
NOT_RECORDED_LABEL: Final = "Not recorded"
# Plausibility warnings a moderator sees but the volunteer's receipt leaves out: a duplicate photo
# names another volunteer's sighting, so telling the sender would tell them about someone else.
MODERATOR_ONLY_WARNINGS = frozenset({"duplicate_photo"})

# How likely a merge candidate is the same camera (survey/likelihood.py gives the score).
LIKELY_SAME: Final = "likely_same"
POSSIBLE: Final = "possible"
NEIGHBOUR: Final = "neighbour"
LIKELIHOODS = (LIKELY_SAME, POSSIBLE, NEIGHBOUR)
LIKELIHOOD_LABELS = {LIKELY_SAME: "very likely the same", POSSIBLE: "possible", NEIGHBOUR: "a neighbour"}
VOCABULARIES["likelihood"] = (LIKELIHOODS, LIKELIHOOD_LABELS)

# Plausibility warnings: intake stores a code and its values, warning_message words them for people.
LOW_ACCURACY: Final = "low_accuracy"
POSITION_MISMATCH: Final = "position_mismatch"
POSITION_NOT_FROM_PHOTO: Final = "position_not_from_photo"
TIME_IN_FUTURE: Final = "time_in_future"
TIME_OLD: Final = "time_old"
DUPLICATE_PHOTO: Final = "duplicate_photo"
PIN_FAR_FROM_PHOTO: Final = "pin_far_from_photo"
PIN_FAR_FROM_DEVICE: Final = "pin_far_from_device"
WARNING_SENTENCES = {
    LOW_ACCURACY: "The position is only known to within {accuracy_m:distance} (worse than {limit_m:distance}).",
    POSITION_MISMATCH: "The photo's GPS is {distance_m:distance} from the phone's position.",
    POSITION_NOT_FROM_PHOTO: "Photo picked from the gallery: the position{heading:and heading} is the phone's when"
    " sending, not necessarily where the photo was taken.",
    TIME_IN_FUTURE: "The photo's time is {ahead_s:duration} in the future.",
    TIME_OLD: "The photo was taken {age_s:duration} ago.",
    DUPLICATE_PHOTO: "The same photo was already sent with sighting {sighting_id}.",
    PIN_FAR_FROM_PHOTO: "The pin is {distance_m:distance} from the photo's GPS, more than its accuracy allows"
    " ({allowed_m:distance}).",
    PIN_FAR_FROM_DEVICE: "The pin is {distance_m:distance} from the phone's position, more than its accuracy"
    " allows ({allowed_m:distance}).",
}
WARNINGS = tuple(WARNING_SENTENCES)
WARNING_LABELS = {
    LOW_ACCURACY: "vague position",
    POSITION_MISMATCH: "positions disagree",
    POSITION_NOT_FROM_PHOTO: "gallery photo",
    TIME_IN_FUTURE: "time in the future",
    TIME_OLD: "old photo",
    DUPLICATE_PHOTO: "photo sent before",
    PIN_FAR_FROM_PHOTO: "pin far from photo",
    PIN_FAR_FROM_DEVICE: "pin far from phone",
}
VOCABULARIES["warning"] = (WARNINGS, WARNING_LABELS)  # the badge; warning_message gives the sentence


class _Worded(dict):
    """A warning's values, formatted the way a person reads them."""

    def __getitem__(self, name):
        return _Value(dict.get(self, name))


class _Value:
    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        v = self.value
        if spec == "distance":
            return f"{v:,.0f} m" if v < 1000 else f"{v / 1000:,.1f} km" if v < 10_000 else f"{v / 1000:,.0f} km"
        if spec == "duration":
            for unit, seconds in (("year", 31_557_600), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
                if v >= seconds:
                    n = int(v // seconds)
                    return f"{n:,} {unit}{'s' if n != 1 else ''}"
            return f"{v:.0f} seconds"
        if spec == "and heading":
            return " and heading" if v else ""
        return format(v, spec)


def warning_message(warning: dict) -> str:
    """A stored warning in words: its code and values made a sentence; an older row keeps its own."""
    template, values = WARNING_SENTENCES.get(warning.get("code")), warning.get("values")
    if template is None or values is None:
        return warning.get("message") or str(warning.get("code", "")).replace("_", " ")
    try:
        return template.format_map(_Worded(values))
    except (TypeError, ValueError):  # a value of the wrong kind: say what is known rather than fail a page
        return warning.get("message") or warning["code"].replace("_", " ")
