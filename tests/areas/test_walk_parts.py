"""Part of a street walked: two fractions along it, no track; what they add to coverage; the area list."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from survey.areas.completion import covered_fraction
from survey.extensions import db
from survey.models import Walk
from tests.areas.osmdata import BOUNDARY, make_town, walk


@pytest.fixture
def town(app, tmp_path):
    return make_town(app, tmp_path)


def _coverage(client, area_id) -> dict:
    response = client.get(f"/api/v1/areas/{area_id}/coverage")
    assert response.status_code == 200, response.json
    return response.json


def test_the_parts_walked_add_their_share_of_the_street_length(client, app, town):
    area, sidney, passage = town["area_id"], town["streets"]["Sidney Street"], town["streets"]["Market Passage"]
    today = datetime.now(UTC).date()
    first = walk(client, area, sidney, today.isoformat(), from_fraction=0.1, to_fraction=0.4)
    assert first.status_code == 201, first.json
    assert (first.json["from_fraction"], first.json["to_fraction"]) == (0.1, 0.4)
    # Overlapping 0.3..0.6 adds 0.2 more; a stale part (400 days) adds nothing.
    assert walk(client, area, sidney, today.isoformat(), from_fraction=0.3, to_fraction=0.6).status_code == 201
    old = (today - timedelta(days=400)).isoformat()
    assert walk(client, area, passage, old, from_fraction=0.0, to_fraction=0.5).status_code == 201
    body = _coverage(client, area)
    rows = {row["name"]: row for row in body["streets"]}
    assert rows["Sidney Street"]["walked_fraction"] == pytest.approx(0.5)
    assert rows["Sidney Street"]["state"] == "not_walked"  # the layer says walked only for all of a street
    assert rows["Sidney Street"]["last_walked"] is None
    assert rows["Market Passage"]["walked_fraction"] == 0
    assert body["walked_length_m"] == pytest.approx(rows["Sidney Street"]["length_m"] * 0.5, abs=0.1)
    layer = client.get(f"/api/v1/areas/{area}/streets.geojson").json
    assert {f["properties"]["name"]: f["properties"]["state"] for f in layer["features"]}["Sidney Street"] == (
        "not_walked"
    )
    # All of it walked later: the whole length counts, once.
    assert walk(client, area, sidney, today.isoformat()).status_code == 201
    rows = {row["name"]: row for row in _coverage(client, area)["streets"]}
    assert rows["Sidney Street"]["walked_fraction"] == 1.0 and rows["Sidney Street"]["state"] == "walked"


def test_zero_to_one_is_the_whole_street_and_a_retry_must_send_the_same_part(client, app, town):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    body = {"client_id": str(uuid.uuid4()), "street_id": sidney, "day": "2026-06-01"}
    whole = client.post(f"/api/v1/areas/{area}/walks", json=body | {"from_fraction": 0, "to_fraction": 1})
    assert whole.status_code == 201 and whole.json["from_fraction"] is None
    part = body | {"client_id": str(uuid.uuid4()), "from_fraction": 0.25, "to_fraction": 0.75}
    assert client.post(f"/api/v1/areas/{area}/walks", json=part).status_code == 201
    again = client.post(f"/api/v1/areas/{area}/walks", json=part)
    assert again.status_code == 200 and again.json["from_fraction"] == 0.25
    moved = client.post(f"/api/v1/areas/{area}/walks", json=part | {"to_fraction": 0.8})
    assert moved.status_code == 409 and moved.json["code"] == 409
    with app.app_context():
        assert db.session.query(Walk).count() == 2


def test_bad_parts_get_clear_errors(client, app, town):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    for part in ({"from_fraction": 0.2}, {"to_fraction": 0.2}, {"from_fraction": 0.5, "to_fraction": 0.5},
                 {"from_fraction": 0.6, "to_fraction": 0.2}, {"from_fraction": -0.1, "to_fraction": 0.2},
                 {"from_fraction": 0.1, "to_fraction": 1.5}, {"from_fraction": "half", "to_fraction": 1}):  # fmt: skip
        response = walk(client, area, sidney, "2026-06-01", **part)
        assert response.status_code == 422, (part, response.json)
        assert response.json["code"] == 422 and "fraction" in str(response.json["errors"]), part
    with app.app_context():
        assert db.session.query(Walk).count() == 0


def test_covered_fraction_counts_overlaps_once():
    assert covered_fraction([]) == 0
    assert covered_fraction([(0.5, 1.0), (0.0, 0.25)]) == 0.75
    assert covered_fraction([(0.0, 0.6), (0.2, 0.4), (0.5, 0.9)]) == 0.9
    assert covered_fraction([(0.1, 0.2), (0.1, 0.2)]) == pytest.approx(0.1)


def test_the_area_list_gives_what_the_capture_page_needs(client, app, town, tmp_path):
    make_town(app, tmp_path, name="Another town")
    response = client.get("/api/v1/areas")
    assert response.status_code == 200
    assert [a["name"] for a in response.json] == ["Another town", "Town"]
    [mine] = [a for a in response.json if a["id"] == town["area_id"]]
    assert mine["boundary"] == BOUNDARY
    assert mine["bbox"] == [0.110, 52.200, 0.130, 52.210]
    assert mine["centre"] is None and mine["start_date"] is None
    assert set(mine) == {"id", "name", "start_date", "end_date", "centre", "bbox", "boundary"}
