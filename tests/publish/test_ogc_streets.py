"""The coverage layer as the OGC API's `streets` collection: states and months, never who or which day;
filters over its queryables; read by GDAL."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.areas.osmdata import KEPT, make_town, walk
from tests.gdal import feature_count, features, ogrinfo

ITEMS = "/ogcapi/collections/streets/items"


@pytest.fixture
def town(client, app, tmp_path):
    """The generated town, Sidney Street walked ten days ago and Market Passage two years ago."""
    made = make_town(app, tmp_path)
    today = datetime.now(UTC).date()
    streets = made["streets"]
    for name, days in (("Sidney Street", 10), ("Market Passage", 800)):
        response = walk(client, made["area_id"], streets[name], (today - timedelta(days=days)).isoformat())
        assert response.status_code == 201, response.json
    return made | {"today": today}


def by_name(body) -> dict:
    return {f["properties"]["name"]: f for f in body["features"]}


def test_the_collections_list_the_streets(client, town):
    collections = client.get("/ogcapi/collections").json["collections"]
    assert [c["id"] for c in collections] == ["cameras", "streets", "signs"]
    doc = client.get("/ogcapi/collections/streets").json
    west, south, east, north = doc["extent"]["spatial"]["bbox"][0]
    assert (west, south) >= (0.110, 52.200) and east <= 0.133 and north <= 52.21  # Edge Lane leaves the area


def test_items_give_state_and_month_never_the_day(client, town):
    response = client.get(ITEMS)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.json
    assert body["numberMatched"] == len(KEPT) == body["numberReturned"]
    streets = by_name(body)
    sidney = streets["Sidney Street"]
    assert sidney["geometry"]["type"] == "MultiLineString" and len(sidney["geometry"]["coordinates"]) == 2
    assert sidney["properties"] == {
        "area_id": town["area_id"],
        "name": "Sidney Street",
        "highway": "residential",
        "length_m": sidney["properties"]["length_m"],
        "state": "walked",
        "last_walked_month": (town["today"] - timedelta(days=10)).strftime("%Y-%m"),
    }
    assert streets["Market Passage"]["properties"]["state"] == "due_again"
    edge = streets["Edge Lane"]["properties"]
    assert (edge["state"], edge["last_walked_month"]) == ("not_walked", None)
    text = response.get_data(as_text=True)
    assert (town["today"] - timedelta(days=10)).isoformat() not in text
    assert "volunteer_key" not in text and "client_id" not in text and "walker-device" not in text


@pytest.mark.parametrize(
    "text,names",
    [
        ("state = 'walked'", {"Sidney Street"}),
        ("state <> 'not_walked'", {"Sidney Street", "Market Passage"}),
        ("highway IN ('footway', 'path')", {"Market Passage", None}),
        ("name LIKE '%Lane'", {"Edge Lane"}),
        ("name IS NULL", {None}),
        ("last_walked_month IS NOT NULL AND length_m > 0", {"Sidney Street", "Market Passage"}),
    ],
)
def test_filters_over_the_street_queryables(client, town, text, names):
    response = client.get(ITEMS, query_string={"filter": text})
    assert response.status_code == 200, response.json
    assert set(by_name(response.json)) == names and response.json["numberMatched"] == len(names)


def test_bad_street_filters_are_400(client, town):
    for text, says in (("manufacturer = 'Axis'", "not a queryable"), ("state = 1", "is text")):
        response = client.get(ITEMS, query_string={"filter": text})
        assert response.status_code == 400 and says in json.dumps(response.json["errors"])


def test_bbox_paging_and_one_street(client, town):
    west = client.get(ITEMS, query_string={"bbox": "0.110,52.200,0.1185,52.210"}).json
    assert set(by_name(west)) == {"Market Passage"}  # Sidney Street starts at lon 0.119
    first = client.get(ITEMS, query_string={"limit": 2}).json
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = client.get(nxt).json
    ids = [f["id"] for f in first["features"] + second["features"]]
    assert ids == sorted(town["streets"].values()) and second["numberMatched"] == 4
    prev = next(link["href"] for link in second["links"] if link["rel"] == "prev")
    assert [f["id"] for f in client.get(prev).json["features"]] == ids[:2]
    one = client.get(f"{ITEMS}/{town['streets']['Sidney Street']}")
    assert one.status_code == 200 and one.json["properties"]["state"] == "walked"
    assert client.get(f"{ITEMS}/99999").status_code == 404


def test_street_queryables(client, town):
    props = client.get("/ogcapi/collections/streets/queryables").json["properties"]
    assert props["state"]["enum"] == ["not_walked", "walked", "due_again"]
    assert props["length_m"]["type"] == "number" and "geometry" not in props


def test_gdal_reads_the_streets_layer(live_server, app, town):
    report = ogrinfo(f"OAPIF:{live_server.url}/ogcapi", "streets")
    assert feature_count(report) == len(KEPT)
    found = features(report)
    assert sorted(found) == sorted(town["streets"].values())
    assert found[town["streets"]["Sidney Street"]]["state"] == "walked"
    assert "MULTILINESTRING" in report
    walked = ogrinfo(f"OAPIF:{live_server.url}/ogcapi", "streets", "-where", "state = 'walked'")
    assert list(features(walked)) == [town["streets"]["Sidney Street"]]
