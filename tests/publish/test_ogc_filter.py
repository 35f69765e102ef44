"""OGC API - Features Part 3: queryables and CQL2 filters (text and JSON), checked against values the test
knows, refused with a 400 when they cannot be used, and sent by the real clients: GDAL's -where and OWSLib."""

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator
from owslib.ogcapi.features import Features

from survey.extensions import db
from survey.models import Camera
from tests.gdal import feature_count, features, ogrinfo
from tests.support import camera

ITEMS = "/ogcapi/collections/cameras/items"


@pytest.fixture
def cams(app):
    """Six cameras along latitude 50 at lon 0..5 with known attributes; one more removed."""
    rows = [
        {"manufacturer": "Axis", "direction": 10.0, "model": None, "first_seen": date(2026, 1, 5)},
        {"manufacturer": "Hikvision", "direction": 95.4, "first_seen": date(2026, 2, 1)},
        {"manufacturer": "Hikvision", "direction": 180.0, "operator": "O'Brien Ltd"},
        {"manufacturer": "Dahua", "direction": 359.6, "model": None, "camera_type": "fixed"},
        {"manufacturer": "hikvision", "direction": None, "mount": "pole"},
        {"manufacturer": None, "direction": 45.0, "signage": "none"},
    ]
    ids = [camera(app, lat=50.0, lon=float(i), **row) for i, row in enumerate(rows)]
    removed = camera(app, lat=50.0, lon=2.0, manufacturer="Axis", status="removed")
    return ids, removed


def found(client, **params) -> list[int]:
    response = client.get(ITEMS, query_string=params)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["numberMatched"] == len(body["features"])  # all on one page here
    return [f["id"] for f in body["features"]]


@pytest.mark.parametrize(
    "text,picked",
    [
        ("manufacturer = 'Hikvision'", [1, 2]),  # exact: "hikvision" is another value
        ("manufacturer <> 'Hikvision'", [0, 3, 4]),  # a missing manufacturer is neither
        ("'Hikvision' = manufacturer", [1, 2]),
        ("direction > 90", [1, 2]),  # 95.4 is published as 95; 359.6 as 0
        ("direction < 11", [0, 3]),
        ("10 < direction", [1, 2, 5]),
        ("direction BETWEEN 40 AND 100", [1, 5]),
        ("direction NOT BETWEEN 40 AND 100", [0, 2, 3]),
        ("manufacturer IN ('Axis', 'Dahua')", [0, 3]),
        ("manufacturer NOT IN ('Axis', 'Dahua')", [1, 2, 4]),
        ("manufacturer LIKE 'Hik%'", [1, 2]),  # case-sensitive on both databases
        ("manufacturer LIKE '_ahua'", [3]),
        ("manufacturer NOT LIKE '%a%'", [0, 1, 2, 4]),
        ("operator LIKE 'O_Brien%'", [2]),
        ("model IS NULL", [0, 3]),
        ("manufacturer IS NULL", [5]),
        ("direction IS NOT NULL AND manufacturer IS NOT NULL", [0, 1, 2, 3]),
        ("NOT (manufacturer = 'Hikvision')", [0, 3, 4]),
        ("manufacturer = 'Axis' OR (direction >= 180 AND camera_type = 'dome')", [0, 2]),
        ("(manufacturer = 'Axis' OR manufacturer = 'Dahua') AND camera_type = 'fixed'", [3]),
        ("S_INTERSECTS(geometry, BBOX(0.5, 49, 2.5, 51))", [1, 2]),
        ("S_INTERSECTS(geometry, POINT(3 50))", [3]),
        ("first_seen >= DATE('2026-01-31')", [1, 2, 3, 4, 5]),
        ("first_seen < '2026-01-31'", [0]),  # quoted ISO text, as GDAL 3.6 sends dates
        ("mount = 'pole' AND signage = 'within_50m'", [4]),
        ("sightings_count = 2 AND volunteers_count >= 1 AND status = 'active'", [0, 1, 2, 3, 4, 5]),
        ("INCLUDE", [0, 1, 2, 3, 4, 5]),
    ],
)
def test_cql2_text_filters_pick_the_expected_cameras(client, cams, text, picked):
    ids, _ = cams
    assert found(client, filter=text) == [ids[i] for i in picked]


@pytest.mark.parametrize(
    "expression,picked",
    [
        ({"op": "=", "args": [{"property": "manufacturer"}, "Hikvision"]}, [1, 2]),
        (
            {
                "op": "and",
                "args": [
                    {"op": ">", "args": [{"property": "direction"}, 40]},
                    {"op": "isNull", "args": [{"property": "model"}]},
                ],
            },
            [],
        ),
        (
            {
                "op": "or",
                "args": [
                    {"op": "<", "args": [{"property": "direction"}, 11]},
                    {"op": "=", "args": [{"property": "mount"}, "pole"]},
                ],
            },
            [0, 3, 4],
        ),
        ({"op": "in", "args": [{"property": "manufacturer"}, ["Axis", "Dahua"]]}, [0, 3]),
        ({"op": "between", "args": [{"property": "direction"}, [40, 100]]}, [1, 5]),
        ({"op": "like", "args": [{"property": "manufacturer"}, "%vision"]}, [1, 2, 4]),
        ({"op": "not", "args": [{"op": "=", "args": [{"property": "manufacturer"}, "Hikvision"]}]}, [0, 3, 4]),
        ({"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [0.5, 49, 2.5, 51]}]}, [1, 2]),
        ({"op": ">=", "args": [{"property": "first_seen"}, {"date": "2026-01-31"}]}, [1, 2, 3, 4, 5]),
    ],
)
def test_cql2_json_filters_pick_the_expected_cameras(client, cams, expression, picked):
    ids, _ = cams
    assert found(client, filter=json.dumps(expression), **{"filter-lang": "cql2-json"}) == [ids[i] for i in picked]


def test_a_bbox_crossing_the_antimeridian_in_a_filter(client, app):
    east, west, middle = camera(app, lat=0, lon=179.5), camera(app, lat=0, lon=-179.5), camera(app, lat=0, lon=0)
    assert found(client, filter="S_INTERSECTS(geometry, BBOX(179, -1, -179, 1))") == [east, west]
    assert found(client, filter="S_INTERSECTS(geometry, BBOX(-1, -1, 1, 1))") == [middle]


def test_the_filter_narrows_the_other_parameters(client, cams):
    ids, removed = cams
    assert found(client, filter="manufacturer = 'Axis'") == [ids[0]]  # status=active by default
    assert found(client, filter="manufacturer = 'Axis'", status="all") == [ids[0], removed]
    assert found(client, filter="status = 'removed'", status="all") == [removed]
    assert found(client, filter="manufacturer LIKE 'H%'", bbox="1.5,49,5,51") == [ids[2]]


def test_the_filter_rides_along_the_paging_links(client, cams):
    ids, _ = cams
    first = client.get(ITEMS, query_string={"filter": "direction IS NOT NULL", "limit": 2}).json
    assert first["numberMatched"] == 5 and [f["id"] for f in first["features"]] == ids[:2]
    href = next(link["href"] for link in first["links"] if link["rel"] == "next")
    args = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert args["filter"] == "direction IS NOT NULL" and args["filter-lang"] == "cql2-text"
    second = client.get(href).json
    assert [f["id"] for f in second["features"]] == [ids[2], ids[3]] and second["numberMatched"] == 5


@pytest.mark.parametrize(
    "params,says",
    [
        ({"filter": "manufacturer = "}, "Not valid cql2-text"),
        ({"filter": "colour = 'red'"}, "not a queryable"),
        ({"filter": "photo_url = 'x'"}, "not a queryable"),  # published, but a derived URL
        ({"filter": "volunteer_key = 'x'"}, "not a queryable"),
        ({"filter": "manufacturer = 3"}, "is text"),
        ({"filter": "direction = 'north'"}, "is a number"),
        ({"filter": "first_seen = 'yesterday'"}, "is a date"),
        ({"filter": "direction LIKE '9%'"}, "LIKE compares text"),
        ({"filter": "manufacturer = 'a' OR manufacturer = 'b' AND direction = 1"}, "need parentheses"),
        ({"filter": "S_CROSSES(geometry, BBOX(0, 0, 1, 1))"}, "not supported"),
        ({"filter": "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))"}, "BBOX"),
        ({"filter": "S_INTERSECTS(manufacturer, BBOX(0, 0, 1, 1))"}, "geometry"),
        ({"filter": "S_INTERSECTS(geometry, BBOX(0, 0, 200, 1))"}, "within -180..180"),
        ({"filter": "'a' = 'a'"}, "property name"),
        ({"filter": "manufacturer = 'x'; DROP TABLE cameras; --"}, "Not valid"),
        ({"filter": "{not json", "filter-lang": "cql2-json"}, "Not valid cql2-json"),
        (
            {"filter": json.dumps({"op": "=", "args": [{"property": "id) OR (1"}, 1]}), "filter-lang": "cql2-json"},
            "not a queryable",
        ),
        ({"filter": "manufacturer = 'x'", "filter-lang": "sql"}, "filter-lang"),
        ({"filter": "manufacturer = 'x'", "filter-crs": "EPSG:3857"}, "filter-crs"),
        ({"filter": ""}, "filter"),
    ],
)
def test_bad_filters_are_400_naming_the_fault(client, app, cams, params, says):
    response = client.get(ITEMS, query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.json
    assert body["code"] == 400 and body["status"]
    messages = json.dumps(body["errors"])
    assert says in messages, messages
    with app.app_context():  # nothing reached the table
        assert db.session.query(Camera).count() == 7


def test_a_deeply_nested_filter_is_a_400_not_a_crash(client, cams):
    deep = {"op": "=", "args": [{"property": "direction"}, 1]}
    for _ in range(60):  # deeper than any hand-written filter, within the URL limit
        deep = {"op": "not", "args": [deep]}
    text = json.dumps(deep, separators=(",", ":"))
    response = client.get(ITEMS, query_string={"filter": text, "filter-lang": "cql2-json"})
    assert response.status_code == 400 and "nested too deeply" in json.dumps(response.json["errors"])


def test_queryables_are_a_json_schema_of_the_published_properties(client):
    response = client.get("/ogcapi/collections/cameras/queryables")
    assert response.status_code == 200 and response.mimetype == "application/schema+json"
    schema = response.json
    Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["manufacturer"]["type"] == "string" and props["direction"]["type"] == "integer"
    assert props["first_seen"] == {"title": "First seen", "type": "string", "format": "date"}
    assert props["camera_type"]["enum"] == ["dome", "fixed", "panning"]
    assert props["geometry"]["format"] == "geometry-point"
    assert not {"photo_url", "url", "volunteer_key", "client_id"} & set(props)
    assert schema["additionalProperties"] is False
    gdal = client.get("/ogcapi/collections/cameras/queryables", headers={"Accept": "application/json"})
    assert gdal.mimetype == "application/json"
    assert {q["id"] for q in gdal.json["queryables"]} == set(props)  # the draft's list GDAL 3.6 reads
    collection = client.get("/ogcapi/collections/cameras").json
    rels = {link["rel"] for link in collection["links"]}
    assert {"queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables"} <= rels


def test_conformance_declares_filtering(client):
    classes = set(client.get("/ogcapi/conformance").json["conformsTo"])
    part3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
    cql = "http://www.opengis.net/spec/cql2/1.0/conf/"
    assert {part3 + c for c in ("queryables", "filter", "features-filter")} <= classes
    assert {cql + c for c in ("basic-cql2", "cql2-text", "cql2-json", "basic-spatial-functions")} <= classes


def test_the_api_definition_lists_the_filter_languages(client):
    params = client.get("/ogcapi/api").json["paths"]["/collections/cameras/items"]["get"]["parameters"]
    lang = next(p for p in params if p["name"] == "filter-lang")["schema"]
    assert {"cql2-text", "cql2-json", "cql-text"} <= set(lang["enum"])
    assert {"filter", "filter-crs", "before"} <= {p["name"] for p in params}


def test_gdal_where_runs_on_the_server(live_server, app, cams, request_log):
    ids, _ = cams
    source = f"OAPIF:{live_server.url}/ogcapi"
    report = ogrinfo(source, "cameras", "-where", "manufacturer = 'Hikvision'")
    assert feature_count(report) == 2 and sorted(features(report)) == ids[1:3]
    sent = [path for path in request_log if "/items" in path and "filter=" in path]
    assert sent, request_log
    args = parse_qs(urlsplit(sent[-1]).query)
    assert args["filter"] == ["manufacturer = 'Hikvision'"] and args["filter-lang"] == ["cql-text"]


def test_gdal_where_on_numbers_and_dates_runs_on_the_server(live_server, app, cams, request_log):
    ids, _ = cams
    where = "direction > 40 AND first_seen >= '2026-01-31'"
    report = ogrinfo(f"OAPIF:{live_server.url}/ogcapi", "cameras", "-where", where)
    assert sorted(features(report)) == [ids[1], ids[2], ids[5]]
    sent = [parse_qs(urlsplit(p).query) for p in request_log if "filter=" in p]
    assert sent and "direction > 40" in sent[-1]["filter"][0] and "first_seen" in sent[-1]["filter"][0]


def test_owslib_reads_queryables_and_filtered_items(live_server, app, cams):
    ids, _ = cams
    api = Features(f"{live_server.url}/ogcapi")
    queryables = api.collection_queryables("cameras")
    assert queryables["properties"]["manufacturer"]["type"] == "string"
    text = api.collection_items("cameras", filter="manufacturer LIKE 'Hik%' AND direction > 100", limit=10)
    assert [f["id"] for f in text["features"]] == [ids[2]] and text["numberMatched"] == 1
    as_json = json.dumps({"op": "in", "args": [{"property": "manufacturer"}, ["Axis", "Dahua"]]})
    picked = api.collection_items("cameras", filter=as_json, **{"filter-lang": "cql2-json"})
    assert [f["id"] for f in picked["features"]] == [ids[0], ids[3]]


def test_like_takes_glob_and_sql_characters_literally(client, app):
    star = camera(app, manufacturer="Star*Cam [x]?")
    other = camera(app, manufacturer="StarXCam 100%")
    assert found(client, filter="manufacturer LIKE 'Star*%'") == [star]
    assert found(client, filter="manufacturer LIKE 'Star_Cam%'") == [star, other]
    assert found(client, filter="manufacturer LIKE '%[x]?'") == [star]
    assert found(client, filter="manufacturer LIKE '%100\\%'") == [other]  # \% is a literal percent sign
    assert found(client, filter="manufacturer LIKE 'star%'") == []


def test_queryables_have_an_html_page(client):
    response = client.get("/ogcapi/collections/cameras/queryables?f=html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<h1>" in response.get_data(as_text=True)
