"""Moderator routes: the queue, decisions, edits, bulk actions, the audit trail and private photos."""

from flask import Response
from flask_smorest import Blueprint

from survey import vocab
from survey.accounts import users
from survey.accounts.auth import current_actor, require_role
from survey.photos.images import FORMATS
from survey.review import audit, bulk, cameras, decisions, signs, work_queue
from survey.schemas import review as s
from survey.schemas import review_out as out
from survey.schemas.accounts import UserOut
from survey.schemas.queue_json import queue_response

blp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation", description="Moderators' review")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def document_security(api) -> None:
    """Name the two ways in, which the moderator routes' docs refer to."""
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("cookieAuth", {"type": "apiKey", "in": "cookie", "name": "session"})


def _actor_id() -> int:
    return current_actor().id  # require_role has checked it; cached for the request


@blp.route("/sightings", methods=["GET"])
@require_role()
@blp.arguments(s.QueueQuery, location="query", error_status_code=400)
@blp.response(200, out.QueueOut)
@blp.doc(security=SECURITY)
def list_sightings(query):
    """The queue: filter by status, bbox, warnings and age; sort; page with next_cursor."""
    return queue_response(work_queue.list_queue(query))  # QueueOut's shape, without its per-member walk


@blp.route("/sightings/<int:sighting_id>", methods=["GET"])
@require_role()
@blp.response(200, out.SightingItemOut)
@blp.doc(security=SECURITY)
def get_sighting(sighting_id):
    """One sighting as moderators see it, with merge candidates."""
    return decisions.sighting_for_moderator(sighting_id)


@blp.route("/sightings/<int:sighting_id>", methods=["PATCH"])
@require_role()
@blp.arguments(s.SightingEditIn)
@blp.response(200, out.SightingItemOut)
@blp.alt_response(409, description="Decided already, or changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def edit_sighting(data, sighting_id):
    """Correct position, heading or attributes before deciding."""
    return decisions.edit_sighting(sighting_id, data, _actor_id())


@blp.route("/sightings/<int:sighting_id>/approve", methods=["POST"])
@require_role()
@blp.arguments(s.ApproveIn)
@blp.response(200, out.ApprovalOut)
@blp.alt_response(409, description="Decided already, or changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def approve(data, sighting_id):
    """Approve as a new camera, or with camera_id as one more confirmation of that camera."""
    return decisions.approve(sighting_id, data, _actor_id())


@blp.route("/sightings/<int:sighting_id>/reject", methods=["POST"])
@require_role()
@blp.arguments(s.RejectIn)
@blp.response(200, out.DecisionOut)
@blp.alt_response(409, description="Decided already, or changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def reject(data, sighting_id):
    """Reject with a reason the volunteer will see."""
    return decisions.reject(sighting_id, data, _actor_id())


@blp.route("/sightings/<int:sighting_id>/needs-info", methods=["POST"])
@require_role()
@blp.arguments(s.NeedsInfoIn)
@blp.response(200, out.DecisionOut)
@blp.alt_response(409, description="Decided already, or changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def needs_info(data, sighting_id):
    """Ask the volunteer for more; their addition puts it back in the queue."""
    return decisions.needs_info(sighting_id, data, _actor_id())


@blp.route("/sightings/<int:sighting_id>/reopen", methods=["POST"])
@require_role()
@blp.arguments(s.ReopenIn)
@blp.response(200, out.DecisionOut)
@blp.alt_response(409, description="Not decided, or changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def reopen(data, sighting_id):
    """Undo a decision: back to pending (an approval's camera or sign counts are taken back)."""
    return signs.reopen(sighting_id, data, _actor_id())


@blp.route("/bulk", methods=["POST"])
@require_role()
@blp.arguments(s.BulkIn)
@blp.response(200, out.BulkOut)
@blp.doc(security=SECURITY)
def bulk_decide(data):
    """Approve (each as a new camera) or reject a list of ids, or all that a filter matches."""
    return bulk.bulk_decide(data, _actor_id())


@blp.route("/cameras/<int:camera_id>", methods=["PATCH"])
@require_role()
@blp.arguments(s.CameraEditIn)
@blp.response(200, out.CameraOut)
@blp.alt_response(409, description="Changed by someone else since `version`.")
@blp.doc(security=SECURITY)
def edit_camera(data, camera_id):
    """Correct a camera, or mark it removed (status=removed) or restore it (status=active)."""
    return cameras.edit_camera(camera_id, data, _actor_id())


@blp.route("/audit", methods=["GET"])
@require_role()
@blp.arguments(s.AuditQuery, location="query", error_status_code=400)
@blp.response(200, out.AuditOut)
@blp.doc(security=SECURITY)
def list_audit(query):
    """Audit events, newest first, by sighting, camera, moderator (actor_id) or action."""
    return audit.list_events(query)


# The photo's own bytes: JPEG copies, or the original in whatever format the volunteer sent.
PHOTO_CONTENT = {
    mimetype: {"schema": {"type": "string", "format": "binary"}}
    for mimetype in (*FORMATS.values(), "application/octet-stream")
}


@blp.route("/photos/<int:photo_id>/<any(original, display, thumb):variant>", methods=["GET"])
@require_role()
@blp.doc(security=SECURITY, responses={"200": {"description": "The image file.", "content": PHOTO_CONTENT}})
def moderator_photo(photo_id, variant):
    """A sighting's photo, for moderators only: the original (evidence) or its display/thumbnail copy."""
    data, mimetype = work_queue.photo_file(photo_id, variant)
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@blp.route("/users", methods=["GET"])
@require_role(vocab.ADMIN)
@blp.response(200, UserOut(many=True))
@blp.doc(security=SECURITY)
def list_users():
    """Every moderator and admin account (admins only)."""
    return users.list_users()
