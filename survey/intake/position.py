"""Where a sighting is: the trust order between the volunteer's pin, the photo's GPS and the phone's fix.

Every candidate is kept for moderators (manual_*, exif_*, device_*). The page says which one the
volunteer confirmed on its map (`position_choice`) and that one is stored; an API client that sends
no choice gets the older order: the photo's GPS, else what was sent.
"""

from survey import vocab
from survey.errors import Invalid, NoPosition
from survey.geo import distance_m
from survey.models import Sighting
from survey.photos.exif import PhotoMeta

NO_POSITION = "This photo has no location: allow location access or place a pin on the map."
NO_PHOTO_GPS = "The photo's GPS could not be read on the server: place the pin on the camera and send again."
NO_SENT = "position_choice {choice} needs lat and lon with location_source={choice}."
# A camera is usually photographed from the pavement across the street: a pin that far from where
# the phone or the photo says it stood is expected, beyond that plus their accuracies it is doubtful.
VIEW_DISTANCE_M = 30
UNKNOWN_ACCURACY_M = 30  # a fix that does not say how good it is counts as a typical phone fix


def apply_position(sighting: Sighting, meta: PhotoMeta, fields: dict) -> None:
    """Keep every candidate, then store the confirmed one (or, with no choice, the API order)."""
    _keep_candidates(sighting, meta, fields)
    choice = fields.get("position_choice")
    if choice is not None:
        _store_choice(sighting, meta, fields, choice)
    elif meta.has_position:
        _store(sighting, meta.lat, meta.lon, meta.accuracy_m, vocab.EXIF)
    elif "lat" in fields:
        _store(sighting, fields["lat"], fields["lon"], fields.get("accuracy_m"), fields["location_source"])
    else:
        raise NoPosition(NO_POSITION, extra={"code_name": "no_position"})


def _keep_candidates(sighting: Sighting, meta: PhotoMeta, fields: dict) -> None:
    sighting.exif_lat, sighting.exif_lon = meta.lat, meta.lon
    sighting.exif_accuracy_m, sighting.exif_altitude_m = meta.accuracy_m, meta.altitude_m
    sent = (fields["lat"], fields["lon"]) if "lat" in fields else None
    if sent and fields["location_source"] == vocab.MANUAL:
        sighting.manual_lat, sighting.manual_lon = sent
        sighting.device_lat, sighting.device_lon = fields.get("device_lat"), fields.get("device_lon")
        sighting.device_accuracy_m = fields.get("device_accuracy_m")
    elif sent:
        sighting.device_lat, sighting.device_lon = sent
        sighting.device_accuracy_m = fields.get("accuracy_m")


def _store_choice(sighting: Sighting, meta: PhotoMeta, fields: dict, choice: str) -> None:
    if choice == vocab.EXIF:
        if not meta.has_position:
            raise NoPosition(NO_PHOTO_GPS, errors={"position_choice": ["The photo has no readable GPS position."]})
        _store(sighting, meta.lat, meta.lon, meta.accuracy_m, vocab.EXIF)
        return
    if fields.get("location_source") != choice or "lat" not in fields:
        raise Invalid(NO_SENT.format(choice=choice), errors={"position_choice": [NO_SENT.format(choice=choice)]})
    accuracy = None if choice == vocab.MANUAL else fields.get("accuracy_m")
    _store(sighting, fields["lat"], fields["lon"], accuracy, choice)


def _store(sighting: Sighting, lat: float, lon: float, accuracy_m: float | None, source: str) -> None:
    sighting.lat, sighting.lon, sighting.accuracy_m, sighting.location_source = lat, lon, accuracy_m, source


def pin_warnings(s: Sighting) -> list[dict]:
    """A pin far from the photo's GPS or the phone's fix, beyond their accuracies and a street's width.

    The photo-versus-phone gap is plausibility's position_mismatch; this adds the pin's side.
    """
    if s.manual_lat is None:
        return []
    found = []
    for code, lat, lon, accuracy in (
        (vocab.PIN_FAR_FROM_PHOTO, s.exif_lat, s.exif_lon, s.exif_accuracy_m),
        (vocab.PIN_FAR_FROM_DEVICE, s.device_lat, s.device_lon, s.device_accuracy_m),
    ):
        if lat is None:
            continue
        gap = distance_m(s.manual_lat, s.manual_lon, lat, lon)
        allowed = (UNKNOWN_ACCURACY_M if accuracy is None else accuracy) + VIEW_DISTANCE_M
        if gap > allowed:  # stored as code and values, like plausibility's: vocab.warning_message words it
            found.append({"code": code, "values": {"distance_m": round(gap, 1), "allowed_m": round(allowed, 1)}})
    return found
