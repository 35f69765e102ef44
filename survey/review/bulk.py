"""Bulk review: approve or reject a list of sightings, or everything a queue filter matches."""

from survey import vocab
from survey.errors import Invalid, SurveyError
from survey.extensions import db
from survey.models import Sighting
from survey.review import decisions, signs
from survey.review.work_queue import filtered

BULK_MAX = 500


def matching_ids(filters: dict, limit: int) -> list[int]:
    """Ids the filter matches now, oldest first: later arrivals are not swept in."""
    query = filtered(filters).with_only_columns(Sighting.id)
    return list(db.session.scalars(query.order_by(Sighting.submitted_at, Sighting.id).limit(limit)))


def bulk_decide(data: dict, actor_id: int) -> dict:
    """Apply one decision to each sighting in its own transaction; report each one's outcome."""
    if data["action"] == "reject" and data.get("reason") not in vocab.REJECT_REASONS:
        raise Invalid("A bulk rejection needs a reason from the list.", errors={"reason": ["Required."]})
    if "ids" in data:
        ids, truncated = list(dict.fromkeys(data["ids"])), False
    else:
        ids = matching_ids(data["filter"], BULK_MAX + 1)
        ids, truncated = ids[:BULK_MAX], len(ids) > BULK_MAX
    db.session.rollback()  # end the read; each decision opens its own write transaction
    results = [_decide_one(sighting_id, data, actor_id) for sighting_id in ids]
    succeeded = sum(1 for r in results if r["ok"])
    return {"results": results, "succeeded": succeeded, "failed": len(results) - succeeded, "truncated": truncated}


def _decide_one(sighting_id: int, data: dict, actor_id: int) -> dict:
    fields = {"note": data.get("note")}
    try:
        if data["action"] == "approve":
            outcome = signs.approve_new(sighting_id, fields, actor_id)  # a sign report becomes a sign
        else:
            outcome = decisions.reject(sighting_id, fields | {"reason": data["reason"]}, actor_id)
    except SurveyError as exc:
        # The same body the single-sighting answer gives, "current" included when the message points to it.
        return {"id": sighting_id, "ok": False, "error": exc.body()}
    return {"id": sighting_id, "ok": True, "status": outcome.sighting.status, "camera_id": outcome.sighting.camera_id}
