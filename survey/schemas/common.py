"""What several schemas share: id and coordinate ranges, the error shape, attributes, and a sighting's parts."""

from datetime import UTC
from typing import ClassVar

from marshmallow import Schema, fields, validate

from survey import vocab
from survey.models import ATTRIBUTE_NAMES
from survey.schemas.dumping import Out, Part

LAT = validate.Range(min=-90, max=90)
LON = validate.Range(min=-180, max=180)
ID = validate.Range(min=1, max=vocab.MAX_ID)


class AttributesIn(Schema):
    manufacturer = fields.String(validate=validate.Length(max=80))
    model = fields.String(validate=validate.Length(max=120))
    camera_type = fields.String(validate=validate.OneOf(vocab.CAMERA_TYPES))
    mount = fields.String(validate=validate.OneOf(vocab.MOUNTS))
    surveillance_type = fields.String(validate=validate.OneOf(vocab.SURVEILLANCE_TYPES))
    zone = fields.String(validate=validate.OneOf(vocab.ZONES))
    operator = fields.String(validate=validate.Length(max=200))
    signage = fields.String(validate=validate.OneOf(vocab.SIGNAGE))


# Every attribute is in the answer, null when nobody said.
AttributesOut = Out.from_dict({name: fields.String(allow_none=True) for name in ATTRIBUTE_NAMES}, name="AttributesOut")


class ErrorOut(Schema):
    """The one error shape, with the optional members some errors add (documents every error response)."""

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status name"})
    message = fields.String(metadata={"description": "What went wrong, for a person to read"})
    errors = fields.Dict(
        metadata={"description": "Field-level errors: {field: [messages]}, whichever part of the request"}
    )
    code_name = fields.String(metadata={"description": "A stable machine name, e.g. no_position, image_corrupt"})
    retry = fields.Boolean(metadata={"description": "True when the same request may succeed later (503)"})
    retry_after = fields.Integer(metadata={"description": "Seconds to wait before retrying (429)"})
    sighting_id = fields.Integer(metadata={"description": "The sighting that already uses this client_id (409)"})
    current = fields.Dict(metadata={"description": "The record as it stands now, when a change came too late (409)"})


class LocationOut(Out):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)
    source = fields.String(
        attribute="location_source",
        metadata={"description": "exif, device, manual (the volunteer's pin) or reviewer (a moderator's correction)"},
    )


class HeadingOut(Out):
    degrees = fields.Float(attribute="heading")
    ref = fields.String(attribute="heading_ref", allow_none=True, metadata={"description": "T (true) or M (magnetic)"})
    source = fields.String(attribute="heading_source", metadata={"description": "exif, device, manual or reviewer"})


def warning_values(warning: dict) -> dict:
    """A stored warning's figures; {} for one stored before warnings had values (it keeps a message)."""
    return warning.get("values") or {}


class WarningOut(Out):
    """A plausibility warning: its code, its values, and both in words (vocab.warning_message)."""

    code = fields.String(validate=validate.OneOf(vocab.WARNINGS))
    message = fields.String(metadata={"description": "e.g. \"The photo's GPS is 1,480 km from the phone's position.\""})
    values = fields.Dict(metadata={"description": "The figures the message gives, by name."})

    # Both dumps read message and values through one function each, as queue_json does: marshmallow's
    # own get_value would find dict.values on a warning stored without values.
    _MADE: ClassVar[dict] = {"message": vocab.warning_message, "values": warning_values}

    def get_attribute(self, obj, attr, default):
        made = self._MADE.get(attr)
        return made(obj) if made else super().get_attribute(obj, attr, default)

    def getter(self):
        # The compiled dump reads a stored dict through a wrapper that holds it as `_data`.
        plain = super().getter()
        return lambda attr: (
            (lambda obj, made=self._MADE[attr]: made(getattr(obj, "_data", obj))) if attr in self._MADE else plain(attr)
        )


class SightingBase(Out):
    """What the volunteer and the moderators both see of a sighting."""

    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(vocab.SIGHTING_STATUSES))
    location = Part(LocationOut)
    heading = Part(HeadingOut, present="heading")
    captured_at = fields.DateTime(allow_none=True)
    captured_at_source = fields.String(allow_none=True, metadata={"description": "gps, exif or device"})
    submitted_at = fields.DateTime()
    warnings = fields.List(fields.Nested(WarningOut))
    attributes = Part(AttributesOut)
    notes = fields.String(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    moderator_note = fields.String(allow_none=True)
    nearby_camera_id = fields.Integer(
        allow_none=True, metadata={"description": "The camera the volunteer answered about."}
    )
    nearby_answer = fields.String(allow_none=True, metadata={"description": "same or different"})
    kind = fields.String(validate=validate.OneOf(vocab.SIGHTING_KINDS), metadata={"description": "camera or sign"})
    sign_purpose = fields.String(allow_none=True, metadata={"description": "A sign's stated purpose."})
    sign_has_contact = fields.Boolean(allow_none=True, metadata={"description": "A sign gives a contact."})
    sign_camera_id = fields.Integer(allow_none=True, metadata={"description": "The camera a sign is fixed to."})


class UTCDateTime(fields.AwareDateTime):
    """An ISO date-time with offset that also exists in UTC, where it is stored and compared.

    9999-12-31T23:59:59-14:00 parses, but is in year 10000 once in UTC: refused here, not at the database.
    """

    default_error_messages: ClassVar[dict] = {"utc_range": "Date-time out of range once converted to UTC."}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise self.make_error("utc_range") from None
        return moment
