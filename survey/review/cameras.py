"""What approving does to the confirmed cameras: create, merge into, unlink, edit, remove and restore."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from survey import dataset_version, vocab
from survey.extensions import db
from survey.models import ATTRIBUTE_NAMES, Camera, Photo, Sighting
from survey.review import audit
from survey.review.versioning import atomic, claim, conflict, lock_row, open_known
from survey.signage import recompute_camera

POSITION_FIELDS = ("lat", "lon", "direction")
STATE_FIELDS = (
    "id",
    *POSITION_FIELDS,
    "status",
    "version",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_id",
)


@dataclass(frozen=True)
class AttributeConflict:
    """An attribute the sighting reports differently from the camera it was merged into."""

    field: str
    sighting: str | None
    camera: str | None


def camera_state(camera: Camera) -> dict:
    """The camera as a 409 carries it in `current`: the members of schemas' CameraOut, as JSON values.

    Built from field lists because the error travels below the schemas, which rules cannot import.
    """
    return audit.snapshot(camera, STATE_FIELDS) | {"attributes": audit.snapshot(camera, ATTRIBUTE_NAMES)}


def sighting_day(sighting: Sighting) -> date:
    """The day a sighting confirms: when the photo was taken, unless that claims to be after it was sent."""
    taken = sighting.captured_at
    moment = taken if taken is not None and taken <= sighting.submitted_at else sighting.submitted_at
    return moment.date()


def initial_direction(sighting: Sighting, data: dict) -> float | None:
    """A corrected direction wins; else a true (not magnetic) heading from the sighting."""
    if data.get("direction") is not None:
        return data["direction"] % 360
    return sighting.heading if sighting.heading_ref == "T" else None


def new_camera(sighting: Sighting, data: dict) -> Camera:
    """A camera from a sighting, with the moderator's corrections to position and attributes."""
    day = sighting_day(sighting)
    camera = Camera(
        lat=data.get("lat", sighting.lat),
        lon=data.get("lon", sighting.lon),
        direction=initial_direction(sighting, data),
        status=vocab.ACTIVE,
        first_seen=day,
        last_confirmed=day,
        sightings_count=1,
        volunteers_count=1,
        version=1,
        photo_id=sighting.photos[0].id if sighting.photos else None,
    )
    for name in ATTRIBUTE_NAMES:
        setattr(camera, name, data[name] if name in data else getattr(sighting, name))
    camera.manufacturer = vocab.canonical_manufacturer(camera.manufacturer)
    db.session.add(camera)
    db.session.flush()
    return camera


def lock_camera(camera_id: int) -> Camera:
    """Take the camera's row lock, then read it fresh."""
    return lock_row(Camera, camera_id, "camera")


def attribute_conflicts(sighting: Sighting, camera: Camera) -> list[AttributeConflict]:
    """Attributes the sighting reports differently from the camera, for the moderator to settle."""
    return [
        AttributeConflict(name, getattr(sighting, name), getattr(camera, name))
        for name in ATTRIBUTE_NAMES
        if getattr(sighting, name) is not None and getattr(sighting, name) != getattr(camera, name)
    ]


def apply_choices(camera: Camera, sighting: Sighting, data: dict) -> None:
    """Change the camera only where the request says: explicit values, or `take` from the sighting."""
    for name in data.get("take", []):
        setattr(camera, name, getattr(sighting, name))
    for name in (*ATTRIBUTE_NAMES, *POSITION_FIELDS):
        if name in data:
            setattr(camera, name, data[name])
    camera.manufacturer = vocab.canonical_manufacturer(camera.manufacturer)


def count_volunteers(camera_id: int) -> int:
    """Distinct volunteers among the camera's approved sightings; one without a key counts alone."""
    approved = (Sighting.camera_id == camera_id, Sighting.status == vocab.APPROVED)
    keyed = select(func.count(distinct(Sighting.volunteer_key))).where(*approved, Sighting.volunteer_key.is_not(None))
    unkeyed = select(func.count()).select_from(Sighting).where(*approved, Sighting.volunteer_key.is_(None))
    return db.session.scalar(keyed) + db.session.scalar(unkeyed)


def merge_into_camera(camera: Camera, sighting: Sighting, data: dict, actor_id: int) -> list[AttributeConflict]:
    """Count one more confirmation on a locked camera; return the attribute conflicts left open."""
    if camera.status == vocab.WITHDRAWN:
        # Never a candidate: its confirmations were all taken back, so approve as a new camera instead.
        raise conflict(
            "That camera was withdrawn (none of its confirmations stand): approve as a new camera.",
            camera,
            camera_state,
        )
    if camera.status != vocab.ACTIVE:
        raise conflict("That camera is marked removed: restore it before merging into it.", camera, camera_state)
    before = audit.snapshot(camera, audit.CAMERA_FIELDS)
    apply_choices(camera, sighting, data)
    day = sighting_day(sighting)
    camera.sightings_count += 1
    camera.last_confirmed = max(camera.last_confirmed or day, day)
    camera.first_seen = min(camera.first_seen or day, day)
    db.session.flush()  # the sighting's approval must be visible to the count
    camera.volunteers_count = count_volunteers(camera.id)
    audit.record(
        "camera_merged",
        actor_id,
        sighting_id=sighting.id,
        camera_id=camera.id,
        before=before,
        after=audit.snapshot(camera, audit.CAMERA_FIELDS),
        note=data.get("note"),
    )
    return attribute_conflicts(sighting, camera)


def unlink_sighting(camera: Camera, sighting: Sighting, actor_id: int, note: str | None) -> None:
    """Undo one confirmation when an approval is reopened; a camera left with none is withdrawn."""
    before = audit.snapshot(camera, audit.CAMERA_FIELDS)
    db.session.flush()  # the sighting is no longer approved: recount without it
    remaining = list(
        db.session.scalars(select(Sighting).where(Sighting.camera_id == camera.id, Sighting.status == vocab.APPROVED))
    )
    camera.sightings_count = max(camera.sightings_count - 1, 0)
    camera.volunteers_count = count_volunteers(camera.id)
    if remaining:
        camera.last_confirmed = max(sighting_day(s) for s in remaining)
    if camera.photo_id is not None and _photo_of(camera.photo_id, sighting):
        # The public photo must come from an approved sighting.
        camera.photo_id = next((s.photos[0].id for s in remaining if s.photos), None)
    if not remaining:
        camera.status = vocab.WITHDRAWN  # unpublished, but kept: the audit trail refers to it
    audit.record(
        "camera_unlinked",
        actor_id,
        sighting_id=sighting.id,
        camera_id=camera.id,
        before=before,
        after=audit.snapshot(camera, audit.CAMERA_FIELDS),
        note=note,
    )


def _photo_of(photo_id: int, sighting: Sighting) -> bool:
    return db.session.scalar(select(Photo.sighting_id).where(Photo.id == photo_id)) == sighting.id


@atomic
def edit_camera(camera_id: int, data: dict, actor_id: int) -> Camera:
    """Correct a camera's position or attributes, or mark it removed / restore it."""
    withdrawn = "That camera was withdrawn: it has no confirmations to edit or restore."
    camera = open_known(Camera, camera_id, "camera", withdrawn, camera_state)
    before = audit.snapshot(camera, audit.CAMERA_FIELDS)
    claim(camera, data.get("version"), camera_state)
    for name in (*ATTRIBUTE_NAMES, *POSITION_FIELDS, "status"):
        if name in data:
            setattr(camera, name, data[name])
    camera.manufacturer = vocab.canonical_manufacturer(camera.manufacturer)
    recompute_camera(camera)  # a move or a new operator changes its signage
    action = "camera_edited"
    if before["status"] != camera.status:
        action = "camera_removed" if camera.status == vocab.REMOVED else "camera_restored"
    audit.record(
        action,
        actor_id,
        camera_id=camera.id,
        before=before,
        after=audit.snapshot(camera, audit.CAMERA_FIELDS),
        note=data.get("note"),
    )
    dataset_version.bump(db.session)
    db.session.commit()
    return camera
