"""Candidates in the queue come most likely first, with their word and reasons; the likely-repeat filter."""

import re

from sqlalchemy import text

from survey.extensions import db
from survey.review import work_queue
from tests.support import PASSWORD, all_pages, camera, make_user, submit

QUEUE = "/api/v1/moderation/sightings"
POLE = (52.2053, 0.1218)
M = 1 / 111_195  # degrees of latitude in a metre


def at(north_m: float) -> tuple[float, float]:
    return POLE[0] + north_m * M, POLE[1]


def test_the_camera_facing_the_volunteer_comes_first_though_its_neighbour_is_nearer(app, client, mod):
    facing_north = camera(app, lat=at(0)[0], lon=POLE[1], direction=0, mount="pole")
    facing_south = camera(app, lat=at(1)[0], lon=POLE[1], direction=180, mount="pole")
    # North of the pole, looking south: the photo shows the north-facing camera.
    sent = submit(client, *at(10), heading=180, mount="pole", accuracy_m=15)
    item = client.get(f"{QUEUE}/{sent['id']}", headers=mod)
    assert item.status_code == 200, item.json
    first, second = item.json["candidates"]
    assert (first["id"], second["id"]) == (facing_north, facing_south)
    assert first["distance_m"] > second["distance_m"]
    assert first["kind"] == "likely_same" and first["label"] == "very likely the same"
    assert "heading matches" in first["reasons"] and first["reasons"][-1] == "10 m"
    assert "faces another way" in second["reasons"] and second["likelihood"] < first["likelihood"]
    listed = client.get(QUEUE, headers=mod).json["items"][0]["candidates"]
    assert [c["id"] for c in listed] == [facing_north, facing_south]


def test_merged_headings_rank_a_camera_without_a_direction(app, client, mod):
    east = camera(app, lat=at(0)[0], lon=POLE[1], direction=None, mount="pole")
    west = camera(app, lat=at(0.5)[0], lon=POLE[1], direction=None, mount="pole")
    for target, heading, seed in ((east, 270, 1), (west, 90, 2)):
        first = submit(client, *at(1), heading=heading, accuracy_m=10, seed=seed)
        approved = client.post(f"{QUEUE}/{first['id']}/approve", json={"camera_id": target}, headers=mod)
        assert approved.status_code == 200, approved.json
    again = submit(client, *at(0.5), heading=265, accuracy_m=10, seed=3)
    ranked = client.get(f"{QUEUE}/{again['id']}", headers=mod).json["candidates"]
    assert [c["id"] for c in ranked] == [east, west]


def test_likely_repeat_filter_pages_through_every_match(app, client, mod):
    camera(app, lat=at(0)[0], lon=POLE[1], direction=0, mount="pole", manufacturer="Axis")
    repeats = [submit(client, *at(5 + i), heading=180, accuracy_m=10, mount="pole", seed=i)["id"] for i in range(3)]
    others = [submit(client, *at(45), heading=0, accuracy_m=5, manufacturer="Dahua", seed=9)["id"]]
    others += [submit(client, *at(2000), seed=10)["id"]]  # no candidate at all
    assert all_pages(client, mod, likely_repeat="true", limit=2) == repeats
    assert all_pages(client, mod, likely_repeat="false", limit=1) == others
    assert sorted(all_pages(client, mod, limit=2)) == sorted(repeats + others)
    bad = client.get(QUEUE, query_string={"likely_repeat": "perhaps"}, headers=mod)
    assert bad.status_code == 400 and "likely_repeat" in bad.json["errors"]


def test_the_candidates_query_has_one_shape_for_any_page(app, client, mod):
    """One statement per page whatever its length, so PostgreSQL's driver prepares it (it prepares
    only a statement it has seen several times with the same shape)."""
    camera(app, lat=at(0)[0], lon=POLE[1], direction=0)
    for i in range(6):
        submit(client, *at(3 + i), heading=180, seed=i)
    with app.test_request_context():
        raw = db.session.connection().connection.dbapi_connection
        postgres = db.engine.dialect.name == "postgresql"
        seen = []
        if not postgres:
            raw.set_trace_callback(seen.append)
        for limit in (1, 6, 3, 6, 2, 6, 1, 5):
            items = work_queue.list_queue({"limit": limit}).items
            assert len(items) == limit and all(item.candidates for item in items)
        if postgres:
            prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
            assert sum("AS boxes (n, cell" in sql for sql in prepared) == 1
        else:
            raw.set_trace_callback(None)
            # SQLite traces the statement with its values bound: the boxes are one JSON text.
            boxes = [re.sub(r"json_each\('[^']*'\)", "json_each(?)", sql) for sql in seen if "json_each" in sql]
            assert len(boxes) == 8 and len(set(boxes)) == 1 and "json_each(?)" in boxes[0]


def test_openapi_documents_the_likelihood(client):
    spec = client.get("/api/v1/openapi.json").json
    candidate = spec["components"]["schemas"]["CandidateOut"]["properties"]
    assert {"likelihood", "kind", "label", "reasons"} <= set(candidate)
    assert candidate["kind"]["enum"] == ["likely_same", "possible", "neighbour"]
    params = [p["name"] for p in spec["paths"][QUEUE]["get"]["parameters"]]
    assert "likely_repeat" in params


def console_login(app, client) -> None:
    make_user(app, "desk@example.org")
    form = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = client.post("/console/login", data={"email": "desk@example.org", "password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302


def test_console_badges_a_likely_repeat_apart_from_a_neighbour(app, client):
    pole = camera(app, lat=at(0)[0], lon=POLE[1], direction=0, mount="pole")
    repeat = submit(client, *at(5), heading=180, accuracy_m=10, mount="pole", seed=1)
    neighbour = submit(client, *at(45), heading=0, accuracy_m=5, mount="wall", seed=2)
    console_login(app, client)
    page = client.get("/console")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    entries = html.split('data-id="')[1:3]
    assert entries[0].startswith(str(repeat["id"])) and f"likely repeat of #{pole}" in entries[0]
    assert entries[1].startswith(str(neighbour["id"])) and "1 nearby, a neighbour" in entries[1]
    assert "very likely the same" in html and "same mount, heading matches, 5 m" in html
    only = client.get("/console", query_string={"likely_repeat": "false"}).get_data(as_text=True)
    assert f'data-id="{neighbour["id"]}"' in only and f'data-id="{repeat["id"]}"' not in only


def test_the_capture_pages_same_camera_question_asks_about_the_likely_one(app, client):
    facing_north = camera(app, lat=at(0)[0], lon=POLE[1], direction=0, mount="pole")
    facing_south = camera(app, lat=at(1)[0], lon=POLE[1], direction=180, mount="pole")
    # North of the pole, looking south: nearer the south-facing camera, but photographing the other.
    sent = submit(client, *at(6), heading=180, mount="pole", accuracy_m=8)
    assert [c["id"] for c in sent["nearby_cameras"]] == [facing_north, facing_south]
    assert sent["nearby_cameras"][0]["distance_m"] > sent["nearby_cameras"][1]["distance_m"]
