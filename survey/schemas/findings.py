"""Findings at the edges: the download filters plus a survey area in; the figures out; the evidence
pack's query (an operator is required)."""

from marshmallow import fields, validate

from survey import vocab
from survey.findings.scope import FindingsFilter
from survey.publish.filters import CameraFilter
from survey.schemas.common import ID
from survey.schemas.dumping import Out
from survey.schemas.publish import CameraQuery


class FindingsQuery(CameraQuery):
    """The download filters (bbox, manufacturer, operator, camera_type, status) and `area`."""

    area = fields.Integer(validate=ID, metadata={"description": "A survey area's id: only cameras inside it."})

    def make_result(self, data: dict) -> FindingsFilter:
        area = data.pop("area", None)
        return FindingsFilter(CameraFilter(**data), area)


class EvidenceQuery(CameraQuery):
    """One operator's pack; the other download filters narrow it."""

    operator = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The operator as the cameras name it (any case)."},
    )


class CountOut(Out):
    value = fields.String(allow_none=True, metadata={"description": "The stored value; null when not recorded."})
    label = fields.String()
    cameras = fields.Integer()


class OperatorSignageOut(Out):
    value = fields.String(allow_none=True)
    label = fields.String()
    cameras = fields.Integer()
    without_sign = fields.Integer(metadata={"description": "Cameras with no sign within 50 m."})
    share = fields.Float(metadata={"description": "without_sign / cameras, 0..1."})


class MonthOut(Out):
    month = fields.String(metadata={"example": "2026-03"})
    first_seen = fields.Integer()
    removed = fields.Integer(metadata={"description": "Marked removed that month (the audit trail's month)."})


class SignCountsOut(Out):
    signs = fields.Integer(metadata={"description": "Approved signs in the box or area, naming the operator if asked."})
    naming_operator = fields.Integer()
    with_contact = fields.Integer()


class StreetFindingsOut(Out):
    street_id = fields.Integer()
    name = fields.String(allow_none=True)
    length_m = fields.Float()
    state = fields.String(validate=validate.OneOf(vocab.STREET_STATES))
    last_walked_month = fields.String(allow_none=True)
    cameras = fields.Integer()
    without_sign = fields.Integer()


class AreaFindingsOut(Out):
    area_id = fields.Integer()
    name = fields.String()
    total_length_m = fields.Float()
    walked_length_m = fields.Float()
    walked_share = fields.Float()
    cameras_on_no_street = fields.Integer(
        metadata={"description": "Inside the area, further than 30 m from every street."}
    )
    streets = fields.List(fields.Nested(StreetFindingsOut))


class FindingsOut(Out):
    """What a campaign quotes, for the same filters as the downloads. `by_month` counts every public
    camera matching the other filters (active and removed), so removals show."""

    filter = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "The filter applied."})
    summary = fields.String(metadata={"description": "One sentence to quote."})
    cameras = fields.Integer()
    without_sign = fields.Integer(metadata={"description": "No sign on the structure or within 50 m."})
    without_sign_share = fields.Float()
    not_surveyed = fields.Integer(metadata={"description": "Of those, on streets not yet surveyed for signs."})
    by_manufacturer = fields.List(fields.Nested(CountOut))
    by_operator = fields.List(fields.Nested(OperatorSignageOut))
    by_camera_type = fields.List(fields.Nested(CountOut))
    by_zone = fields.List(fields.Nested(CountOut))
    by_signage_class = fields.List(fields.Nested(CountOut))
    watch_manufacturers = fields.List(fields.String(), metadata={"description": "WATCH_MANUFACTURERS"})
    watch_list = fields.List(fields.Nested(CountOut))
    watched = fields.Integer()
    by_month = fields.List(fields.Nested(MonthOut))
    signs = fields.Nested(SignCountsOut)
    area = fields.Nested(AreaFindingsOut, allow_none=True)
