"""The approved signs as the OGC API's `signs` collection: the same public properties as signs.geojson,
the items parameters the other collections take, CQL2 over the signs' queryables, and read by GDAL and
OWSLib from a live server."""

import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate as validate_openapi
from owslib.ogcapi.features import Features

from survey import dataset_version
from survey.extensions import db
from survey.models import Sign
from tests.gdal import feature_count, features, ogrinfo
from tests.support import camera

ITEMS = "/ogcapi/collections/signs/items"
ROWS = [
    # lon, operator, purpose, has_contact, first_seen, last_confirmed, status
    (0.0, "Lambeth Council", "Crime prevention", True, date(2026, 1, 5), date(2026, 3, 1), "active"),
    (1.0, "Lambeth Council", "Public safety", False, date(2026, 2, 1), date(2026, 2, 20), "active"),
    (2.0, "O'Brien Ltd", None, None, date(2026, 4, 1), date(2026, 6, 1), "active"),
    (3.0, "Transport for London", "Crime prevention", True, date(2026, 5, 1), date(2026, 5, 2), "active"),
    (4.0, "Gone Ltd", "Crime prevention", True, date(2025, 1, 1), date(2025, 2, 1), "removed"),
    (5.0, "WITHDRAWN-secret", "Crime prevention", True, date(2026, 1, 1), date(2026, 1, 1), "withdrawn"),
]


@pytest.fixture
def signs(app):
    """Six signs along latitude 50 at lon 0..5: four active, one removed, one withdrawn. The first is fixed
    to a public camera, the second to a withdrawn one (which the public may not see named)."""
    shown, hidden = camera(app, lat=50.0, lon=0.0), camera(app, lat=50.0, lon=1.0, status="withdrawn")
    with app.app_context():
        rows = [
            Sign(
                lat=50.0, lon=lon, operator=operator, purpose=purpose, has_contact=contact, first_seen=first,
                last_confirmed=last, status=status, sightings_count=1,
                camera_id={0.0: shown, 1.0: hidden}.get(lon),
                updated_at=datetime(2026, 6, 1, tzinfo=UTC) if lon == 3.0 else datetime(2026, 1, 1, tzinfo=UTC),
            )
            for lon, operator, purpose, contact, first, last, status in ROWS
        ]  # fmt: skip
        db.session.add_all(rows)
        dataset_version.bump(db.session)
        db.session.commit()
        return {"ids": [r.id for r in rows], "camera": shown, "hidden_camera": hidden}


def ids_of(client, **params) -> list[int]:
    response = client.get(ITEMS, query_string=params)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["numberMatched"] == len(body["features"]) == body["numberReturned"]  # one page here
    return [f["id"] for f in body["features"]]


def test_signs_are_a_collection_with_their_extent(client, signs):
    listed = client.get("/ogcapi/collections").json["collections"]
    assert [c["id"] for c in listed] == ["cameras", "streets", "signs"]
    doc = client.get("/ogcapi/collections/signs").json
    assert doc["extent"]["spatial"]["bbox"] == [[0.0, 50.0, 3.0, 50.0]]  # the active signs only
    hrefs = {(link["rel"], link["type"]): link["href"] for link in doc["links"]}
    assert hrefs[("items", "application/geo+json")].endswith("/ogcapi/collections/signs/items")
    assert hrefs[("http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json")].endswith(
        "/collections/signs/queryables"
    )


def test_items_carry_the_public_sign_properties(client, signs):
    response = client.get(ITEMS)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.json
    assert body["numberMatched"] == 4 and "timeStamp" in body
    first = body["features"][0]
    assert first["id"] == signs["ids"][0] and first["geometry"] == {"type": "Point", "coordinates": [0.0, 50.0]}
    assert first["properties"] == client.get(f"/api/v1/signs/{signs['ids'][0]}").json["properties"]
    assert first["properties"]["camera_id"] == signs["camera"] and first["properties"]["has_contact"] is True
    assert body["features"][1]["properties"]["camera_id"] is None  # its camera is withdrawn
    text = response.get_data(as_text=True)
    assert "WITHDRAWN-secret" not in text and "Gone Ltd" not in text
    assert not {"volunteer_key", "client_id", "device_id", "updated_at", "created_at"} & set(first["properties"])


def test_bbox_datetime_updated_since_and_status(client, signs):
    ids = signs["ids"]
    assert ids_of(client, bbox="0.5,49,2.5,51") == ids[1:3]
    assert ids_of(client, bbox="0.5,49,-10,2.5,51,10") == ids[1:3]  # six numbers, heights ignored
    assert ids_of(client, datetime="2026-02-25") == [ids[0]]  # [first_seen, last_confirmed] meets the day
    assert ids_of(client, datetime="2026-04-15/..") == ids[2:4]
    assert ids_of(client, datetime="../2026-01-31") == [ids[0]]
    assert ids_of(client, updated_since="2026-05-01") == [ids[3]]
    assert ids_of(client, status="all") == ids[:5] and ids_of(client, status="removed") == [ids[4]]
    assert ids_of(client, operator="lambeth council") == ids[:2]
    for bad in ({"bbox": "1,2,3"}, {"datetime": "soon"}, {"updated_since": "yesterday"}, {"colour": "red"}):
        refused = client.get(ITEMS, query_string=bad)
        assert refused.status_code == 400 and refused.json["code"] == 400, bad


def test_paging_walks_next_and_prev_with_cursors(client, signs):
    ids = signs["ids"][:4]
    first = client.get(ITEMS, query_string={"limit": 3}).json
    assert [f["id"] for f in first["features"]] == ids[:3] and first["numberMatched"] == 4
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(nxt).query)["after"] == [str(ids[2])]
    second = client.get(nxt).json
    assert [f["id"] for f in second["features"]] == ids[3:] and "next" not in {k["rel"] for k in second["links"]}
    prev = next(link["href"] for link in second["links"] if link["rel"] == "prev")
    assert [f["id"] for f in client.get(prev).json["features"]] == ids[:3]
    assert [f["id"] for f in client.get(ITEMS, query_string={"offset": 1, "limit": 2}).json["features"]] == ids[1:3]


@pytest.mark.parametrize(
    "text,picked",
    [
        ("operator = 'Lambeth Council'", [0, 1]),
        ("operator LIKE 'O_Brien%'", [2]),
        ("purpose IS NULL", [2]),
        ("has_contact = TRUE", [0, 3]),
        ("has_contact = false", [1]),
        ("has_contact = 1", [0, 3]),  # as GDAL writes a boolean field in a -where
        ("camera_id IS NOT NULL", [0]),  # the withdrawn camera is not named, nor filtered by
        ("purpose IN ('Crime prevention', 'Public safety') AND first_seen >= DATE('2026-02-01')", [1, 3]),
        ("last_confirmed < '2026-03-01'", [1]),
        ("S_INTERSECTS(geometry, BBOX(0.5, 49, 3.5, 51))", [1, 2, 3]),
        ("NOT (operator = 'Lambeth Council') AND sightings_count = 1", [2, 3]),
    ],
)
def test_cql2_text_over_the_sign_queryables(client, signs, text, picked):
    assert ids_of(client, filter=text) == [signs["ids"][i] for i in picked]


def test_cql2_json_and_bad_filters(client, signs):
    expression = {"op": "=", "args": [{"property": "has_contact"}, True]}
    assert ids_of(client, filter=json.dumps(expression), **{"filter-lang": "cql2-json"}) == [
        signs["ids"][0],
        signs["ids"][3],
    ]
    for text, says in (
        ("manufacturer = 'Axis'", "not a queryable"),
        ("has_contact = 'yes'", "true or false"),
        ("volunteer_key = 'x'", "not a queryable"),
        ("operator = 1", "is text"),
    ):
        refused = client.get(ITEMS, query_string={"filter": text})
        assert refused.status_code == 400 and says in json.dumps(refused.json["errors"]), text


def test_one_sign_and_unknown_ones(client, signs):
    ids = signs["ids"]
    one = client.get(f"{ITEMS}/{ids[4]}")  # removed signs stay public, as cameras do
    assert one.status_code == 200 and one.mimetype == "application/geo+json"
    assert one.json["properties"]["operator"] == "Gone Ltd"
    assert {link["rel"] for link in one.json["links"]} >= {"self", "alternate", "collection"}
    for unknown in (ids[5], 99999, "abc", "1e3"):
        refused = client.get(f"{ITEMS}/{unknown}")
        assert refused.status_code == 404 and refused.json["code"] == 404, unknown


def test_queryables_name_public_properties_only(client, signs):
    schema = client.get("/ogcapi/collections/signs/queryables").json
    props = schema["properties"]
    assert set(props) == {
        "operator", "purpose", "has_contact", "camera_id", "status", "first_seen", "last_confirmed",
        "sightings_count", "geometry",
    }  # fmt: skip
    assert props["has_contact"]["type"] == "boolean" and props["first_seen"]["format"] == "date"
    assert schema["$id"].endswith("/collections/signs/queryables") and schema["additionalProperties"] is False


def test_html_pages_show_the_signs(client, signs):
    page = client.get(f"{ITEMS}?f=html")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert f"/ogcapi/collections/signs/items/{signs['ids'][0]}?f=html" in html and "O&#39;Brien Ltd" in html
    assert "<th>purpose</th>" in html and "<th>manufacturer</th>" not in html
    one = client.get(f"{ITEMS}/{signs['ids'][0]}?f=html").get_data(as_text=True)
    assert "Crime prevention" in one


def test_the_api_definition_declares_the_signs(client):
    definition = client.get("/ogcapi/api?f=json").json
    validate_openapi(definition)
    paths = definition["paths"]
    for path in ("/collections/signs", "/collections/signs/queryables", "/collections/signs/items"):
        assert path in paths
    one = paths["/collections/signs/items/{featureId}"]["get"]
    assert "404" in one["responses"] and one["parameters"][0]["name"] == "featureId"
    names = {p["name"] for p in paths["/collections/signs/items"]["get"]["parameters"]}
    assert {"bbox", "datetime", "updated_since", "filter", "filter-lang", "after", "before", "limit"} <= names


def test_gdal_lists_fetches_and_filters_the_signs(live_server, app, signs, request_log):
    ids, source = signs["ids"], f"OAPIF:{live_server.url}/ogcapi"
    report = ogrinfo("-oo", "PAGE_SIZE=3", source, "signs")  # two pages, following the next link
    assert "Layer name: signs" in report and feature_count(report) == 4
    found = features(report)
    assert sorted(found) == ids[:4] and found[ids[3]]["_point"] == (3.0, 50.0)
    assert found[ids[0]]["operator"] == "Lambeth Council" and found[ids[2]]["purpose"] is None
    one = features(ogrinfo(source, "signs", "-fid", str(ids[2])))
    assert list(one) == [ids[2]] and one[ids[2]]["operator"] == "O'Brien Ltd"
    request_log.clear()
    where = features(ogrinfo(source, "signs", "-where", "purpose = 'Crime prevention'"))
    assert sorted(where) == [ids[0], ids[3]]
    sent = [parse_qs(urlsplit(p).query) for p in request_log if "/signs/items" in p and "filter=" in p]
    assert sent and sent[-1]["filter"] == ["purpose = 'Crime prevention'"], request_log
    contact = ogrinfo(source, "signs", "-where", "has_contact = 1")  # GDAL's Integer(Boolean) field
    assert sorted(features(contact)) == [ids[0], ids[3]] and "has_contact (Integer(Boolean)) = 1" in contact
    sent = [parse_qs(urlsplit(p).query) for p in request_log if "/signs/items" in p and "filter=" in p]
    assert "has_contact" in sent[-1]["filter"][0]
    everything = features(ogrinfo(f"{source}?status=all", "signs"))
    assert sorted(everything) == ids[:5]


def test_owslib_reads_the_sign_queryables_and_filtered_items(live_server, app, signs):
    api = Features(f"{live_server.url}/ogcapi")
    assert "signs" in [c["id"] for c in api.collections()["collections"]]
    queryables = api.collection_queryables("signs")
    assert queryables["properties"]["operator"]["type"] == "string"
    picked = api.collection_items("signs", filter="operator = 'Lambeth Council' AND has_contact = TRUE", limit=10)
    assert [f["id"] for f in picked["features"]] == [signs["ids"][0]] and picked["numberMatched"] == 1
    as_json = json.dumps({"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [1.5, 49, 3.5, 51]}]})
    boxed = api.collection_items("signs", filter=as_json, **{"filter-lang": "cql2-json"})
    assert [f["id"] for f in boxed["features"]] == signs["ids"][2:4]
