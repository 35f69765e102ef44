"""The queue page's own JSON path gives exactly what QueueOut (and marshmallow's own dump) gives."""

import json

import pytest
from sqlalchemy import update

from survey.extensions import db
from survey.models import Sighting
from survey.review import decisions, work_queue
from survey.schemas.dumping import Out
from survey.schemas.queue_json import queue_dict
from survey.schemas.review_out import QueueOut
from tests.factories import new_client_id, photo, upload
from tests.support import camera, camera_from_upload, make_user, submit
from tests.test_nearby import M_LAT

QUEUE = "/api/v1/moderation/sightings"
HERE = (51.5033, -0.1196)


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)  # 90 and 90.0 differ


@pytest.fixture
def varied(app, client):
    """A queue with every kind of member: headings or none, warnings with and without values, several
    photos, candidates with and without a photo and with merged sightings, a pin, a sign report."""
    lat, lon = HERE
    actor = make_user(app, "judge@example.org")
    with_photo = camera_from_upload(client, app, seed=5, lat=lat, lon=lon + 3 * M_LAT)["camera_id"]
    camera(app, lat=lat + 12 * M_LAT, lon=lon, direction=None, manufacturer=None, first_seen=None)
    merged = submit(client, lat=lat + 1 * M_LAT, lon=lon, seed=6, heading=200, manufacturer="Hikvision")
    with app.test_request_context():
        decisions.approve(merged["id"], {"camera_id": with_photo}, actor)
    sent = [
        submit(client, seed=1, heading=270, manufacturer="Hikvision", notes="by the bus stop é"),
        submit(client, lat=lat + 2 * M_LAT, lon=lon, seed=2, location_source="manual", camera_type="dome"),
        submit(client, lat=48.85, lon=2.29, seed=3),  # no candidates
    ]
    pin = {"lat": lat, "lon": lon, "location_source": "manual", "client_id": new_client_id()}
    sent.append(upload(client, photo(size=(160, 120)), **pin).json)  # no GPS: exif and device are null
    pair = [photo(lat, lon, size=(160, 120), seed=8), photo(lat, lon, size=(120, 160), seed=9)]
    two = upload(client, pair, client_id=new_client_id())
    assert two.status_code == 201, two.json
    sent.append(two.json)
    sign = {"kind": "sign", "operator": "Lambeth Council", "sign_purpose": "Public safety", "sign_has_contact": "true"}
    sent.append(submit(client, seed=4, **sign))
    with app.app_context():
        warned = [
            {"code": "low_accuracy", "values": {"accuracy_m": 80, "limit_m": 50}},
            {"code": "time_old", "values": {"age_s": 3 * 86400}},
        ]
        older = [{"code": "low_accuracy", "message": "Position accuracy is 80 m (worse than 50 m)."}]  # as once stored
        db.session.execute(
            update(Sighting).where(Sighting.id == sent[0]["id"]).values(warnings=warned, warning_count=2)
        )
        db.session.execute(update(Sighting).where(Sighting.id == sent[1]["id"]).values(warnings=older, warning_count=1))
        db.session.commit()
    return [s["id"] for s in sent]


def test_page_json_equals_the_schema_dump(app, varied, monkeypatch):
    filters = [
        {"limit": 50},
        {"limit": 2, "sort": "newest"},
        {"limit": 3, "sort": "most_warnings"},
        {"limit": 50, "kind": "sign"},
        {"limit": 50, "status": ["approved"]},
        {"limit": 50, "has_warning": False},
    ]
    with app.test_request_context():
        for query in filters:
            page = work_queue.list_queue(query)
            fast, compiled = queue_dict(page), QueueOut().dump(page)
            assert _same(fast, compiled), query
            monkeypatch.setattr(Out, "compiled", False)  # and marshmallow's own, old warnings included
            slow = QueueOut().dump(page)
            monkeypatch.setattr(Out, "compiled", True)
            assert _same(fast, slow), query
        everything = queue_dict(work_queue.list_queue({"limit": 50}))
    items = everything["items"]
    assert {item["id"] for item in items} == set(varied)
    kinds = {item["kind"] for item in items}
    assert kinds == {"camera", "sign"}
    assert any(item["heading"] is None for item in items) and any(item["heading"] for item in items)
    assert any(item["positions"]["exif"] is None for item in items)
    assert any(c["thumb_url"] is None for item in items for c in item["candidates"])
    assert any(c["thumb_url"] for item in items for c in item["candidates"])
    assert any(len(item["warnings"]) == 2 for item in items)
    assert "80 m" in items[1]["warnings"][0]["message"] and items[1]["warnings"][0]["values"] == {}
    assert any([p["width"] for p in item["photos"]] == [160, 120] for item in items)  # in their order


def test_the_api_answers_the_same_json_as_the_schema(app, client, mod, varied):
    cursor, seen = None, []
    while True:
        response = client.get(QUEUE, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=mod)
        assert response.status_code == 200 and response.mimetype == "application/json"
        with app.test_request_context():
            after = {"cursor": cursor} if cursor else {}
            expected = QueueOut().dump(work_queue.list_queue({"limit": 2, **after}))
        assert _same(response.json, expected)
        seen += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(varied)  # oldest first: the order they were sent


def test_a_deep_page_lists_what_offset_paging_would(app, client, mod):
    sent = [submit(client, seed=n)["id"] for n in range(7)]
    with app.app_context():  # two groups of equal times, so a page ends inside a group and at its edge
        first = db.session.get(Sighting, sent[0]).submitted_at
        db.session.execute(update(Sighting).where(Sighting.id.in_(sent[:4])).values(submitted_at=first))
        db.session.commit()
    with app.test_request_context():
        everything = [item.sighting.id for item in work_queue.list_queue({"limit": 100}).items]
    assert sorted(everything) == sorted(sent)
    for limit in (1, 2, 3, 4):
        paged, cursor = [], None
        while True:
            with app.test_request_context():
                page = work_queue.list_queue({"limit": limit, **({"cursor": cursor} if cursor else {})})
            paged += [item.sighting.id for item in page.items]
            assert page.total == 7 and all(len(item.photos) == 1 for item in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert paged == everything, limit
