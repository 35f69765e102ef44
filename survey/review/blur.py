"""The moderator's blur tool: what a photo's public copies blur, a moderator's correction, and the rule
that a sighting is approved only once the blur of each of its photos is settled.

A photo's blur is "pending" until faces were detected on it (review.reblur.detect_pending, run here
when the tool first asks), "detected" after that, and "reviewed" once a moderator saved the tool:
the stored boxes are then the moderator's exact regions, and `photos reblur` keeps them.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from survey import dataset_version, vocab
from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import Camera, Photo, Sighting, utcnow
from survey.photos.blur import GROW, WHOLE, Box
from survey.photos.images import ImageError
from survey.review import audit
from survey.review.reblur import detect_pending, public_copies, replace_copies
from survey.review.versioning import conflict
from survey.storage import photo_files

PENDING, DETECTED, REVIEWED = "pending", "detected", "reviewed"
STALE_BLUR = (
    "Someone else changed this photo's blur first; nothing was saved. What its public copies blur now is in 'current'."
)
# PhotoBlurOut's members, as a 409 carries them in `current` (rules cannot import the schemas).
BLUR_FIELDS = ("photo_id", "state", "model", "threshold", "whole", "boxes", "reviewed_at", "display_sha256")
NOT_SETTLED = (
    "Faces could not be looked for in photo {positions} of this sighting, so it cannot be published yet: "
    "open it in the photo viewer and blur it by hand (or the whole photo), then approve."
)


@dataclass
class PhotoBlur:
    """A photo's blur as the tool shows it: the regions its public copies blur, in fractions of the photo."""

    photo: Photo

    @property
    def photo_id(self) -> int:
        return self.photo.id

    @property
    def state(self) -> str:
        return blur_state(self.photo)

    @property
    def model(self) -> str | None:
        return self.photo.blur_model

    @property
    def threshold(self) -> float | None:
        return self.photo.blur_threshold

    @property
    def reviewed_at(self) -> datetime | None:
        return self.photo.blur_reviewed_at

    @property
    def boxes(self) -> list[dict]:
        return [_box_out(box, self.state) for box in regions(self.photo) if not box.whole]

    @property
    def whole(self) -> bool:
        return any(box.whole for box in regions(self.photo))

    @property
    def display_sha256(self) -> str:
        return self.photo.display_sha256


def blur_state(photo: Photo) -> str:
    if photo.blur_model is None:
        return PENDING
    return REVIEWED if photo.blur_reviewed_at is not None else DETECTED


def regions(photo: Photo) -> list[Box]:
    """The regions blurred: a detector's boxes grown as blurring grows them, a moderator's as drawn."""
    boxes = [Box.from_list(values) for values in photo.blur_boxes or []]
    return boxes if photo.blur_reviewed_at is not None else [box.grown(GROW) for box in boxes]


def _box_out(box: Box, state: str) -> dict:
    source = "moderator" if state == REVIEWED else "detector"
    kind = "moderator" if state == REVIEWED else box.kind
    return {"x1": box.x1, "y1": box.y1, "x2": box.x2, "y2": box.y2, "score": box.score, "source": source, "kind": kind}


def photo_blur(photo_id: int) -> PhotoBlur:
    """The photo's blur for the tool; faces are detected first if they have not been yet."""
    photo = _photo(photo_id)
    if photo.blur_model is None:
        detect_pending(photo_id)
        photo = _photo(photo_id)
    return PhotoBlur(photo)


def save_blur(photo_id: int, data: dict, actor_id: int) -> PhotoBlur:
    """Rebuild the public copies from the original with the moderator's boxes (or all of it), audited.

    With `display_sha256` (the public copy the moderator started from) it is a conditional write: 409,
    with the blur as it now stands, when the copies were rebuilt since. The precondition is the copy
    itself, so a rebuild that came back to the very same picture does not count as a change.
    """
    shown = photo_blur(photo_id)  # a record to start from: the detector's, which the event's `before` shows
    expected = data.get("display_sha256")
    if expected not in (None, shown.display_sha256):
        raise _stale(shown.photo)  # before any image work; settle() checks again, in the write
    wanted = (WHOLE,) if data.get("whole") else tuple(Box(b["x1"], b["y1"], b["x2"], b["y2"]) for b in data["boxes"])
    stale = [False]

    def settle(photo: Photo, copies) -> bool:
        if not _hold(photo, expected):
            stale[0] = True
            return False
        before = _snapshot(photo)
        photo.blur_boxes = [box.as_list() for box in wanted]
        photo.blur_reviewed_at = utcnow()
        # The copy this save makes, which replace_copies names on the row only after settle agrees.
        after = _snapshot(photo) | {"display_sha256": photo_files.sha256(copies.display)}
        audit.record("blur_reviewed", actor_id, sighting_id=photo.sighting_id, before=before, after=after)
        if is_public(photo):
            dataset_version.bump(db.session)  # the exports' photo links name the new copies
        return True

    replace_copies(photo_id, lambda original, meta: public_copies(original, meta, blur_with=wanted), settle)
    photo = _photo(photo_id)
    if stale[0]:
        raise _stale(photo)
    return PhotoBlur(photo)


def _stale(photo: Photo) -> Conflict:
    """The 409 for a save from a public copy that is no longer the photo's, carrying the blur as it is."""
    return conflict(STALE_BLUR, PhotoBlur(photo), lambda shown: audit.snapshot(shown, BLUR_FIELDS))  # as GET answers


def _hold(photo: Photo, expected: str | None) -> bool:
    """Lock the photo's row for this write, if its public copy is still `expected` (any, when None).

    A conditional UPDATE, as versioning.claim: of two saves from the same copy, PostgreSQL lets the
    second one's WHERE see the first's commit, and SQLite has already serialised them.
    """
    statement = update(Photo).where(Photo.id == photo.id)
    if expected is not None:
        statement = statement.where(Photo.display_sha256 == expected)
    statement = statement.values(display_sha256=Photo.display_sha256).execution_options(synchronize_session=False)
    if db.session.execute(statement).rowcount != 1:
        return False
    db.session.refresh(photo)  # as it is now the row is ours, for the event's `before`
    return True


def _snapshot(photo: Photo) -> dict:
    return {
        "photo_id": photo.id,
        "state": blur_state(photo),
        "boxes": [box.as_list()[:4] for box in regions(photo)],
        "display_sha256": photo.display_sha256,
    }


def is_public(photo: Photo) -> bool:
    """True when the photo's copies are published: an approved sighting's, or a public camera's own."""
    approved = select(Sighting.id).where(Sighting.id == photo.sighting_id, Sighting.status == vocab.APPROVED)
    chosen = select(Camera.id).where(Camera.photo_id == photo.id, Camera.status.in_(vocab.PUBLIC_CAMERA_STATUSES))
    return db.session.scalar(select(approved.exists() | chosen.exists()))


def settle_for_approval(sighting_id: int) -> None:
    """Detect faces on any photo of the sighting not yet looked at, so that approving waits for it.

    Usually the photo viewer has done this already. A photo that cannot be detected (its original
    unreadable) stays pending, and check_settled() then refuses the approval.
    """
    pending = list(
        db.session.scalars(select(Photo.id).where(Photo.sighting_id == sighting_id, Photo.blur_model.is_(None)))
    )
    db.session.rollback()
    for photo_id in pending:
        try:
            detect_pending(photo_id)
        except (ImageError, FileNotFoundError, OSError):
            db.session.rollback()


def check_settled(sighting: Sighting) -> None:
    """409 unless every photo of ``sighting`` has had its faces detected (and blurred)."""
    waiting = [str(photo.position + 1) for photo in sighting.photos if photo.blur_model is None]
    if waiting:
        db.session.rollback()
        raise Conflict(
            NOT_SETTLED.format(positions=", ".join(waiting)),
            errors={"photos": [f"Photo {n}: faces not yet detected and blurred." for n in waiting]},
        )


def _photo(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id, populate_existing=True)
    if photo is None:
        db.session.rollback()
        raise NotFound(f"There is no photo {photo_id}.")
    return photo
