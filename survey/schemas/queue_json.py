"""The queue page as JSON without a schema walk: plain dicts built field by field, one json.dumps.

A page of 50 holds about 6,000 members with its candidates. QueueOut's compiled dump calls a
getter and a converter for each; here each member is one attribute read, and the per-page
constants (the photo URL prefix, the words of each likelihood) are worked out once. QueueOut
stays the documented shape, and tests/review/test_queue_json.py holds this output equal to
QueueOut's dump (and so to marshmallow's) for the same page.
"""

import json
from datetime import date, datetime

from flask import Response

from survey import vocab
from survey.models import ATTRIBUTE_NAMES
from survey.review.work_queue import QueuePage, ReviewItem
from survey.schemas.common import warning_values
from survey.schemas.review_out import _photos_url

# As Flask's own provider writes it outside debug mode: compact, ASCII only.
_ENCODE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def queue_response(page: QueuePage) -> Response:
    """The page as the API's 200 answer, shaped as QueueOut documents it."""
    return Response(_ENCODE(queue_dict(page)) + "\n", mimetype="application/json")


def queue_dict(page: QueuePage) -> dict:
    photos = _photos_url()
    return {
        "items": [_item(item, photos) for item in page.items],
        "next_cursor": page.next_cursor,
        "total": page.total,
        "total_capped": page.total_capped,
    }


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _float(value) -> float | None:
    return None if value is None else float(value)


def _point(row, prefix: str) -> dict | None:
    """One of the positions kept (PositionsOut): null when it has no latitude; manual has no accuracy."""
    lat = getattr(row, prefix + "lat")
    if lat is None:
        return None
    accuracy = getattr(row, prefix + "accuracy_m", None)
    return {"lat": float(lat), "lon": _float(getattr(row, prefix + "lon")), "accuracy_m": _float(accuracy)}


def _item(item: ReviewItem, photos: str) -> dict:
    s = item.sighting
    heading = s.heading
    return {
        "id": s.id,
        "status": s.status,
        "location": {
            "lat": float(s.lat),
            "lon": float(s.lon),
            "accuracy_m": _float(s.accuracy_m),
            "source": s.location_source,
        },
        "heading": None
        if heading is None
        else {"degrees": float(heading), "ref": s.heading_ref, "source": s.heading_source},
        "captured_at": _iso(s.captured_at),
        "captured_at_source": s.captured_at_source,
        "submitted_at": _iso(s.submitted_at),
        "warnings": [_warning(w) for w in s.warnings],
        "attributes": {name: getattr(s, name) for name in ATTRIBUTE_NAMES},
        "notes": s.notes,
        "reject_reason": s.reject_reason,
        "moderator_note": s.moderator_note,
        "nearby_camera_id": s.nearby_camera_id,
        "nearby_answer": s.nearby_answer,
        "kind": s.kind,
        "sign_purpose": s.sign_purpose,
        "sign_has_contact": s.sign_has_contact,
        "sign_camera_id": s.sign_camera_id,
        "version": s.version,
        "positions": {"exif": _point(s, "exif_"), "device": _point(s, "device_"), "manual": _point(s, "manual_")},
        "warning_count": s.warning_count,
        "volunteer_key": s.volunteer_key,
        "camera_id": s.camera_id,
        "sign_id": s.sign_id,
        "decided_at": _iso(s.decided_at),
        "decided_by": s.decided_by,
        "photos": [
            {
                "id": p.id,
                "width": p.width,
                "height": p.height,
                "format": p.format,
                "thumb_url": f"{photos}/{p.id}/thumb",
                "display_url": f"{photos}/{p.id}/display",
                "original_url": f"{photos}/{p.id}/original",
            }
            for p in item.photos
        ],
        "candidates": [_candidate(c, photos) for c in item.candidates],
    }


def _warning(warning: dict) -> dict:
    return {
        "code": warning["code"],
        "message": vocab.warning_message(warning),
        "values": warning_values(warning),
    }


def _candidate(candidate, photos: str) -> dict:
    c, chance, photo = candidate.camera, candidate.chance, candidate.camera.photo_id
    return {
        "id": c.id,
        "lat": float(c.lat),
        "lon": float(c.lon),
        "direction": _float(c.direction),
        "status": c.status,
        "version": c.version,
        "first_seen": _iso(c.first_seen),
        "last_confirmed": _iso(c.last_confirmed),
        "sightings_count": c.sightings_count,
        "volunteers_count": c.volunteers_count,
        "photo_id": photo,
        "attributes": {name: getattr(c, name) for name in ATTRIBUTE_NAMES},
        "thumb_url": None if photo is None else f"{photos}/{photo}/thumb",
        "display_url": None if photo is None else f"{photos}/{photo}/display",
        "distance_m": round(float(candidate.distance_m), 1),
        "likelihood": round(float(chance.score), 3),
        "kind": chance.kind,
        "label": vocab.LIKELIHOOD_LABELS[chance.kind],
        "reasons": chance.reasons,
    }
