"""Decisions on sign reports: approve as a new sign, merge into a known one, reopen (withdrawing a sign
left with no confirmation). Rejection and needs-info are the camera reports' own rules.

Each decision uses the sighting machinery of review.decisions (lock, version claim, audit) and
re-measures the signage of the cameras the sign can reach (survey.signage) before the one commit.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from survey import dataset_version, vocab
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.geo import bbox_around, distance_m, within
from survey.models import SIGN_REPORT_FIELDS, Camera, Photo, Sighting, Sign
from survey.review import audit, decisions
from survey.review.blur import check_settled, settle_for_approval
from survey.review.cameras import sighting_day
from survey.review.decisions import decide, open_for_change  # the one way a sighting is opened and decided
from survey.review.versioning import atomic, claim, conflict, lock_row
from survey.signage import recompute_near

SIGN_FIELDS = (
    "status",
    "version",
    "lat",
    "lon",
    "operator",
    "purpose",
    "has_contact",
    "camera_id",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "photo_id",
)
REPORT_FIELDS = (*audit.SIGHTING_FIELDS, "kind", "sign_id", *SIGN_REPORT_FIELDS)
# What a moderator may correct on approval, and the sign column each one sets.
CORRECTIONS = {"lat": "lat", "lon": "lon", "operator": "operator", "purpose": "purpose"}
CORRECTIONS |= {"has_contact": "has_contact", "camera_id": "camera_id"}
A_CAMERA = "This sighting reports a camera: approve it with /approve."
NOT_PUBLIC = "No public camera has that id: a sign can only be fixed to a public camera."


@dataclass
class SignDecision:
    """A decided sign report; an approval adds its sign and the cameras whose signage changed."""

    sighting: Sighting
    sign: Sign | None = None
    cameras_changed: list[int] = field(default_factory=list)


def report_state(sighting: Sighting) -> dict:
    """The sign report as a 409 carries it in `current`."""
    return audit.snapshot(sighting, (*decisions.STATE_FIELDS, "sign_id"))


def sign_state(sign: Sign) -> dict:
    return audit.snapshot(sign, ("id", *SIGN_FIELDS))


def _open_report(sighting_id: int, states=vocab.OPEN_SIGHTING_STATUSES, refusal: str = decisions.DECIDED) -> Sighting:
    sighting = open_for_change(sighting_id, states, refusal)
    if sighting.kind != vocab.SIGN:
        raise conflict(A_CAMERA, sighting, report_state)
    return sighting


def _record(action: str, sighting: Sighting, before: dict, actor_id: int, sign_id: int | None, note=None) -> None:
    after = audit.snapshot(sighting, REPORT_FIELDS)
    audit.record(action, actor_id, sighting_id=sighting.id, sign_id=sign_id, before=before, after=after, note=note)


def check_fixed_to(camera_id: int | None) -> None:
    """422 unless the camera a sign is fixed to is public (None, not fixed to one, passes)."""
    if camera_id is None:
        return
    status = db.session.scalar(select(Camera.status).where(Camera.id == camera_id))
    if status not in vocab.PUBLIC_CAMERA_STATUSES:
        raise Invalid(NOT_PUBLIC, errors={"camera_id": ["Not a public camera."]})


@atomic
def approve_sign(sighting_id: int, data: dict, actor_id: int) -> SignDecision:
    """Approve a sign report as a new sign, or (with sign_id) as one more confirmation of a known sign."""
    settle_for_approval(sighting_id)  # a sign's photo is public too: faces found and blurred first
    sighting = _open_report(sighting_id)
    check_settled(sighting)
    before = audit.snapshot(sighting, REPORT_FIELDS)
    claim(sighting, data.get("version"), report_state)
    decide(sighting, vocab.APPROVED, actor_id, note=data.get("note"))
    if data.get("sign_id") is None:
        sign, was = new_sign(sighting, data), None
        audit.record("sign_created", actor_id, sighting_id=sighting.id, sign_id=sign.id, after=sign_state(sign))
    else:
        sign = lock_sign(data["sign_id"])
        was = (sign.lat, sign.lon, sign.camera_id)
        merge_into_sign(sign, sighting, data, actor_id)
    check_fixed_to(sign.camera_id)
    sighting.sign_id = sign.id
    _record("approved" if was is None else "merged", sighting, before, actor_id, sign.id, data.get("note"))
    positions, cameras = [(sign.lat, sign.lon)], [sign.camera_id]
    if was is not None:
        positions, cameras = positions + [was[:2]], cameras + [was[2]]
    changed = recompute_near(positions, cameras).changed
    dataset_version.bump(db.session)  # a sign's position or operator changes cameras' signage
    db.session.commit()
    return SignDecision(sighting, sign, changed)


def new_sign(sighting: Sighting, data: dict) -> Sign:
    """A sign from its report, with the moderator's corrections."""
    day = sighting_day(sighting)
    sign = Sign(
        lat=sighting.lat,
        lon=sighting.lon,
        operator=sighting.operator,
        purpose=sighting.sign_purpose,
        has_contact=sighting.sign_has_contact,
        camera_id=sighting.sign_camera_id,
        status=vocab.ACTIVE,
        first_seen=day,
        last_confirmed=day,
        sightings_count=1,
        version=1,
        photo_id=sighting.photos[0].id if sighting.photos else None,
    )
    _correct(sign, data)
    db.session.add(sign)
    db.session.flush()
    return sign


def _correct(sign: Sign, data: dict) -> None:
    for name, column in CORRECTIONS.items():
        if name in data:
            setattr(sign, column, data[name])


def lock_sign(sign_id: int) -> Sign:
    """Take the sign's row lock, then read it fresh."""
    return lock_row(Sign, sign_id, "sign")


def merge_into_sign(sign: Sign, sighting: Sighting, data: dict, actor_id: int) -> None:
    """Count one more confirmation on a locked sign, with the corrections the moderator sent."""
    if sign.status != vocab.ACTIVE:
        message = "That sign was withdrawn: approve as a new sign." if sign.status == vocab.WITHDRAWN else None
        raise conflict(message or "That sign is marked removed: it cannot take confirmations.", sign, sign_state)
    before = sign_state(sign)
    _correct(sign, data)
    day = sighting_day(sighting)
    sign.sightings_count += 1
    sign.last_confirmed = max(sign.last_confirmed or day, day)
    sign.first_seen = min(sign.first_seen or day, day)
    audit.record(
        "sign_merged", actor_id, sighting_id=sighting.id, sign_id=sign.id, before=before, after=sign_state(sign)
    )


def kind_of(sighting_id: int) -> str | None:
    """The sighting's kind (None when there is no such sighting), read outside any write."""
    kind = db.session.scalar(select(Sighting.kind).where(Sighting.id == sighting_id))
    db.session.rollback()  # the decision opens its own write transaction
    return kind


def approve_new(sighting_id: int, data: dict, actor_id: int):
    """Approve a report as a new camera or a new sign, whichever it reports (the bulk approval)."""
    if kind_of(sighting_id) == vocab.SIGN:
        return approve_sign(sighting_id, data, actor_id)
    return decisions.approve(sighting_id, data, actor_id)


def reopen(sighting_id: int, data: dict, actor_id: int):
    """Reopen any decided report: a sign report's approval is taken back from its sign."""
    if kind_of(sighting_id) == vocab.SIGN:
        return reopen_report(sighting_id, data, actor_id)
    return decisions.reopen(sighting_id, data, actor_id)


@atomic
def reopen_report(sighting_id: int, data: dict, actor_id: int) -> SignDecision:
    """Back to pending; a sign it confirmed counts one fewer, and a sign left with none is withdrawn."""
    sighting = _open_report(sighting_id, vocab.DECIDED_SIGHTING_STATUSES, "This sighting is not decided yet.")
    before = audit.snapshot(sighting, REPORT_FIELDS)
    claim(sighting, data.get("version"), report_state)
    sign_id = sighting.sign_id if sighting.status == vocab.APPROVED else None
    sighting.status, sighting.sign_id, sighting.reject_reason, sighting.moderator_note = vocab.PENDING, None, None, None
    sighting.decided_at, sighting.decided_by = None, None
    _record("reopened", sighting, before, actor_id, sign_id, data.get("note"))
    changed = []
    if sign_id is not None:
        sign = lock_sign(sign_id)
        unlink_report(sign, sighting, actor_id, data.get("note"))
        changed = recompute_near([(sign.lat, sign.lon)], [sign.camera_id]).changed
    dataset_version.bump(db.session)
    db.session.commit()
    return SignDecision(sighting, None, changed)


def unlink_report(sign: Sign, sighting: Sighting, actor_id: int, note: str | None) -> None:
    """Undo one confirmation of a sign; with none left it is withdrawn: public nowhere, kept for the audit."""
    before = sign_state(sign)
    db.session.flush()  # the report is no longer approved: recount without it
    query = select(Sighting).where(Sighting.sign_id == sign.id, Sighting.status == vocab.APPROVED)
    remaining = list(db.session.scalars(query))
    sign.sightings_count = max(sign.sightings_count - 1, 0)
    if remaining:
        sign.first_seen = min(sighting_day(s) for s in remaining)
        sign.last_confirmed = max(sighting_day(s) for s in remaining)
    if sign.photo_id is not None and db.session.get(Photo, sign.photo_id).sighting_id == sighting.id:
        sign.photo_id = next((s.photos[0].id for s in remaining if s.photos), None)
    if not remaining:
        sign.status = vocab.WITHDRAWN
    audit.record(
        "sign_unlinked",
        actor_id,
        sighting_id=sighting.id,
        sign_id=sign.id,
        before=before,
        after=sign_state(sign),
        note=note,
    )


@dataclass(frozen=True)
class SignNear:
    sign: Sign
    distance_m: float


def signs_near(lat: float, lon: float, radius_m: float = vocab.SIGN_RADIUS_M) -> list[SignNear]:
    """Active signs within radius_m, nearest first."""
    box = bbox_around(lat, lon, radius_m)
    query = select(Sign).where(Sign.status == vocab.ACTIVE, within(Sign.lat, Sign.lon, box))
    near = [SignNear(sign, distance_m(lat, lon, sign.lat, sign.lon)) for sign in db.session.scalars(query)]
    return sorted((n for n in near if n.distance_m <= radius_m), key=lambda n: (n.distance_m, n.sign.id))


def sign_candidates(sighting_id: int) -> list[SignNear]:
    """The known signs within 50 m of a sign report: what a moderator may merge it into."""
    sighting = db.session.get(Sighting, sighting_id)
    if sighting is None or sighting.kind != vocab.SIGN:
        raise NotFound(f"There is no sign report {sighting_id}.")
    return signs_near(sighting.lat, sighting.lon)
