"""What keeps the queue fast at a million rows must not change its answers: batched candidates,
photos read without the ORM relationship, the capped total and keyset paging with equal times."""

import pytest
from sqlalchemy import update

from survey.extensions import db
from survey.models import Sighting
from survey.nearby import cameras_near, cameras_near_each
from survey.review import work_queue
from tests.support import all_pages, camera, submit
from tests.test_nearby import M_LAT

QUEUE = "/api/v1/moderation/sightings"
HERE = (51.5033, -0.1196)


def test_cameras_near_each_answers_like_cameras_near(app):
    lat, lon = HERE
    for metres in (5, 20, 45, 70):
        camera(app, lat=lat + metres * M_LAT, lon=lon)
    camera(app, lat=lat + 2 * M_LAT, lon=lon, status="removed")
    points = [HERE, (lat + 60 * M_LAT, lon), HERE, (48.85, 2.29)]
    with app.app_context():
        for status in ("active", "removed"):
            batched = cameras_near_each(points, 50, status)
            single = [cameras_near(p_lat, p_lon, 50, status) for p_lat, p_lon in points]
            assert [[(n.camera.id, round(n.distance_m, 6)) for n in near] for near in batched] == [
                [(n.camera.id, round(n.distance_m, 6)) for n in near] for near in single
            ]
        assert [len(near) for near in cameras_near_each(points, 50)] == [3, 3, 3, 0]
        assert cameras_near_each([], 50) == []


def test_page_items_carry_photos_and_candidates(client, app, mod):
    cam = camera(app, lat=HERE[0] + 10 * M_LAT, lon=HERE[1])
    sent = [submit(client, seed=n) for n in range(3)]
    body = client.get(QUEUE, query_string={"limit": 2}, headers=mod).json
    first = body["items"][0]
    assert first["id"] == sent[0]["id"] and len(first["photos"]) == 1
    assert first["photos"][0]["thumb_url"].endswith(f"/api/v1/moderation/photos/{first['photos'][0]['id']}/thumb")
    assert client.get(first["photos"][0]["thumb_url"], headers=mod).status_code == 200
    assert [c["id"] for c in first["candidates"]] == [cam]
    assert first["candidates"][0]["last_confirmed"] == "2026-05-02"
    rest = client.get(QUEUE, query_string={"limit": 2, "cursor": body["next_cursor"]}, headers=mod).json
    assert [item["id"] for item in rest["items"]] == [sent[2]["id"]]


def test_total_is_capped(client, app, mod, monkeypatch):
    for n in range(3):
        submit(client, seed=n)
    body = client.get(QUEUE, headers=mod).json
    assert (body["total"], body["total_capped"]) == (3, False)
    monkeypatch.setattr(work_queue, "TOTAL_CAP", 2)
    body = client.get(QUEUE, headers=mod).json
    assert (body["total"], body["total_capped"], len(body["items"])) == (2, True, 3)


@pytest.mark.parametrize("sort", ["oldest", "newest", "most_warnings"])
def test_cursor_pages_cover_equal_submission_times(client, app, mod, sort):
    sent = [submit(client, seed=n)["id"] for n in range(5)]
    with app.app_context():  # the same moment for all: only the id tells them apart
        moment = db.session.get(Sighting, sent[0]).submitted_at
        db.session.execute(update(Sighting).values(submitted_at=moment))
        db.session.commit()
    seen = all_pages(client, mod, sort=sort, limit=2)
    assert sorted(seen) == sorted(sent) and len(seen) == len(set(seen))


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_most_warnings_pages_cross_warning_groups_in_order(client, app, mod, limit):
    # Pages end inside a group of equal warning counts and at its edge; equal times leave the id to decide.
    sent = [submit(client, seed=n)["id"] for n in range(7)]
    counts = dict(zip(sent, [0, 2, 1, 2, 0, 1, 1]))
    with app.app_context():
        moment = db.session.get(Sighting, sent[0]).submitted_at
        for ident, count in counts.items():
            db.session.execute(
                update(Sighting).where(Sighting.id == ident).values(warning_count=count, submitted_at=moment)
            )
        db.session.commit()
    seen = all_pages(client, mod, sort="most_warnings", limit=limit)
    assert seen == sorted(sent, key=lambda ident: (-counts[ident], ident))
