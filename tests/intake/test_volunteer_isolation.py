"""No volunteer learns about another: duplicate warnings, reused client_ids, receipts in URLs."""

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Sighting
from tests.factories import new_client_id, photo, upload

LONDON = {"lat": 51.5033, "lon": -0.1196, "accuracy_m": 8}


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sighting))


def codes(warnings: list[dict]) -> set[str]:
    return {w["code"] for w in warnings}


def test_the_duplicate_photo_warning_is_for_moderators_only(client, app, mod):
    jpeg = photo(51.5033, -0.1196)
    first = upload(client, jpeg, client_id=new_client_id(), device_id="phone-aaaa")
    second = upload(client, jpeg, client_id=new_client_id(), device_id="phone-bbbb")
    assert second.status_code == 201, second.json
    assert "duplicate_photo" not in codes(second.json["warnings"])
    assert f"sighting {first.json['id']}" not in second.get_data(as_text=True)
    receipt = client.get(f"/api/v1/sightings/{second.json['id']}", headers={"X-Receipt": second.json["receipt"]})
    assert receipt.status_code == 200 and "duplicate_photo" not in codes(receipt.json["warnings"])
    seen = client.get(f"/api/v1/moderation/sightings/{second.json['id']}", headers=mod)
    assert seen.status_code == 200, seen.json
    duplicate = [w for w in seen.json["warnings"] if w["code"] == "duplicate_photo"]
    assert duplicate and str(first.json["id"]) in duplicate[0]["message"]


def test_a_replay_returns_the_receipt_only_to_the_device_that_sent_it(client, app):
    cid, jpeg = new_client_id(), photo(51.5033, -0.1196)
    first = upload(client, jpeg, client_id=cid, device_id="phone-aaaa", notes="private note")
    assert first.status_code == 201
    again = upload(client, jpeg, client_id=cid, device_id="phone-aaaa")
    assert again.status_code == 200 and again.json["receipt"] == first.json["receipt"]
    for other in ({"device_id": "phone-bbbb"}, {}):
        stolen = upload(client, jpeg, client_id=cid, **other)
        assert stolen.status_code == 409, stolen.json
        text = stolen.get_data(as_text=True)
        assert first.json["receipt"] not in text and "private note" not in text
        assert str(first.json["id"]) not in text and set(stolen.json) <= {"code", "status", "message", "errors"}
    # Other photos under the same id get the very same answer: nothing tells the two cases apart.
    other_photo = upload(client, photo(51.5033, -0.1196, seed=9), client_id=cid, device_id="phone-bbbb")
    assert other_photo.status_code == 409 and other_photo.json == stolen.json
    assert stored(app) == 1


def test_a_replay_without_a_device_matches_only_a_sighting_sent_without_one(client, app):
    cid, jpeg = new_client_id(), photo(51.5033, -0.1196)
    first = upload(client, jpeg, client_id=cid)
    again = upload(client, jpeg, client_id=cid)
    assert (first.status_code, again.status_code) == (201, 200)
    assert upload(client, jpeg, client_id=cid, device_id="phone-cccc").status_code == 409
    assert stored(app) == 1


def test_a_receipt_in_the_url_is_refused_and_never_read(client, app):
    created = upload(client, photo(51.5033, -0.1196), client_id=new_client_id(), **LONDON).json
    via_query = client.get(f"/api/v1/sightings/{created['id']}?receipt={created['receipt']}")
    assert via_query.status_code == 400, via_query.json
    assert "X-Receipt" in via_query.json["errors"]["receipt"][0]
    assert created["receipt"] not in via_query.get_data(as_text=True)
    via_header = client.get(f"/api/v1/sightings/{created['id']}", headers={"X-Receipt": created["receipt"]})
    assert via_header.status_code == 200 and via_header.json["id"] == created["id"]
