"""A sign reported through the sighting form: its own fields, checked before any photo work."""

from survey import vocab
from survey.errors import Invalid
from survey.extensions import db
from survey.models import SIGN_REPORT_FIELDS, Camera, Sighting

NOT_PUBLIC = "No public camera has that id: pick one of the cameras near the sign, or leave it out."


def check_sign_report(fields: dict) -> None:
    """422 when a sign says it is fixed to a camera that is not public (unknown, or withdrawn)."""
    camera_id = fields.get("sign_camera_id")
    if fields.get("kind") != vocab.SIGN or camera_id is None:
        return
    camera = db.session.get(Camera, camera_id)
    if camera is None or camera.status not in vocab.PUBLIC_CAMERA_STATUSES:
        raise Invalid(NOT_PUBLIC, errors={"sign_camera_id": ["Not a public camera."]})


def apply_sign_report(sighting: Sighting, fields: dict) -> None:
    """The kind, and for a sign what it says; `operator` already holds the operator it names."""
    sighting.kind = fields.get("kind") or vocab.CAMERA
    for name in SIGN_REPORT_FIELDS:
        setattr(sighting, name, fields.get(name))
