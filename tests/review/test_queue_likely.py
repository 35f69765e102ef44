"""Likely repeats first: each pending sighting's stored best-candidate score follows every change that
moves it, and the queue pages by it with a keyset cursor like the other sorts."""

import pytest
from sqlalchemy import select, update

from survey.extensions import db
from survey.models import Sighting
from survey.nearby import rescore
from tests.support import all_pages, camera, submit
from tests.test_nearby import M_LAT

QUEUE = "/api/v1/moderation/sightings"
HERE = (51.5033, -0.1196)


def _scores(app) -> dict[int, float]:
    with app.app_context():
        rows = db.session.execute(select(Sighting.id, Sighting.repeat_score)).all()
        return {row.id: row.repeat_score for row in rows}


def _queue(client, mod, **params) -> list[dict]:
    body = client.get(QUEUE, query_string={"limit": 100, **params}, headers=mod).json
    return body["items"]


def _best(item) -> float:
    return max((c["likelihood"] for c in item["candidates"]), default=0.0)


def test_a_new_sighting_is_scored_against_the_cameras_near_it(app, client, mod):
    lat, lon = HERE
    camera(app, lat=lat + 4 * M_LAT, lon=lon, manufacturer="Hikvision", direction=None)
    near = submit(client, seed=1, manufacturer="Hikvision")["id"]
    far = submit(client, lat=48.85, lon=2.29, seed=2)["id"]
    scores = _scores(app)
    assert scores[far] == 0.0 and 0.3 < scores[near] <= 1.0
    items = {item["id"]: item for item in _queue(client, mod)}
    assert round(scores[near], 3) == _best(items[near]) and _best(items[far]) == 0.0


def test_scores_follow_cameras_made_merged_moved_and_removed(app, client, mod):
    lat, lon = HERE
    waiting = submit(client, seed=1, manufacturer="Hikvision", heading=90)["id"]
    assert _scores(app)[waiting] == 0.0  # nothing to compare with yet
    first = submit(client, lat=lat + 2 * M_LAT, lon=lon, seed=2, manufacturer="Hikvision", heading=90)["id"]
    response = client.post(f"{QUEUE}/{first}/approve", json={}, headers=mod)
    assert response.status_code == 200, response.json
    cam = response.json["camera"]["id"]
    made = _scores(app)[waiting]
    assert made > 0.3  # a camera made beside it

    moved = client.patch(f"/api/v1/moderation/cameras/{cam}", json={"lat": lat + 120 * M_LAT, "lon": lon}, headers=mod)
    assert moved.status_code == 200, moved.json
    assert _scores(app)[waiting] < made  # moved 120 m away: less likely, still within a poor fix's reach

    back = client.patch(f"/api/v1/moderation/cameras/{cam}", json={"lat": lat + 2 * M_LAT, "lon": lon}, headers=mod)
    assert back.status_code == 200 and _scores(app)[waiting] == pytest.approx(made, abs=1e-3)
    other = client.patch(f"/api/v1/moderation/cameras/{cam}", json={"manufacturer": "Dahua"}, headers=mod)
    assert other.status_code == 200 and _scores(app)[waiting] < made  # a disagreeing maker counts against

    removed = client.patch(f"/api/v1/moderation/cameras/{cam}", json={"status": "removed"}, headers=mod)
    assert removed.status_code == 200, removed.json
    assert _scores(app)[waiting] == 0.0  # a removed camera is no candidate
    item = next(i for i in _queue(client, mod) if i["id"] == waiting)
    assert item["candidates"] == []


def test_a_merge_changes_the_cameras_signals_and_so_its_neighbours_scores(app, client, mod):
    lat, lon = HERE
    cam = camera(app, lat=lat, lon=lon, direction=None, manufacturer=None, model=None, operator=None)
    waiting = submit(client, lat=lat + 3 * M_LAT, lon=lon, seed=1, heading=180)["id"]
    before = _scores(app)[waiting]
    merged = submit(client, lat=lat + 3 * M_LAT, lon=lon, seed=2, heading=180)["id"]
    response = client.post(f"{QUEUE}/{merged}/approve", json={"camera_id": cam}, headers=mod)
    assert response.status_code == 200, response.json
    after = _scores(app)[waiting]
    assert after != before  # the merged sighting's heading is now the camera's expected one
    item = next(i for i in _queue(client, mod) if i["id"] == waiting)
    assert round(after, 3) == _best(item)


def test_likely_repeats_come_first_and_page_by_cursor(app, client, mod):
    lat, lon = HERE
    camera(app, lat=lat, lon=lon, manufacturer="Hikvision", mount="wall", direction=None)
    sent = [
        submit(client, lat=lat + d * M_LAT, lon=lon, seed=n, manufacturer=maker)["id"]
        for n, (d, maker) in enumerate([(40, None), (2, "Hikvision"), (2, "Hikvision"), (20, "Dahua"), (1, None)])
    ]
    sent.append(submit(client, lat=48.85, lon=2.29, seed=9)["id"])
    with app.app_context():  # two equal scores: the id decides
        db.session.execute(update(Sighting).where(Sighting.id == sent[2]).values(manufacturer="Hikvision"))
        db.session.commit()
    scores = _scores(app)
    expected = sorted(sent, key=lambda ident: (-scores[ident], ident))
    assert scores[sent[1]] == scores[sent[2]]
    for limit in (1, 2, 4):
        assert all_pages(client, mod, sort="likely_repeat", limit=limit) == expected
    items = _queue(client, mod, sort="likely_repeat")
    assert [item["id"] for item in items] == expected
    assert all(round(scores[item["id"]], 3) == _best(item) for item in items)  # what is stored is what is shown
    assert [_best(item) for item in items] == sorted((_best(item) for item in items), reverse=True)


def test_rescore_puts_back_what_the_hooks_keep(app, client):
    camera(app, lat=HERE[0], lon=HERE[1])
    sent = [submit(client, seed=n)["id"] for n in range(3)]
    kept = _scores(app)
    with app.app_context():
        db.session.execute(update(Sighting).values(repeat_score=0))
        assert rescore(db.session.connection(), ids=sent) == 3
        db.session.commit()
    assert _scores(app) == kept and all(kept[ident] > 0 for ident in sent)


@pytest.mark.parametrize("key", [[1.5, 3], [-0.1, 3], ["0.5", 3], [True, 3], [0.5]])
def test_a_forged_cursor_for_this_sort_is_a_400(client, mod, key):
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps({"s": "likely_repeat", "k": key}).encode()).decode().rstrip("=")
    response = client.get(QUEUE, query_string={"sort": "likely_repeat", "cursor": forged}, headers=mod)
    assert response.status_code == 400 and "cursor" in response.json["errors"]
