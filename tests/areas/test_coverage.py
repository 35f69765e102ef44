"""Coverage: length walked, streets due again, cameras on their nearest street; the public street layer."""

import functools
import json
import operator
from datetime import UTC, date, datetime, timedelta

import pytest

from survey.areas.shapes import nearest_streets
from survey.geo import EARTH_RADIUS_M, distance_m, distance_to_line_m
from tests.areas.osmdata import KEPT, make_town, walk, way_points
from tests.support import camera

METRE_LAT = 360 / (2 * 3.141592653589793 * EARTH_RADIUS_M)  # degrees of latitude in one metre


def _length(way_ids) -> float:
    return sum(distance_m(a[1], a[0], b[1], b[0]) for w in way_ids for a, b in zip(way_points(w), way_points(w)[1:]))


def test_nearest_street_against_distances_computed_here():
    a = [[[0.110, 52.2], [0.120, 52.2]]]  # west-east along 52.2
    b = [[[0.110, 52.2 + 33 * METRE_LAT], [0.120, 52.2 + 33 * METRE_LAT]]]  # 33 m north of it
    end_lon = 0.120 + 20 / (distance_m(52.2, 0.0, 52.2, 1.0))  # 20 m east of a's end
    cameras = [
        (1, 52.2 + 10 * METRE_LAT, 0.115),  # 10 m from a, 23 from b
        (2, 52.2 + 20 * METRE_LAT, 0.115),  # 20 from a, 13 from b
        (3, 52.2 - 40 * METRE_LAT, 0.115),  # 40 m south of a: on no street
        (4, 52.2, end_lon),  # past a's end: 20 m from its last point, 38.8 from b's
    ]
    for camera_id, metres in ((1, 10), (2, 20), (3, 40), (4, 20)):
        lat, lon = next((c[1], c[2]) for c in cameras if c[0] == camera_id)
        assert distance_to_line_m(lat, lon, a[0]) == pytest.approx(metres, abs=0.05)
    assert distance_to_line_m(52.2, end_lon, b[0]) == pytest.approx((20**2 + 33**2) ** 0.5, abs=0.05)
    assert nearest_streets(cameras, [(10, a), (11, b)], max_m=30) == {1: 10, 2: 11, 4: 10}
    assert nearest_streets(cameras, [(10, a), (11, b)], max_m=15) == {1: 10, 2: 11}


@pytest.fixture
def walked_town(app, client, tmp_path):
    town = make_town(app, tmp_path)
    today = datetime.now(UTC).date()
    s = town["streets"]
    walk(client, town["area_id"], s["Sidney Street"], (today - timedelta(days=10)).isoformat())
    walk(client, town["area_id"], s["Sidney Street"], (today - timedelta(days=500)).isoformat(), device="other-device")
    walk(client, town["area_id"], s["Market Passage"], (today - timedelta(days=400)).isoformat())
    town["today"] = today
    return town


def test_coverage_figures_match_lengths_and_dates_computed_here(client, app, walked_town):
    area = walked_town["area_id"]
    # A camera 10 m north of Sidney Street's first node, one on Market Passage, one 60 m from every street.
    (lon1, lat1), (lon5, lat5) = way_points(100)[0], way_points(102)[0]
    near_sidney = camera(app, lat=lat1 + 10 * METRE_LAT, lon=lon1, last_confirmed=walked_town["today"])
    on_passage = camera(app, lat=lat5, lon=lon5)  # last confirmed 2026-05-02 (the factory's)
    nowhere = camera(app, lat=52.2015, lon=0.112)
    withdrawn = camera(app, lat=lat1, lon=lon1, status="withdrawn")
    old_on_edge = camera(app, lat=52.2080, lon=0.1290, last_confirmed=date(2024, 1, 1))
    response = client.get(f"/api/v1/areas/{area}/coverage")
    assert response.status_code == 200, response.json
    body = response.json
    total = sum(_length(ways) for ways in KEPT.values())
    assert body["total_length_m"] == pytest.approx(total, abs=0.1)
    assert body["walked_length_m"] == pytest.approx(_length(KEPT["Sidney Street"]), abs=0.1)
    assert body["walked_share"] == pytest.approx(_length(KEPT["Sidney Street"]) / total, abs=1e-4)
    by_name = {row["name"]: row for row in body["streets"]}
    assert by_name["Sidney Street"]["state"] == "walked"
    assert by_name["Sidney Street"]["last_walked"] == (walked_town["today"] - timedelta(days=10)).isoformat()
    assert by_name["Market Passage"]["state"] == "due_again"  # 400 days > RESURVEY_AFTER_DAYS (365)
    assert by_name["Edge Lane"]["state"] == by_name[None]["state"] == "not_walked"
    assert by_name["Sidney Street"]["cameras"] == [near_sidney]
    assert by_name["Market Passage"]["cameras"] == [on_passage]
    assert by_name["Edge Lane"]["cameras"] == [old_on_edge]
    assigned = functools.reduce(operator.iadd, (row["cameras"] for row in body["streets"]), [])
    assert nowhere not in assigned and withdrawn not in assigned
    cutoff = walked_town["today"] - timedelta(days=365)
    expected = sorted(
        c for c, seen in ((on_passage, date(2026, 5, 2)), (old_on_edge, date(2024, 1, 1))) if seen < cutoff
    )
    assert old_on_edge in expected and body["cameras_not_confirmed_since"] == expected
    assert body["resurvey_after_days"] == 365


def test_resurvey_after_days_comes_from_config(client, app, walked_town):
    app.config["RESURVEY_AFTER_DAYS"] = 5
    body = client.get(f"/api/v1/areas/{walked_town['area_id']}/coverage").json
    assert {r["name"]: r["state"] for r in body["streets"]}["Sidney Street"] == "due_again"
    assert body["walked_length_m"] == 0 and body["walked_share"] == 0


def test_the_public_layer_gives_state_and_month_never_who_or_the_day(client, app, walked_town):
    area, today = walked_town["area_id"], walked_town["today"]
    response = client.get(f"/api/v1/areas/{area}/streets.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    layer = json.loads(response.data)
    by_name = {f["properties"]["name"]: f for f in layer["features"]}
    assert set(by_name) == set(KEPT)
    sidney = by_name["Sidney Street"]
    assert sidney["geometry"]["type"] == "MultiLineString" and len(sidney["geometry"]["coordinates"]) == 2
    assert sidney["properties"]["state"] == "walked"
    assert sidney["properties"]["last_walked_month"] == (today - timedelta(days=10)).strftime("%Y-%m")
    assert by_name["Market Passage"]["properties"]["state"] == "due_again"
    assert by_name["Edge Lane"]["properties"]["last_walked_month"] is None
    text = response.get_data(as_text=True)
    assert (today - timedelta(days=10)).isoformat() not in text
    assert "volunteer" not in text and "client_id" not in text


def test_unknown_areas_are_404(client):
    for url in ("/api/v1/areas/999/coverage", "/api/v1/areas/999/streets.geojson"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["code"] == 404, url


@pytest.mark.parametrize("lat0", [52.2, 69.6, -33.9])
def test_the_grid_finds_what_measuring_every_street_finds(lat0):
    import random

    rng = random.Random(int(lat0 * 10))
    streets = []
    for street_id in range(150):
        lon, lat = rng.uniform(0, 0.02), lat0 + rng.uniform(0, 0.01)
        lines = [[[lon + k * rng.uniform(-3e-4, 3e-4), lat + k * rng.uniform(-2e-4, 2e-4)] for k in range(5)]]
        streets.append((street_id, lines))
    cameras = [(n, lat0 + rng.uniform(-0.001, 0.011), rng.uniform(-0.001, 0.021)) for n in range(1500)]
    expected = {}
    for camera_id, lat, lon in cameras:
        metres, street_id = min((min(distance_to_line_m(lat, lon, ln) for ln in lines), sid) for sid, lines in streets)
        if metres <= 30:
            expected[camera_id] = street_id
    assert 100 < len(expected) < len(cameras)  # some near a street, some not
    assert nearest_streets(cameras, streets, max_m=30) == expected
