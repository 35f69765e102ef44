"""An Out schema's compiled dump gives exactly what marshmallow's own dump of it gives."""

import json

import pytest

from survey.accounts import users
from survey.extensions import db
from survey.intake.submit import Receipt
from survey.models import Sighting
from survey.review import audit, bulk, decisions, work_queue
from survey.schemas.accounts import UserOut
from survey.schemas.dumping import Out
from survey.schemas.intake import SightingOut
from survey.schemas.review_out import ApprovalOut, AuditOut, BulkOut, CameraOut, DecisionOut, QueueOut, SightingItemOut
from tests.factories import new_client_id, photo, upload
from tests.support import make_user, submit


@pytest.fixture
def both(monkeypatch):
    """(compiled, marshmallow's) dumps of one object."""

    def dump(schema, obj):
        fast = schema.dump(obj)
        monkeypatch.setattr(Out, "compiled", False)
        slow = schema.dump(obj)
        monkeypatch.setattr(Out, "compiled", True)
        return json.dumps(fast, sort_keys=True), json.dumps(slow, sort_keys=True)  # 90 and 90.0 differ

    return dump


def test_compiled_dumps_match_marshmallow(app, client, both):
    a = submit(client, seed=1, heading=90, manufacturer="Hikvision")
    b = submit(client, lat=51.50331, lon=-0.11961, seed=2, manufacturer="Dahua", location_source="manual")
    c = submit(client, lat=51.6, lon=-0.2, seed=3)
    actor = make_user(app)
    with app.test_request_context():
        approval = decisions.approve(a["id"], {"note": "seen"}, actor)
        merge = decisions.approve(b["id"], {"camera_id": approval.camera.id}, actor)
        outcomes = bulk.bulk_decide({"action": "reject", "ids": [a["id"], c["id"], 999], "reason": "other"}, actor)
        sighting = db.session.get(Sighting, b["id"])
        cases = [
            (ApprovalOut(), approval),
            (ApprovalOut(), merge),
            (DecisionOut(), merge),
            (CameraOut(), merge.camera),
            (QueueOut(), work_queue.list_queue({"status": ["approved", "rejected"]})),
            (SightingItemOut(), work_queue.review_item(sighting)),
            (SightingOut(), Receipt.with_nearby(sighting)),
            (AuditOut(), audit.list_events({})),
            (BulkOut(), outcomes),
            (UserOut(many=True), users.list_users()),
        ]
        for schema, obj in cases:
            fast, slow = both(schema, obj)
            assert fast == slow, type(schema).__name__
    assert merge.conflicts and outcomes["failed"] == 2 and "current" in outcomes["results"][0]["error"]


def test_a_part_shows_a_missing_column_as_null(app, client):
    pin = {"lat": 51.50331, "lon": -0.11961, "location_source": "manual"}
    sent = upload(client, photo(size=(160, 120)), client_id=new_client_id(), **pin).json  # no GPS in the photo
    with app.test_request_context():
        item = SightingItemOut().dump(work_queue.review_item(db.session.get(Sighting, sent["id"])))
    assert item["positions"]["manual"] == {"lat": 51.50331, "lon": -0.11961, "accuracy_m": None}
    assert item["positions"]["exif"] is None and item["positions"]["device"] is None
