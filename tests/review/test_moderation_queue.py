"""The queue: filters, sorts, keyset paging that new arrivals cannot shift, candidates and private photos."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from survey.extensions import db
from survey.models import Sighting, utcnow
from tests.factories import photo, upload
from tests.support import all_pages, submit

QUEUE = "/api/v1/moderation/sightings"


def ids(client, headers, **params) -> list[int]:
    response = client.get(QUEUE, query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def age(app, sighting_id, hours):
    with app.app_context():
        db.session.execute(
            update(Sighting).where(Sighting.id == sighting_id).values(submitted_at=utcnow() - timedelta(hours=hours))
        )
        db.session.commit()


def test_filters(client, app, mod):
    london = submit(client, 51.5033, -0.1196, seed=1)
    paris = submit(client, 48.8584, 2.2945, seed=2)
    warned = upload(client, photo(51.5, -0.12, size=(160, 120), seed=3), lat=51.51, lon=-0.12, accuracy_m=500).json
    assert [w["code"] for w in warned["warnings"]][:1] in (["low_accuracy"], ["position_mismatch"])
    age(app, london["id"], 48)
    client.post(f"{QUEUE}/{paris['id']}/reject", json={"reason": "other"}, headers=mod)
    assert ids(client, mod) == [london["id"], warned["id"]]
    assert ids(client, mod, status="rejected") == [paris["id"]]
    assert sorted(ids(client, mod, status="pending,rejected")) == sorted([london["id"], paris["id"], warned["id"]])
    assert ids(client, mod, bbox="-1,51,1,52") == [london["id"], warned["id"]]
    assert ids(client, mod, bbox="2,48,3,49", status="rejected") == [paris["id"]]
    assert ids(client, mod, has_warning="true") == [warned["id"]]
    assert ids(client, mod, has_warning="false") == [london["id"]]
    assert ids(client, mod, min_age_hours=24) == [london["id"]]
    assert ids(client, mod, max_age_hours=24) == [warned["id"]]
    total = client.get(QUEUE, query_string={"bbox": "-1,51,1,52"}, headers=mod).json["total"]
    assert total == 2


@pytest.mark.parametrize(
    "params,field",
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "0,3,1,1"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"status": "maybe"}, "status"),
        ({"sort": "random"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_queue_parameters_are_400_like_every_query(client, mod, params, field):
    response = client.get(QUEUE, query_string=params, headers=mod)
    assert response.status_code == 400 and field in response.json["errors"]


def test_sorts(client, app, mod):
    quiet = submit(client, 51.5033, -0.1196, seed=1)
    noisy = upload(client, photo(51.5, -0.12, size=(160, 120), seed=2), lat=51.51, lon=-0.12, accuracy_m=500).json
    newest = submit(client, 51.5033, -0.1196, seed=3)
    assert ids(client, mod, sort="oldest") == [quiet["id"], noisy["id"], newest["id"]]
    assert ids(client, mod, sort="newest") == [newest["id"], noisy["id"], quiet["id"]]
    assert ids(client, mod, sort="most_warnings") == [noisy["id"], quiet["id"], newest["id"]]


@pytest.mark.parametrize("sort", ["oldest", "newest", "most_warnings"])
def test_keyset_pages_stay_stable_while_sightings_arrive(client, app, mod, sort):
    first = [submit(client, 51.5, -0.12, seed=i)["id"] for i in range(5)]
    page = client.get(QUEUE, query_string={"sort": sort, "limit": 2}, headers=mod).json
    seen = [item["id"] for item in page["items"]]
    arrivals = [submit(client, 51.5, -0.12, seed=10 + i)["id"] for i in range(3)]
    cursor = page["next_cursor"]
    while cursor:
        page = client.get(QUEUE, query_string={"sort": sort, "limit": 2, "cursor": cursor}, headers=mod).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(first) <= set(seen)  # nothing that was there is skipped
    if sort == "oldest":
        assert seen == first + arrivals
    if sort == "newest":
        assert seen[:5] == sorted(first, reverse=True)[:5] and not set(arrivals) & set(seen)


def test_a_cursor_belongs_to_its_sort(client, mod):
    for seed in range(3):
        submit(client, 51.5, -0.12, seed=seed)
    cursor = client.get(QUEUE, query_string={"limit": 1}, headers=mod).json["next_cursor"]
    response = client.get(QUEUE, query_string={"limit": 1, "cursor": cursor, "sort": "newest"}, headers=mod)
    assert response.status_code == 400 and "cursor" in response.json["errors"]
    assert all_pages(client, mod, limit=1) == [1, 2, 3]


def test_each_item_lists_nearby_cameras_as_merge_candidates(client, app, mod):
    near = submit(client, 51.50330, -0.1196, seed=1, mount="pole")
    closer = submit(client, 51.50348, -0.1196, seed=2)
    far = submit(client, 51.5040, -0.1196, seed=3)  # about 78 m away
    probe = submit(client, 51.50350, -0.1196, seed=4, notes="<b>bold</b>")
    for s in (near, closer, far):
        client.post(f"{QUEUE}/{s['id']}/approve", json={}, headers=mod)
    item = client.get(f"{QUEUE}/{probe['id']}", headers=mod).json
    candidates = item["candidates"]
    assert [c["id"] for c in candidates] == [2, 1]  # nearest first, and only within 50 m
    assert candidates[0]["distance_m"] == pytest.approx(2.2, abs=0.1)
    assert candidates[1]["distance_m"] == pytest.approx(22.2, abs=0.5)
    assert candidates[1]["attributes"]["mount"] == "pole" and candidates[1]["sightings_count"] == 1
    assert item["notes"] == "<b>bold</b>"  # JSON carries it as data; the console escapes it
    assert item["warnings"] == [] and item["photos"][0]["thumb_url"].endswith("/thumb")
    assert "receipt" not in item and "client_id" not in item


def test_photos_are_for_moderators_only(client, app, mod):
    jpeg = photo(51.5, -0.12, size=(160, 120), seed=5)
    s = upload(client, jpeg, client_id=None).json
    item = client.get(f"{QUEUE}/{s['id']}", headers=mod).json
    original = item["photos"][0]["original_url"]
    response = client.get(original, headers=mod)
    assert response.status_code == 200 and response.data == jpeg and response.mimetype == "image/jpeg"
    assert "private" in response.headers["Cache-Control"]
    for variant in ("display_url", "thumb_url"):
        copy = client.get(item["photos"][0][variant], headers=mod)
        assert copy.status_code == 200 and copy.data[:2] == b"\xff\xd8" and copy.data != jpeg
    assert client.get(original).status_code == 401
    assert client.get("/api/v1/moderation/photos/999/thumb", headers=mod).status_code == 404
    assert client.get(original.replace("original", "raw"), headers=mod).status_code == 404
