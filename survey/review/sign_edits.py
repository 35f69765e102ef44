"""A moderator's changes to a known sign: correct what it says, move it, fix it to a camera, mark it
removed (no longer there, still public as removed) or restore it.

One transaction, as every decision: the row lock and version claim, the audit event, the signage of
the cameras around the sign where it was and where it is now, and the data version.
"""

from dataclasses import dataclass

from sqlalchemy import select

from survey import dataset_version, vocab
from survey.errors import NotFound
from survey.extensions import db
from survey.models import Sign
from survey.review import audit
from survey.review.signs import check_fixed_to, sign_state
from survey.review.versioning import atomic, claim, open_known
from survey.signage import recompute_near

EDITABLE = ("lat", "lon", "operator", "purpose", "has_contact", "camera_id", "status")
WITHDRAWN = "That sign was withdrawn: it has no confirmations to edit or restore."


@dataclass
class SignEdit:
    """The sign as changed, and the cameras whose measured signage the change moved."""

    sign: Sign
    cameras_changed: list[int]


def _action(before: dict, sign: Sign) -> str:
    if before["status"] == sign.status:
        return "sign_edited"
    return "sign_removed" if sign.status == vocab.REMOVED else "sign_restored"


@atomic
def edit_sign(sign_id: int, data: dict, actor_id: int) -> SignEdit:
    """Change a sign and re-measure the cameras it reached before and reaches now, in one commit."""
    sign = open_known(Sign, sign_id, "sign", WITHDRAWN, sign_state)
    before = sign_state(sign)
    claim(sign, data.get("version"), sign_state)
    if "camera_id" in data:
        check_fixed_to(data["camera_id"])  # before the row changes: a flush would meet the foreign key first
    was = ((sign.lat, sign.lon), sign.camera_id)
    for name in EDITABLE:
        if name in data:
            setattr(sign, name, data[name])
    audit.record(
        _action(before, sign), actor_id, sign_id=sign.id, before=before, after=sign_state(sign), note=data.get("note")
    )
    changed = recompute_near([(sign.lat, sign.lon), was[0]], [sign.camera_id, was[1]]).changed
    dataset_version.bump(db.session)  # a sign's position, operator or status changes cameras' signage
    db.session.commit()
    return SignEdit(sign, changed)


def sign_for_moderator(sign_id: int) -> Sign:
    """One sign as moderators see it, whatever its status."""
    sign = db.session.scalar(select(Sign).where(Sign.id == sign_id))
    if sign is None:
        raise NotFound(f"There is no sign {sign_id}.")
    return sign
