"""Sign shapes at the edges: the public sign filters, a moderator's sign approval, and what it returns."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from survey import vocab
from survey.geo import parse_bbox
from survey.publish.filters import parse_moment
from survey.publish.signs import SignFilter
from survey.schemas.common import ID, LAT, LON
from survey.schemas.dumping import Beside, Out, Rounded
from survey.schemas.publish import _Parsed
from survey.schemas.review import NOTE, VERSION, _pair
from survey.schemas.review_out import DecisionStateOut


class SignQuery(Schema):
    """The sign downloads' filters, as the camera downloads spell them; loads into a SignFilter."""

    class Meta:
        unknown = EXCLUDE  # cache-busting parameters must not break a download

    bbox = _Parsed(
        parse_bbox,
        metadata={"description": "minLon,minLat,maxLon,maxLat (WGS84); minLon > maxLon crosses the antimeridian"},
    )
    operator = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "Exact, any case."})
    status = fields.String(
        validate=validate.OneOf(vocab.CAMERA_STATUS_FILTERS),
        metadata={"description": "active (default), removed or all"},
    )
    updated_since = _Parsed(parse_moment, metadata={"description": "ISO 8601 date or date-time"})

    @post_load
    def _result(self, data, **kwargs):
        return SignFilter(**data)


def _nullable(validator=None, description: str = ""):
    return fields.String(
        validate=validator, allow_none=True, metadata={"description": f"{description} null clears it."}
    )


class _SignChangeIn(Schema):
    """What a moderator may say of a sign, on approving a report or editing a known sign."""

    lat = fields.Float(validate=LAT, metadata={"description": "With lon: the sign's corrected position."})
    lon = fields.Float(validate=LON)
    operator = _nullable(validate.Length(max=200), "The operator the sign names.")
    purpose = _nullable(validate.Length(max=200), "The purpose it states.")
    has_contact = fields.Boolean(allow_none=True, metadata={"description": "It gives a contact; null: not known."})
    camera_id = fields.Integer(
        validate=ID,
        allow_none=True,
        metadata={"description": "The public camera the sign is fixed to (not a merge target); null: none."},
    )
    note = NOTE
    version = VERSION

    @validates_schema
    def _pairs(self, data, **kwargs):
        _pair(data)


class SignApproveIn(_SignChangeIn):
    """Approve a sign report: as a new sign, or with sign_id as one more confirmation of a known sign."""

    sign_id = fields.Integer(validate=ID, metadata={"description": "Merge into this sign; omit to create a new sign."})


class SignOut(Out):
    """An approved sign as moderators see it (a models.Sign)."""

    id = fields.Integer()
    lat = fields.Float()
    lon = fields.Float()
    operator = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    has_contact = fields.Boolean(allow_none=True)
    camera_id = fields.Integer(allow_none=True, metadata={"description": "The camera it is fixed to."})
    status = fields.String(validate=validate.OneOf(vocab.CAMERA_STATUSES))
    version = fields.Integer()
    first_seen = fields.Date(allow_none=True)
    last_confirmed = fields.Date(allow_none=True)
    sightings_count = fields.Integer()
    photo_id = fields.Integer(allow_none=True)


class SignReportStateOut(DecisionStateOut):
    sign_id = fields.Integer(allow_none=True)


class SignDecisionOut(Out):
    """A sign report's decision (a review.signs.SignDecision)."""

    sighting = fields.Nested(SignReportStateOut)
    sign = fields.Nested(SignOut, allow_none=True, metadata={"description": "The sign approved or merged into."})
    cameras_changed = fields.List(
        fields.Integer(), metadata={"description": "Cameras whose measured signage this decision changed."}
    )


class SignCandidateOut(Beside, SignOut):
    """An active sign near a sign report, to merge into (a review.signs.signs_near pair)."""

    ROW, OWN = "sign", ("distance_m",)
    distance_m = Rounded(1)


class OperatorNamesOut(Out):
    """The operators the public cameras name: what the capture page suggests for a sign's operator."""

    operators = fields.List(fields.String(), metadata={"description": "The most common first 200, sorted by name."})


class SignEditIn(_SignChangeIn):
    """A moderator's change to a known sign: what it says, where it is, the camera it is fixed to, or its status."""

    status = fields.String(
        validate=validate.OneOf(vocab.PUBLIC_CAMERA_STATUSES),
        metadata={
            "description": "removed: the sign is gone from the street (kept, public as removed); active restores."
        },
    )

    @validates_schema
    def _pairs(self, data, **kwargs):
        _pair(data)
        if not set(data) - {"note", "version"}:
            raise ValidationError("Nothing to change: send at least one of the sign's fields.")


class SignEditOut(Out):
    """A sign as a moderator's change left it (a review.sign_edits.SignEdit)."""

    sign = fields.Nested(SignOut)
    cameras_changed = fields.List(
        fields.Integer(), metadata={"description": "Cameras whose measured signage this change moved."}
    )
