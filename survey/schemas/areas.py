"""Survey areas at the edges: a volunteer's walk in; a walk and an area's coverage out."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from survey import vocab
from survey.schemas.common import ID
from survey.schemas.dumping import Out

FRACTION = validate.Range(min=0, max=1)


class WalkIn(Schema):
    """'I walked this street' from the capture page: the street and the day, never a track."""

    class Meta:
        unknown = EXCLUDE

    client_id = fields.UUID(required=True, metadata={"description": "Made by the page; makes retries safe."})
    street_id = fields.Integer(required=True, strict=True, validate=ID)
    day = fields.Date(required=True, metadata={"description": "The day walked (YYYY-MM-DD), no time."})
    device_id = fields.String(validate=validate.Length(min=8, max=64), load_only=True)
    from_fraction = fields.Float(
        validate=FRACTION, metadata={"description": "Part of the street only: where the part starts along it, 0..1."}
    )
    to_fraction = fields.Float(validate=FRACTION, metadata={"description": "Where the part ends along it, 0..1."})

    @validates_schema
    def _a_part_has_two_ends(self, data, **kwargs):
        ends = (data.get("from_fraction"), data.get("to_fraction"))
        if (ends[0] is None) != (ends[1] is None):
            raise ValidationError("Send both ends of the part, or neither.", "to_fraction")
        if ends[0] is not None and ends[0] >= ends[1]:
            raise ValidationError("The part must end further along than it starts.", "to_fraction")


class WalkOut(Out):
    """The stored walk, shown back to the volunteer who sent it."""

    id = fields.Integer()
    street_id = fields.Integer()
    day = fields.Date()
    from_fraction = fields.Float(allow_none=True)
    to_fraction = fields.Float(allow_none=True)


class StreetCoverageOut(Out):
    street_id = fields.Integer()
    name = fields.String(allow_none=True)
    length_m = fields.Float()
    state = fields.String(validate=validate.OneOf(vocab.STREET_STATES))
    last_walked = fields.Date(
        allow_none=True,
        metadata={
            "description": "The day since which all of the street has been walked, by whole walks or by parts that together cover it (gaps under 10 m count as walked)."
        },
    )
    walked_fraction = fields.Float(
        metadata={"description": "Share of the street walked and not yet due again, parts included, 0..1."}
    )
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


class AreaOut(Out):
    """A survey area as the capture page needs it: to pick one, or find the one the phone is in."""

    id = fields.Integer()
    name = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    centre = fields.List(fields.Float(), allow_none=True, metadata={"description": "[lat, lon], or null."})
    bbox = fields.List(fields.Float(), metadata={"description": "[west, south, east, north]"})
    boundary = fields.Dict(metadata={"description": "GeoJSON Polygon or MultiPolygon."})


class WalksQuery(Schema):
    """Which walks a moderator lists."""

    class Meta:
        unknown = EXCLUDE

    street_id = fields.Integer(validate=ID, metadata={"description": "Only this street's walks."})
