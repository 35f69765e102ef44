"""The rules of review: approve (as a new camera or merged), reject, ask for more, reopen and edit.

Each rule locks the sighting with a conditional UPDATE on its version, changes it, writes the
audit events and commits, all in one transaction: a change without its audit event never exists.
"""

from dataclasses import dataclass, field

from survey import dataset_version, vocab
from survey.accounts.volunteers import sighting_for_receipt
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import ATTRIBUTE_NAMES, Camera, Sighting, utcnow
from survey.review import audit
from survey.review.blur import check_settled, settle_for_approval
from survey.review.cameras import AttributeConflict, lock_camera, merge_into_camera, new_camera, unlink_sighting
from survey.review.versioning import atomic, claim, conflict
from survey.review.work_queue import ReviewItem, review_item
from survey.signage import recompute_camera

NOT_WAITING = "This sighting is not waiting for more information from you."
DECIDED = "This sighting was already decided: reopen it first. Its current state is in 'current'."
A_SIGN = "This sighting reports a sign: approve it with /approve-sign."
SIGN_REOPEN = "This sighting reports a sign: review.signs.reopen takes it back from its sign."


# The part of a sighting that decisions change: schemas' DecisionStateOut, and a 409's `current`.
STATE_FIELDS = ("id", "status", "version", "camera_id", "reject_reason", "moderator_note", "decided_at", "decided_by")


@dataclass
class Decision:
    """A decided sighting; an approval adds its camera and the attributes left for the moderator to settle."""

    sighting: Sighting
    camera: Camera | None = None
    conflicts: list[AttributeConflict] = field(default_factory=list)


def sighting_state(sighting: Sighting) -> dict:
    """The sighting as a 409 carries it in `current`, as JSON values (errors travel below the schemas)."""
    return audit.snapshot(sighting, STATE_FIELDS)


def open_for_change(sighting_id: int, states=vocab.OPEN_SIGHTING_STATUSES, refusal: str = DECIDED) -> Sighting:
    """The sighting under a write transaction, if its state allows the change (else 409)."""
    dataset_version.begin_change()
    sighting = db.session.get(Sighting, sighting_id, populate_existing=True)
    if sighting is None:
        raise NotFound(f"There is no sighting {sighting_id}.")
    if sighting.status not in states:
        raise conflict(refusal, sighting, sighting_state)
    return sighting


def decide(sighting: Sighting, status: str, actor_id: int, *, reason=None, note=None) -> None:
    """Set the decision's own columns on an opened sighting: status, reason, note, when and by whom."""
    sighting.status, sighting.reject_reason, sighting.moderator_note = status, reason, note
    sighting.decided_at, sighting.decided_by = utcnow(), actor_id


def _record(action: str, sighting: Sighting, before: dict, actor_id, note=None) -> None:
    # Filed under the camera the sighting is (or, when reopened, was) linked to.
    camera_id = sighting.camera_id or before.get("camera_id")
    audit.record(
        action,
        actor_id,
        sighting_id=sighting.id,
        camera_id=camera_id,
        before=before,
        after=audit.snapshot(sighting, audit.SIGHTING_FIELDS),
        note=note,
    )


@atomic
def approve(sighting_id: int, data: dict, actor_id: int) -> Decision:
    """Approve as a new camera, or (with camera_id) as one more confirmation of an existing camera."""
    settle_for_approval(sighting_id)  # faces detected first, outside the write transaction
    sighting = open_for_change(sighting_id)
    if sighting.kind == vocab.SIGN:
        raise conflict(A_SIGN, sighting, sighting_state)
    check_settled(sighting)  # nothing is published before its faces are blurred
    before = audit.snapshot(sighting, audit.SIGHTING_FIELDS)
    claim(sighting, data.get("version"), sighting_state)
    decide(sighting, vocab.APPROVED, actor_id, note=data.get("note"))
    if data.get("camera_id") is None:
        camera, conflicts = new_camera(sighting, data), []
        sighting.camera_id = camera.id
        audit.record(
            "camera_created",
            actor_id,
            sighting_id=sighting.id,
            camera_id=camera.id,
            after=audit.snapshot(camera, audit.CAMERA_FIELDS),
            note=data.get("note"),
        )
        _record("approved", sighting, before, actor_id, data.get("note"))
    else:
        camera = lock_camera(data["camera_id"])
        sighting.camera_id = camera.id
        conflicts = merge_into_camera(camera, sighting, data, actor_id)
        _record("merged", sighting, before, actor_id, data.get("note"))
    recompute_camera(camera)  # its signage, in this transaction
    dataset_version.bump(db.session)
    db.session.commit()
    return Decision(sighting, camera, conflicts)


@atomic
def reject(sighting_id: int, data: dict, actor_id: int) -> Decision:
    """Reject with a reason from the fixed list; the volunteer sees it through their receipt."""
    if data.get("reason") not in vocab.REJECT_REASONS:
        reasons = ", ".join(vocab.REJECT_REASONS)
        raise Invalid("Choose a reason from the list.", errors={"reason": [f"One of: {reasons}."]})
    sighting = open_for_change(sighting_id)
    before = audit.snapshot(sighting, audit.SIGHTING_FIELDS)
    claim(sighting, data.get("version"), sighting_state)
    decide(sighting, vocab.REJECTED, actor_id, reason=data["reason"], note=data.get("note"))
    _record("rejected", sighting, before, actor_id, data.get("note"))
    db.session.commit()
    return Decision(sighting)


@atomic
def needs_info(sighting_id: int, data: dict, actor_id: int) -> Decision:
    """Ask the volunteer for more; the note tells them what, and their addition reopens it."""
    if not (data.get("note") or "").strip():
        raise Invalid("Say what is missing: the volunteer sees this note.", errors={"note": ["Required."]})
    sighting = open_for_change(sighting_id)
    before = audit.snapshot(sighting, audit.SIGHTING_FIELDS)
    claim(sighting, data.get("version"), sighting_state)
    decide(sighting, vocab.NEEDS_INFO, actor_id, note=data["note"])
    _record("needs_info", sighting, before, actor_id, data["note"])
    db.session.commit()
    return Decision(sighting)


@atomic
def reopen(sighting_id: int, data: dict, actor_id: int) -> Decision:
    """Put any decided sighting back in the queue, undoing what its approval counted."""
    sighting = open_for_change(sighting_id, vocab.DECIDED_SIGHTING_STATUSES, "This sighting is not decided yet.")
    if sighting.kind == vocab.SIGN:
        raise conflict(SIGN_REOPEN, sighting, sighting_state)
    before = audit.snapshot(sighting, audit.SIGHTING_FIELDS)
    claim(sighting, data.get("version"), sighting_state)
    camera_id = sighting.camera_id if sighting.status == vocab.APPROVED else None
    sighting.status, sighting.camera_id, sighting.reject_reason, sighting.moderator_note = (
        vocab.PENDING,
        None,
        None,
        None,
    )
    sighting.decided_at, sighting.decided_by = None, None
    _record("reopened", sighting, before, actor_id, data.get("note"))
    if camera_id is not None:
        camera = lock_camera(camera_id)
        unlink_sighting(camera, sighting, actor_id, data.get("note"))
        recompute_camera(camera)
        dataset_version.bump(db.session)  # a camera's counts changed, or it was withdrawn
    db.session.commit()
    return Decision(sighting)


@atomic
def edit_sighting(sighting_id: int, data: dict, actor_id: int) -> ReviewItem:
    """Correct an open sighting's position, heading or attributes before deciding."""
    sighting = open_for_change(sighting_id)
    before = audit.snapshot(sighting, audit.SIGHTING_FIELDS)
    claim(sighting, data.get("version"), sighting_state)
    # "reviewer", not "manual": the volunteer's receipt must not call a moderator's correction their pin.
    if "lat" in data:
        sighting.lat, sighting.lon, sighting.location_source = data["lat"], data["lon"], vocab.REVIEWER
    if "heading" in data:
        sighting.heading, sighting.heading_ref, sighting.heading_source = data["heading"] % 360, "T", vocab.REVIEWER
    for name in ATTRIBUTE_NAMES:
        if name in data:
            setattr(sighting, name, data[name])
    if "manufacturer" in data:
        sighting.manufacturer = vocab.canonical_manufacturer(data["manufacturer"])
    _record("edited", sighting, before, actor_id, data.get("note"))
    db.session.commit()
    return review_item(sighting)


@atomic
def add_from_volunteer(sighting_id: int, receipt: str | None, notes: str) -> Sighting:
    """The volunteer answers a needs-info request: their notes are appended and it is pending again."""
    sighting = sighting_for_receipt(sighting_id, receipt)
    if sighting is None:
        raise NotFound("No sighting with that id and receipt.")
    db.session.rollback()
    sighting = open_for_change(sighting_id, (vocab.NEEDS_INFO,), NOT_WAITING)
    before = audit.snapshot(sighting, ("status", "version", "notes"))
    claim(sighting, None, sighting_state)
    sighting.notes = f"{sighting.notes}\n\n{notes}" if sighting.notes else notes
    sighting.status = vocab.PENDING
    audit.record(
        "volunteer_added",
        None,
        sighting_id=sighting.id,
        before=before,
        after=audit.snapshot(sighting, ("status", "version", "notes")),
    )
    db.session.commit()
    return sighting


def sighting_for_moderator(sighting_id: int) -> ReviewItem:
    sighting = db.session.get(Sighting, sighting_id)
    if sighting is None:
        raise NotFound(f"There is no sighting {sighting_id}.")
    return review_item(sighting)


def history(sighting_id: int) -> list[audit.Event]:
    """The sighting's audit events, oldest first, for the console."""
    return list(reversed(audit.list_events({"sighting_id": sighting_id, "limit": 100}).items))
