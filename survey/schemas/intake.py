"""Marshmallow schemas at the API's edges: what comes in, and what goes out."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from survey import vocab

LAT = validate.Range(min=-90, max=90)
LON = validate.Range(min=-180, max=180)
ID = validate.Range(min=1, max=2**31 - 1)  # ids are INTEGER columns: 32-bit on PostgreSQL


class AttributesIn(Schema):
    manufacturer = fields.String(validate=validate.Length(max=80))
    model = fields.String(validate=validate.Length(max=120))
    camera_type = fields.String(validate=validate.OneOf(vocab.CAMERA_TYPES))
    mount = fields.String(validate=validate.OneOf(vocab.MOUNTS))
    surveillance_type = fields.String(validate=validate.OneOf(vocab.SURVEILLANCE_TYPES))
    zone = fields.String(validate=validate.OneOf(vocab.ZONES))
    operator = fields.String(validate=validate.Length(max=200))
    signage = fields.String(validate=validate.OneOf(vocab.SIGNAGE))


class SightingIn(AttributesIn):
    """The form fields sent with the photos of a new sighting."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.UUID(metadata={"description": "Made by the client at capture; makes retries safe."})
    lat = fields.Float(validate=LAT, metadata={"description": "Position sent by the page (device fix or pin)."})
    lon = fields.Float(validate=LON)
    accuracy_m = fields.Float(validate=validate.Range(min=0, max=100_000))
    location_source = fields.String(validate=validate.OneOf(("device", "manual")), load_default="device")
    device_lat = fields.Float(validate=LAT, metadata={"description": "The device fix, kept when a pin was placed."})
    device_lon = fields.Float(validate=LON)
    device_accuracy_m = fields.Float(validate=validate.Range(min=0, max=100_000))
    heading = fields.Float(validate=validate.Range(min=0, max=360))
    heading_source = fields.String(validate=validate.OneOf(("device", "manual")), load_default="device")
    captured_at = fields.AwareDateTime(metadata={"description": "Device clock at capture, with offset."})
    notes = fields.String(validate=validate.Length(max=2000))
    device_id = fields.String(validate=validate.Length(min=8, max=64), load_only=True)
    capture = fields.String(
        validate=validate.OneOf(("camera", "gallery")),
        metadata={
            "description": "How the page got the photo: taken just now (camera) or picked (gallery). "
            "A gallery photo may have been taken elsewhere, so a device position with it is flagged."
        },
    )

    @validates_schema
    def _pairs(self, data, **kwargs):
        for a, b in (("lat", "lon"), ("device_lat", "device_lon")):
            if (a in data) != (b in data):
                raise ValidationError(f"{a} and {b} go together.", field_name=b if a in data else a)


class PhotosIn(Schema):
    photo = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), required=True)


class SightingUpload(SightingIn, PhotosIn):
    """The whole multipart form, for the OpenAPI spec only: it has one request body per operation."""


class LocationOut(Schema):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)
    source = fields.String(
        metadata={"description": "exif, device, manual (the volunteer's pin) or reviewer (a moderator's correction)"}
    )


class HeadingOut(Schema):
    degrees = fields.Float()
    ref = fields.String(allow_none=True, metadata={"description": "T (true) or M (magnetic)"})
    source = fields.String(metadata={"description": "exif, device, manual or reviewer"})


class WarningOut(Schema):
    code = fields.String()
    message = fields.String()


class NearbyOut(Schema):
    id = fields.Integer()
    distance_m = fields.Float()


class SightingOut(Schema):
    """What the volunteer sees of their own sighting."""

    id = fields.Integer()
    status = fields.String()
    location = fields.Nested(LocationOut)
    heading = fields.Nested(HeadingOut, allow_none=True)
    captured_at = fields.String(allow_none=True)
    captured_at_source = fields.String(allow_none=True)
    submitted_at = fields.String()
    receipt = fields.String()
    warnings = fields.List(fields.Nested(WarningOut))
    attributes = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    notes = fields.String(allow_none=True)
    photos = fields.Integer(metadata={"description": "How many photos were stored."})
    reject_reason = fields.String(allow_none=True)
    moderator_note = fields.String(allow_none=True)
    nearby_cameras = fields.List(fields.Nested(NearbyOut))
    nearby_camera_id = fields.Integer(
        allow_none=True, metadata={"description": "The camera the volunteer answered about."}
    )
    nearby_answer = fields.String(allow_none=True, metadata={"description": "same or different"})


class NearbyAnswerIn(Schema):
    """The volunteer's answer about a confirmed camera near their sighting."""

    camera_id = fields.Integer(required=True, strict=True, validate=ID)
    answer = fields.String(required=True, validate=validate.OneOf(("same", "different")))


class ReceiptQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    receipt = fields.String(validate=validate.Length(min=1, max=64))


class ErrorOut(Schema):
    """The one error shape, with the optional members some errors add (documents every error response)."""

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status name"})
    message = fields.String(metadata={"description": "What went wrong, for a person to read"})
    errors = fields.Dict(metadata={"description": "Field-level errors, flat: {field: [messages]}"})
    code_name = fields.String(metadata={"description": "A stable machine name, e.g. no_position, image_corrupt"})
    retry = fields.Boolean(metadata={"description": "True when the same request may succeed later (503)"})
    retry_after = fields.Integer(metadata={"description": "Seconds to wait before retrying (429)"})
    sighting_id = fields.Integer(metadata={"description": "The sighting that already uses this client_id (409)"})


class AdditionIn(Schema):
    """What a volunteer adds when a moderator asked for more information."""

    notes = fields.String(required=True, validate=validate.Length(min=1, max=2000))
