"""Survey areas at the edges: a volunteer's walk in; a walk and an area's coverage out."""

from marshmallow import EXCLUDE, Schema, fields, validate

from survey import vocab
from survey.schemas.common import ID
from survey.schemas.dumping import Out


class WalkIn(Schema):
    """'I walked this street' from the capture page: the street and the day, never a track."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.UUID(required=True, metadata={"description": "Made by the page; makes retries safe."})
    street_id = fields.Integer(required=True, strict=True, validate=ID)
    day = fields.Date(required=True, metadata={"description": "The day walked (YYYY-MM-DD), no time."})
    device_id = fields.String(validate=validate.Length(min=8, max=64), load_only=True)


class WalkOut(Out):
    """The stored walk, shown back to the volunteer who sent it."""

    id = fields.Integer()
    street_id = fields.Integer()
    day = fields.Date()


class StreetCoverageOut(Out):
    street_id = fields.Integer()
    name = fields.String(allow_none=True)
    length_m = fields.Float()
    state = fields.String(validate=validate.OneOf(vocab.STREET_STATES))
    last_walked = fields.Date(allow_none=True)
    cameras = fields.List(
        fields.Integer(), metadata={"description": "Public cameras within 30 m, nearest this street."}
    )


class CoverageOut(Out):
    """An area's coverage: the share of street length walked and not yet due again, street by street."""

    area_id = fields.Integer()
    resurvey_after_days = fields.Integer()
    total_length_m = fields.Float()
    walked_length_m = fields.Float()
    walked_share = fields.Float(metadata={"description": "walked_length_m / total_length_m, 0..1."})
    streets = fields.List(fields.Nested(StreetCoverageOut))
    cameras_not_confirmed_since = fields.List(fields.Integer())
