"""What moderators get back: queue items, decisions, cameras, bulk outcomes and audit events."""

from flask import g, url_for
from marshmallow import fields, validate

from survey.review.work_queue import TOTAL_CAP
from survey.schemas.common import AttributesOut, SightingBase
from survey.schemas.dumping import Beside, Out, Part, Rounded
from survey.vocab import CAMERA_STATUSES, LIKELIHOOD_LABELS, LIKELIHOODS, SIGHTING_STATUSES


def _photos_url() -> str:
    """The moderator photo route up to the id, from one url_for a request (150 a page took ~4 ms)."""
    if "moderator_photos_url" not in g:
        whole = url_for("moderation.moderator_photo", photo_id=0, variant="thumb")
        g.moderator_photos_url = whole.removesuffix("/0/thumb")
    return g.moderator_photos_url


class PhotoUrl(fields.String):
    """The URL of one variant of a photo, from its id; only moderators may follow it."""

    def __init__(self, variant: str, **kwargs):
        super().__init__(attribute="id", dump_only=True, **kwargs)
        self.variant = variant

    def _serialize(self, value, attr, obj, **kwargs):
        return f"{_photos_url()}/{value}/{self.variant}"


class CameraPhotoUrl(PhotoUrl):
    """The URL of one variant of a camera's chosen photo, or null when it has none."""

    def __init__(self, variant: str, **kwargs):
        super().__init__(variant, allow_none=True, **kwargs)
        self.attribute = "photo_id"

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else super()._serialize(value, attr, obj, **kwargs)


class PhotoOut(Out):
    """A photo of the sighting (a models.Photo, or the queue's plain row of it)."""

    id = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    format = fields.String()
    thumb_url = PhotoUrl("thumb")
    display_url = PhotoUrl("display")
    original_url = PhotoUrl("original", metadata={"description": "The original as sent: evidence."})


class PointOut(Out):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)


class PositionsOut(Out):
    """Every position kept for moderators; null where there was none."""

    exif = Part(PointOut, prefix="exif_", present="lat", metadata={"description": "The photo's own GPS."})
    device = Part(PointOut, prefix="device_", present="lat", metadata={"description": "The phone's fix."})
    manual = Part(PointOut, prefix="manual_", present="lat", metadata={"description": "The volunteer's pin."})


class CameraOut(Out):
    """A confirmed camera as moderators see it (a models.Camera, or a nearby.NearbyCamera)."""

    id = fields.Integer()
    lat = fields.Float()
    lon = fields.Float()
    direction = fields.Float(allow_none=True)
    status = fields.String(validate=validate.OneOf(CAMERA_STATUSES))
    version = fields.Integer()
    first_seen = fields.Date(allow_none=True)
    last_confirmed = fields.Date(allow_none=True)
    sightings_count = fields.Integer()
    volunteers_count = fields.Integer()
    photo_id = fields.Integer(allow_none=True)
    attributes = Part(AttributesOut)


class CandidateOut(Beside, CameraOut):
    """A confirmed camera near the sighting, to merge into (a review.candidates.Candidate)."""

    ROW, OWN = "camera", ("distance_m", "likelihood", "kind", "label", "reasons")
    thumb_url = CameraPhotoUrl("thumb", metadata={"description": "The camera's chosen photo, small; null if none."})
    display_url = CameraPhotoUrl("display")
    distance_m = Rounded(1)
    likelihood = Rounded(3, metadata={"description": "0 to 1: how likely this is the sighting's camera."})
    kind = fields.String(validate=validate.OneOf(LIKELIHOODS))
    label = fields.String(metadata={"description": "The kind in words: " + ", ".join(LIKELIHOOD_LABELS.values())})
    reasons = fields.List(fields.String(), metadata={"description": 'Why, e.g. "same mount and maker", "4 m".'})


class SightingItemOut(Beside, SightingBase):
    """Everything a moderator sees of a sighting (a review.work_queue.ReviewItem)."""

    ROW, OWN = "sighting", ("photos", "candidates")
    version = fields.Integer()
    positions = Part(PositionsOut)
    warning_count = fields.Integer()
    volunteer_key = fields.String(allow_none=True, metadata={"description": "The day's hash of the device."})
    camera_id = fields.Integer(allow_none=True)
    sign_id = fields.Integer(allow_none=True, metadata={"description": "The sign a sign report was approved as."})
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    photos = fields.List(fields.Nested(PhotoOut))
    candidates = fields.List(
        fields.Nested(CandidateOut), metadata={"description": "Most likely the same camera first."}
    )


class QueueOut(Out):
    """One page of the queue (a review.work_queue.QueuePage)."""

    items = fields.List(fields.Nested(SightingItemOut))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer(metadata={"description": f"How many match, counted up to {TOTAL_CAP}."})
    total_capped = fields.Boolean(metadata={"description": "True when more match than total says."})


class DecisionStateOut(Out):
    """The part of a sighting that decisions change."""

    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(SIGHTING_STATUSES))
    version = fields.Integer()
    camera_id = fields.Integer(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    moderator_note = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Integer(allow_none=True)


class DecisionOut(Out):
    """A decision's outcome (a review.decisions.Decision)."""

    sighting = fields.Nested(DecisionStateOut)


class ConflictOut(Out):
    """An attribute the sighting reports differently from the camera it was merged into."""

    field = fields.String()
    sighting = fields.String(allow_none=True)
    camera = fields.String(allow_none=True)


class ApprovalOut(DecisionOut):
    """An approval's outcome: the camera, new or merged into, and what is left to settle."""

    camera = fields.Nested(CameraOut)
    conflicts = fields.List(fields.Nested(ConflictOut), metadata={"description": "Empty for a new camera."})


class BulkErrorOut(Out):
    OPTIONAL = ("current",)
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    current = fields.Dict(metadata={"description": "The sighting as it stands, when it was decided already."})


class BulkResultOut(Out):
    """One sighting's outcome: status and camera_id when ok, else error."""

    OPTIONAL = ("status", "camera_id", "error")

    id = fields.Integer()
    ok = fields.Boolean()
    status = fields.String(validate=validate.OneOf(SIGHTING_STATUSES))
    camera_id = fields.Integer(allow_none=True)
    error = fields.Nested(BulkErrorOut)


class BulkOut(Out):
    results = fields.List(fields.Nested(BulkResultOut))
    succeeded = fields.Integer()
    failed = fields.Integer()
    truncated = fields.Boolean(metadata={"description": "True when the filter matched more than one bulk may take."})


class ActorRefOut(Out):
    id = fields.Integer()
    email = fields.String(allow_none=True)


class AuditEventOut(Beside):
    """One change (a review.audit.Event); actor is null for a volunteer's own addition."""

    OWN = ("actor_email",)
    id = fields.Integer()
    at = fields.DateTime()
    actor = Part(ActorRefOut, prefix="actor_", present="id")
    action = fields.String()
    sighting_id = fields.Integer(allow_none=True)
    camera_id = fields.Integer(allow_none=True)
    sign_id = fields.Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    note = fields.String(allow_none=True)


class AuditOut(Out):
    """A page of events, newest first (a review.audit.EventPage)."""

    items = fields.List(fields.Nested(AuditEventOut))
    next_cursor = fields.String(allow_none=True)
