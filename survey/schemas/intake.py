"""The volunteers' side of the API: a sighting, its additions and answers in; the receipt out."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from survey import vocab
from survey.models import CAMERA_ONLY_ATTRIBUTES, SIGN_REPORT_FIELDS
from survey.schemas.common import ID, LAT, LON, AttributesIn, SightingBase, UTCDateTime
from survey.schemas.dumping import Beside, Count, Out, Rounded

NULL_ISLAND = "0, 0 is not a position (it is what a device reports when it has none): place the pin on the camera."


class SightingIn(AttributesIn):
    """The form fields sent with the photos of a new sighting."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.UUID(metadata={"description": "Made by the client at capture; makes retries safe."})
    lat = fields.Float(validate=LAT, metadata={"description": "Position sent by the page (device fix or pin)."})
    lon = fields.Float(validate=LON)
    accuracy_m = fields.Float(validate=validate.Range(min=0, max=100_000))
    location_source = fields.String(validate=validate.OneOf(vocab.SENT_SOURCES), load_default=vocab.DEVICE)
    device_lat = fields.Float(validate=LAT, metadata={"description": "The device fix, kept when a pin was placed."})
    device_lon = fields.Float(validate=LON)
    device_accuracy_m = fields.Float(validate=validate.Range(min=0, max=100_000))
    position_choice = fields.String(
        validate=validate.OneOf(vocab.POSITION_CHOICES),
        metadata={
            "description": "The candidate the volunteer confirmed on the map, which is stored: manual (the sent "
            "lat/lon with location_source=manual), exif (the photo's GPS) or device (the sent lat/lon). "
            "Without it the photo's GPS outranks what was sent."
        },
    )
    heading = fields.Float(validate=validate.Range(min=0, max=360))
    heading_source = fields.String(validate=validate.OneOf(vocab.SENT_SOURCES), load_default=vocab.DEVICE)
    captured_at = UTCDateTime(metadata={"description": "Device clock at capture, with offset."})
    notes = fields.String(validate=validate.Length(max=2000))
    device_id = fields.String(validate=validate.Length(min=8, max=64), load_only=True)
    capture = fields.String(
        validate=validate.OneOf(vocab.CAPTURES),
        metadata={
            "description": "How the page got the photo: taken just now (camera) or picked (gallery). "
            "A gallery photo may have been taken elsewhere, so a device position with it is flagged."
        },
    )

    # A sign is sent through the same form: what it says, and optionally the camera it is fixed to.
    kind = fields.String(validate=validate.OneOf(vocab.SIGHTING_KINDS), load_default=vocab.CAMERA)
    sign_purpose = fields.String(
        validate=validate.Length(max=200), metadata={"description": "kind=sign: the purpose the sign states."}
    )
    sign_has_contact = fields.Boolean(
        metadata={"description": "kind=sign: whether it gives a contact (phone, email, web)."}
    )
    sign_camera_id = fields.Integer(
        validate=ID, metadata={"description": "kind=sign: the public camera it is fixed to (else 422)."}
    )

    @validates_schema
    def _pairs(self, data, **kwargs):
        for a, b in (("lat", "lon"), ("device_lat", "device_lon")):
            if (a in data) != (b in data):
                raise ValidationError(f"{a} and {b} go together.", field_name=b if a in data else a)
            # A phone with no fix, or a map tapped before it had a view, says 0, 0: nobody maps cameras there.
            if data.get(a) == 0 and data.get(b) == 0:
                raise ValidationError(NULL_ISLAND, field_name=a)

    @validates_schema
    def _kind(self, data, **kwargs):
        """Each kind refuses the other's fields: a silently dropped answer would be a lost observation."""
        sign = data.get("kind") == vocab.SIGN
        refused = CAMERA_ONLY_ATTRIBUTES if sign else SIGN_REPORT_FIELDS
        errors = {name: [f"Not part of a {'sign' if sign else 'camera'} report."] for name in refused if name in data}
        if errors:
            raise ValidationError(errors)


class PhotosIn(Schema):
    photo = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), required=True)


class SightingUpload(SightingIn, PhotosIn):
    """The whole multipart form, for the OpenAPI spec only: it has one request body per operation."""


class NearbyOut(Out):
    """A confirmed camera near a sighting just sent (a nearby.Nearby)."""

    id = fields.Integer(attribute="camera.id")
    distance_m = Rounded(1)


class SightingOut(Beside, SightingBase):
    """What the volunteer sees of their own sighting: an intake.submit.Receipt."""

    ROW, OWN = "sighting", ("moderator_note", "nearby_cameras", "warnings")
    receipt = fields.String()
    photos = Count(metadata={"description": "How many photos were stored."})
    moderator_note = fields.String(
        allow_none=True, metadata={"description": "Why it was rejected, or what is missing."}
    )
    nearby_cameras = fields.List(fields.Nested(NearbyOut))


class NearbyAnswerIn(Schema):
    """The volunteer's answer about a confirmed camera near their sighting."""

    camera_id = fields.Integer(required=True, strict=True, validate=ID)
    answer = fields.String(required=True, validate=validate.OneOf(vocab.NEARBY_ANSWERS))


def _header_only(_value) -> None:
    raise ValidationError("Send the receipt in the X-Receipt header: a URL ends up in access logs.")


class ReceiptQuery(Schema):
    """Receipts travel only in the X-Receipt header; one in the query is refused, never read."""

    class Meta:
        unknown = EXCLUDE

    receipt = fields.Raw(load_only=True, validate=_header_only, metadata={"description": "Refused: use X-Receipt."})


class AdditionIn(Schema):
    """What a volunteer adds when a moderator asked for more information."""

    notes = fields.String(required=True, validate=validate.Length(min=1, max=2000))
