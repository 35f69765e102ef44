"""A street walked completely in parts counts as walked, and every reader says so alike: the area's
coverage, the public streets layer, the OGC API's streets (and its state filter), the findings."""

from datetime import UTC, datetime, timedelta

import pytest

from survey.areas import osm, streets
from survey.areas.completion import GAP_M
from tests.areas.osmdata import NODES, make_town, walk, write_osm

TODAY = datetime.now(UTC).date()


@pytest.fixture
def town(app, tmp_path):
    return make_town(app, tmp_path)


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def month(day: str | None) -> str | None:
    return day[:7] if day else None


def sent(client, area, street, day, **part) -> int:
    response = walk(client, area, street, day, **part)
    assert response.status_code == 201, response.json
    return response.json["id"]


def published(feature: dict) -> tuple:
    properties = feature["properties"]
    return properties["name"], (properties["state"], properties["last_walked_month"])


def readings(client, area: int) -> dict:
    """{street name: (state, month last walked)} from each public reader, and the coverage's own rows."""
    coverage = client.get(f"/api/v1/areas/{area}/coverage").json
    layer = client.get(f"/api/v1/areas/{area}/streets.geojson").json["features"]
    ogc = client.get("/ogcapi/collections/streets/items", query_string={"limit": 100}).json["features"]
    found = client.get("/api/v1/findings", query_string={"area": area})
    assert found.status_code == 200, found.json
    return {
        "coverage": {r["name"]: (r["state"], month(r["last_walked"])) for r in coverage["streets"]},
        "layer": dict(map(published, layer)),
        "ogc": dict(map(published, ogc)),
        "findings": {r["name"]: (r["state"], r["last_walked_month"]) for r in found.json["area"]["streets"]},
        "rows": {r["name"]: r for r in coverage["streets"]},
        "walked_length_m": coverage["walked_length_m"],
    }


def agreed(client, area: int) -> dict:
    """{street name: (state, month)} once the four readers are seen to agree on every street."""
    seen = readings(client, area)
    assert seen["layer"] == seen["coverage"] == seen["ogc"] == seen["findings"]
    return seen["coverage"]


def walked_filter(client) -> set:
    response = client.get("/ogcapi/collections/streets/items", query_string={"filter": "state = 'walked'"})
    assert response.status_code == 200, response.json
    return {f["properties"]["name"] for f in response.json["features"]}


def test_two_halves_on_different_days_walk_the_street_since_the_earlier(client, town):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    sent(client, area, sidney, ago(40), from_fraction=0.0, to_fraction=0.5)
    assert agreed(client, area)["Sidney Street"] == ("not_walked", None)
    sent(client, area, sidney, ago(3), from_fraction=0.5, to_fraction=1.0)
    # All of it walked since the first half's day: the day its staler half was walked.
    assert agreed(client, area)["Sidney Street"] == ("walked", month(ago(40)))
    seen = readings(client, area)
    row = seen["rows"]["Sidney Street"]
    assert row["last_walked"] == ago(40) and row["walked_fraction"] == 1.0
    assert seen["walked_length_m"] == pytest.approx(row["length_m"], abs=0.1)
    assert walked_filter(client) == {"Sidney Street"}


def test_halves_meeting_within_a_few_metres_walk_it_and_a_gap_does_not(client, town):
    area, s = town["area_id"], town["streets"]
    length = readings(client, area)["rows"]["Sidney Street"]["length_m"]
    three_metres = round(3 / length, 4)
    sent(client, area, s["Sidney Street"], ago(2), from_fraction=0.0, to_fraction=0.5)
    sent(client, area, s["Sidney Street"], ago(1), from_fraction=0.5 + three_metres, to_fraction=1.0)
    sent(client, area, s["Market Passage"], ago(2), from_fraction=0.0, to_fraction=0.4)
    sent(client, area, s["Market Passage"], ago(1), from_fraction=0.6, to_fraction=1.0)
    states = agreed(client, area)
    assert states["Sidney Street"] == ("walked", month(ago(2)))
    assert states["Market Passage"] == ("not_walked", None)
    assert readings(client, area)["rows"]["Market Passage"]["walked_fraction"] == pytest.approx(0.8)
    assert walked_filter(client) == {"Sidney Street"}


def test_a_half_walked_beyond_the_resurvey_window_leaves_the_street_due_again(client, app, town):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    assert app.config["RESURVEY_AFTER_DAYS"] == 365
    sent(client, area, sidney, ago(400), from_fraction=0.0, to_fraction=0.5)
    sent(client, area, sidney, ago(1), from_fraction=0.5, to_fraction=1.0)
    # All of it was walked, but one half not within the window: not walked now, only half counts.
    assert agreed(client, area)["Sidney Street"] == ("due_again", month(ago(400)))
    assert readings(client, area)["rows"]["Sidney Street"]["walked_fraction"] == 0.5
    assert walked_filter(client) == set()
    sent(client, area, sidney, ago(0), from_fraction=0.0, to_fraction=0.5)  # the old half walked again
    assert agreed(client, area)["Sidney Street"] == ("walked", month(ago(1)))
    assert walked_filter(client) == {"Sidney Street"}


def test_withdrawing_a_part_takes_the_completion_back(client, town, mod):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    first = sent(client, area, sidney, ago(10), from_fraction=0.0, to_fraction=0.6)
    sent(client, area, sidney, ago(5), from_fraction=0.4, to_fraction=1.0)
    sent(client, area, sidney, ago(30), from_fraction=0.0, to_fraction=0.5)
    assert agreed(client, area)["Sidney Street"] == ("walked", month(ago(10)))
    # Without the first part, all of it has been walked only since the oldest.
    assert client.delete(f"/api/v1/areas/{area}/walks/{first}", headers=mod).status_code == 204
    assert agreed(client, area)["Sidney Street"] == ("walked", month(ago(30)))
    older = [w["id"] for w in client.get(f"/api/v1/areas/{area}/walks", headers=mod).json if w["day"] == ago(30)]
    assert client.delete(f"/api/v1/areas/{area}/walks/{older[0]}", headers=mod).status_code == 204
    assert agreed(client, area)["Sidney Street"] == ("not_walked", None)
    assert walked_filter(client) == set()


def test_a_whole_walk_and_parts_agree_in_every_reader(client, town):
    area, s = town["area_id"], town["streets"]
    sent(client, area, s["Sidney Street"], ago(500))
    sent(client, area, s["Sidney Street"], ago(20), from_fraction=0.0, to_fraction=0.7)  # not all of it
    sent(client, area, s["Market Passage"], ago(9), from_fraction=0.0, to_fraction=1.0)  # 0..1 is a whole walk
    sent(client, area, s["Edge Lane"], ago(50), from_fraction=0.3, to_fraction=1.0)
    sent(client, area, s["Edge Lane"], ago(60), from_fraction=0.0, to_fraction=0.35)
    states = agreed(client, area)
    assert states == {
        "Sidney Street": ("due_again", month(ago(500))),
        "Market Passage": ("walked", month(ago(9))),
        "Edge Lane": ("walked", month(ago(60))),
        None: ("not_walked", None),
    }
    assert walked_filter(client) == {"Market Passage", "Edge Lane"}


def test_a_reimport_that_lengthens_a_street_measures_its_gaps_again(client, app, town, tmp_path):
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    sent(client, area, sidney, ago(1), from_fraction=0.0, to_fraction=0.98)  # 2 % short of the end
    assert readings(client, area)["rows"]["Sidney Street"]["length_m"] * 0.02 < GAP_M
    assert agreed(client, area)["Sidney Street"] == ("walked", month(ago(1)))
    longer = {**NODES, 4: (0.1290, 52.2090)}  # Sidney Street's last node moved east: some 500 m longer
    with app.app_context():
        result = streets.import_streets(streets.area_by_id(area), osm.read_ways(write_osm(tmp_path / "b.osm", longer)))
        assert result.updated == 1
    assert readings(client, area)["rows"]["Sidney Street"]["length_m"] * 0.02 > GAP_M
    assert agreed(client, area)["Sidney Street"] == ("not_walked", None)
