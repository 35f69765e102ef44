"""What moderators send: queue filters, decisions, edits, bulk actions and audit queries."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from survey import vocab
from survey.geo import parse_bbox
from survey.models import ATTRIBUTE_NAMES
from survey.schemas.common import ID, LAT, LON, AttributesIn

# Ages beyond a century cannot match anything, and would overflow the date arithmetic.
AGE_HOURS = validate.Range(min=0, max=24 * 366 * 100)
NOTE = fields.String(validate=validate.Length(max=2000), metadata={"description": "Kept in the audit trail."})
VERSION = fields.Integer(
    validate=ID,
    metadata={"description": "The version you saw; 409 if someone changed it since. Omit to act on the latest."},
)


def _pair(data, a="lat", b="lon"):
    if (a in data) != (b in data):
        raise ValidationError(f"{a} and {b} go together.", field_name=b if a in data else a)


class BBox(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_bbox(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class QueueFilter(Schema):
    class Meta:
        unknown = EXCLUDE

    # apispec would document the default serialised as the query string has it ("pending"), not as a list.
    status = DelimitedList(
        fields.String(validate=validate.OneOf(vocab.SIGHTING_STATUSES)),
        load_default=[vocab.PENDING],
        metadata={"default": [vocab.PENDING]},
    )
    bbox = BBox(metadata={"description": "minLon,minLat,maxLon,maxLat; minLon > maxLon crosses the antimeridian"})
    kind = fields.String(validate=validate.OneOf(vocab.SIGHTING_KINDS), metadata={"description": "camera or sign"})
    has_warning = fields.Boolean()
    min_age_hours = fields.Float(validate=AGE_HOURS, metadata={"description": "Sent at least this long ago."})
    max_age_hours = fields.Float(validate=AGE_HOURS, metadata={"description": "Sent at most this long ago."})


class QueueQuery(QueueFilter):
    sort = fields.String(validate=validate.OneOf(vocab.QUEUE_SORTS), load_default=vocab.OLDEST)
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(validate=validate.Range(min=1, max=100), load_default=20)
    likely_repeat = fields.Boolean(
        metadata={
            "description": "true: only sightings whose best candidate is very likely the same camera; false: the rest."
            " A page may then hold fewer than limit: follow next_cursor. total counts before this filter."
        }
    )


class BulkFilter(QueueFilter):
    """The queue filter as JSON: status is a list."""

    status = fields.List(fields.String(validate=validate.OneOf(vocab.SIGHTING_STATUSES)), load_default=[vocab.PENDING])


class CorrectionsIn(AttributesIn):
    """The attributes as a moderator corrects them: null clears one (the intake's schema stays strict)."""

    def on_bind_field(self, field_name, field_obj):
        if field_name in ATTRIBUTE_NAMES:
            field_obj.allow_none = True
            field_obj.metadata.setdefault("description", "null clears it")


class ApproveIn(CorrectionsIn):
    camera_id = fields.Integer(
        validate=ID, metadata={"description": "Merge into this camera; omit to create a new camera."}
    )
    lat = fields.Float(validate=LAT, metadata={"description": "Corrected camera position."})
    lon = fields.Float(validate=LON)
    direction = fields.Float(validate=validate.Range(min=0, max=360))
    take = fields.List(
        fields.String(validate=validate.OneOf(ATTRIBUTE_NAMES)),
        metadata={"description": "On a merge: attributes to copy from the sighting onto the camera."},
    )
    note = NOTE
    version = VERSION

    @validates_schema
    def _pairs(self, data, **kwargs):
        _pair(data)


class RejectIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(vocab.REJECT_REASONS))
    note = NOTE
    version = VERSION


class NeedsInfoIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    version = VERSION


class ReopenIn(Schema):
    note = NOTE
    version = VERSION


class SightingEditIn(CorrectionsIn):
    lat = fields.Float(validate=LAT)
    lon = fields.Float(validate=LON)
    heading = fields.Float(validate=validate.Range(min=0, max=360), metadata={"description": "Degrees true."})
    note = NOTE
    version = VERSION

    @validates_schema
    def _pairs(self, data, **kwargs):
        _pair(data)


class CameraEditIn(CorrectionsIn):
    lat = fields.Float(validate=LAT)
    lon = fields.Float(validate=LON)
    direction = fields.Float(validate=validate.Range(min=0, max=360))
    # A moderator marks removed or restores; withdrawn is only reached by reopening every confirmation.
    status = fields.String(validate=validate.OneOf(vocab.PUBLIC_CAMERA_STATUSES))
    note = NOTE
    version = VERSION

    @validates_schema
    def _pairs(self, data, **kwargs):
        _pair(data)


class BulkIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    ids = fields.List(fields.Integer(validate=ID), validate=validate.Length(min=1, max=500))
    filter = fields.Nested(BulkFilter, metadata={"description": "Everything the queue filter matches now."})
    reason = fields.String(validate=validate.OneOf(vocab.REJECT_REASONS))
    note = NOTE

    @validates_schema
    def _target(self, data, **kwargs):
        if ("ids" in data) == ("filter" in data):
            raise ValidationError("Send either ids or filter.", field_name="ids")
        if data["action"] == "reject" and "reason" not in data:
            raise ValidationError("A rejection needs a reason.", field_name="reason")


class AuditQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    sighting_id = fields.Integer(validate=ID)
    camera_id = fields.Integer(validate=ID)
    sign_id = fields.Integer(validate=ID)
    actor_id = fields.Integer(validate=ID, metadata={"description": "The moderator's user id."})
    action = fields.String(validate=validate.Length(max=32))
    cursor = fields.String(validate=validate.Length(max=20))
    limit = fields.Integer(validate=validate.Range(min=1, max=200), load_default=50)
