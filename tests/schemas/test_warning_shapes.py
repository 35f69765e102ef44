"""Every shape a warning is stored in dumps alike through the queue's own JSON path, QueueOut's compiled
dump and marshmallow's own dump: the ones intake makes now ({code, values}) and the ones rows kept from
before values ({code, message})."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey import vocab
from survey.extensions import db
from survey.intake.plausibility import plausibility_warnings
from survey.intake.position import pin_warnings
from survey.intake.submit import Receipt
from survey.models import Photo, Sighting, utcnow
from survey.review import work_queue
from survey.schemas.dumping import Out
from survey.schemas.intake import SightingOut
from survey.schemas.queue_json import queue_dict
from survey.schemas.review_out import QueueOut
from tests.support import submit

LONDON, EDINBURGH = (51.5033, -0.1196), (55.9533, -3.1883)


def _as_made_now(app) -> list[dict]:
    """Each code as intake's own functions store it today (both forms of the gallery warning)."""
    with app.app_context():
        digest = db.session.scalars(select(Photo.sha256)).first()  # a photo sent before: duplicate_photo
        now = utcnow()
        doubtful = Sighting(
            accuracy_m=80,
            location_source=vocab.DEVICE,
            heading_source=vocab.DEVICE,
            exif_lat=LONDON[0],
            exif_lon=LONDON[1],
            exif_accuracy_m=5,
            device_lat=EDINBURGH[0],
            device_lon=EDINBURGH[1],
            device_accuracy_m=10,
            manual_lat=52.2,
            manual_lon=0.12,
            captured_at=now + timedelta(hours=3),
        )
        old = Sighting(location_source=vocab.DEVICE, captured_at=now - timedelta(days=800))
        made = [
            *plausibility_warnings(doubtful, [digest], capture="gallery"),
            *pin_warnings(doubtful),
            *plausibility_warnings(old, [], capture="gallery"),
        ]
        db.session.rollback()
    return made


def _as_stored_before(codes) -> list[dict]:
    """Rows from before warnings had values kept their own sentence instead."""
    return [{"code": code, "message": f"As once worded: {code}."} for code in codes]


def _three_dumps(page, monkeypatch) -> list[str]:
    """The page through queue_json, QueueOut compiled and marshmallow's dump, as JSON text (90 is not 90.0)."""
    fast, compiled = queue_dict(page), QueueOut().dump(page)
    monkeypatch.setattr(Out, "compiled", False)
    slow = QueueOut().dump(page)
    monkeypatch.setattr(Out, "compiled", True)
    return [json.dumps(each, sort_keys=True) for each in (fast, compiled, slow)]


@pytest.fixture
def warned(app, client):
    """{"now" | "before": (sighting id, its warnings)}: every warning as made now, every one as stored before."""
    ids = [submit(client, seed=1)["id"], submit(client, seed=2)["id"]]
    made = _as_made_now(app)
    assert {w["code"] for w in made} == set(vocab.WARNINGS)  # a new code needs its case above
    assert all(set(w) == {"code", "values"} for w in made)
    before = _as_stored_before(vocab.WARNINGS)
    with app.app_context():
        for sighting_id, warnings in zip(ids, (made, before), strict=True):
            values = {"warnings": warnings, "warning_count": len(warnings)}
            db.session.execute(update(Sighting).where(Sighting.id == sighting_id).values(**values))
        db.session.commit()
    return dict(zip(("now", "before"), zip(ids, (made, before), strict=True), strict=True))


def test_every_stored_warning_shape_dumps_alike_through_each_path(app, warned, monkeypatch):
    with app.test_request_context():
        fast, compiled, slow = _three_dumps(work_queue.list_queue({"limit": 50}), monkeypatch)
    assert fast == compiled
    assert fast == slow
    shown = {item["id"]: item["warnings"] for item in json.loads(fast)["items"]}
    for sighting_id, stored in warned.values():
        assert [w["code"] for w in shown[sighting_id]] == [w["code"] for w in stored]
        for out, kept in zip(shown[sighting_id], stored, strict=True):
            assert set(out) == {"code", "message", "values"}
            assert out["values"] == kept.get("values", {})  # {} for a row that has none, as documented
            assert out["message"] == vocab.warning_message(kept) and out["message"]
    now_id, before_id = warned["now"][0], warned["before"][0]
    assert all(w["values"] for w in shown[now_id]) and "534 km" in shown[now_id][1]["message"]
    assert all(w["message"].startswith("As once worded") for w in shown[before_id])


def test_the_receipt_dumps_an_old_warning_alike_both_ways(app, warned, monkeypatch):
    """The volunteer's receipt shows the same WarningOut, so it reads a row from before the same way."""
    old_id = warned["before"][0]
    with app.test_request_context():
        receipt = Receipt.with_nearby(db.session.get(Sighting, old_id))
        compiled = SightingOut().dump(receipt)
        monkeypatch.setattr(Out, "compiled", False)
        slow = SightingOut().dump(receipt)
        monkeypatch.setattr(Out, "compiled", True)
    assert json.dumps(compiled, sort_keys=True) == json.dumps(slow, sort_keys=True)
    shown = [c for c in vocab.WARNINGS if c not in vocab.MODERATOR_ONLY_WARNINGS]  # the receipt hides the rest
    assert [(w["code"], w["values"]) for w in compiled["warnings"]] == [(code, {}) for code in shown]
