"""OGC API - Features under /ogcapi: the core documents without HTTP, then over HTTP, then read by GDAL."""

import json
from urllib.parse import parse_qs, urlsplit

import geojson
import pytest

from survey.publish import ogc_cameras, ogcapi
from survey.schemas.publish import ItemsQueryArgs, load_query
from tests.gdal import feature_count, features, ogrinfo
from tests.support import camera

OGC = "http://example.org/ogcapi"
SITE = "http://example.org/"
ITEMS = "/ogcapi/collections/cameras/items"


@pytest.fixture
def five(app):
    """Five cameras along a line of longitude 0..4 (active), and one removed."""
    ids = [camera(app, lat=50.0, lon=float(i), manufacturer="Axis" if i % 2 else "Dahua") for i in range(5)]
    return ids, camera(app, lat=50.0, lon=2.5, status="removed")


def rels(doc) -> dict:
    return {(link["rel"], link["type"]): link["href"] for link in doc["links"]}


def query_of(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def test_landing_page_links(app):
    links = rels(ogcapi.landing_page(OGC))
    assert links[("service-desc", ogcapi.OPENAPI)] == f"{OGC}/api"
    assert links[("conformance", "application/json")] == f"{OGC}/conformance"
    assert links[("data", "application/json")] == f"{OGC}/collections"
    assert ("alternate", "text/html") in links and ("self", "application/json") in links


def test_conformance_classes():
    classes = ogcapi.conformance()["conformsTo"]
    part1 = {c.rsplit("/", 1)[1] for c in classes if "/ogcapi-features-1/" in c}
    assert part1 == {"core", "geojson", "html", "oas30"}


def test_collection_extent_comes_from_the_data(app, five):
    with app.test_request_context():
        doc = ogc_cameras.collection_doc(OGC)
        assert doc["extent"]["spatial"]["bbox"] == [[0.0, 50.0, 4.0, 50.0]]  # the removed camera is not in it
        assert rels(doc)[("items", "application/geo+json")] == f"{OGC}/collections/cameras/items"


def test_empty_collection_extent_is_the_world(app):
    with app.test_request_context():
        assert ogc_cameras.collection_doc(OGC)["extent"]["spatial"]["bbox"] == [[-180.0, -90.0, 180.0, 90.0]]


def page(app, **args):
    with app.test_request_context():
        return ogc_cameras.items_page(OGC, SITE, load_query(args, ItemsQueryArgs())).to_dict()


def test_paging_with_offset_and_the_keyset_next_link(app, five):
    ids, _ = five
    first = page(app, limit="2")
    assert [f["id"] for f in first["features"]] == ids[:2]
    assert first["numberMatched"] == 5 and first["numberReturned"] == 2
    assert ("prev", "application/geo+json") not in rels(first)
    nxt = query_of(rels(first)[("next", "application/geo+json")])
    assert nxt == {"limit": "2", "offset": "2", "after": str(ids[1]), "f": "json"}
    second = page(app, **{k: v for k, v in nxt.items() if k != "f"})
    assert [f["id"] for f in second["features"]] == ids[2:4]
    assert query_of(rels(second)[("prev", "application/geo+json")]) == {"limit": "2", "offset": "0", "f": "json"}
    last = page(app, limit="2", offset="4")
    assert [f["id"] for f in last["features"]] == ids[4:]
    assert ("next", "application/geo+json") not in rels(last)


def test_bbox_and_filters_reach_the_links(app, five):
    ids, removed = five
    found = page(app, bbox="0.5,49,3.5,51", manufacturer="axis", limit="1")
    assert [f["id"] for f in found["features"]] == [ids[1]] and found["numberMatched"] == 2
    nxt = query_of(rels(found)[("next", "application/geo+json")])
    assert nxt["bbox"] == "0.5,49.0,3.5,51.0" and nxt["manufacturer"] == "axis"
    assert [f["id"] for f in page(app, status="removed")["features"]] == [removed]


def test_limit_is_capped_and_validated(app, five):
    with app.test_request_context():
        assert load_query({"limit": "50000"}, ItemsQueryArgs()).limit == ogcapi.MAX_LIMIT
        assert load_query({}, ItemsQueryArgs()).limit == ogcapi.DEFAULT_LIMIT


@pytest.mark.parametrize(
    "text,interval",
    [
        ("2026-05-01", ("2026-05-01", "2026-05-01")),
        ("2026-01-01/2026-02-01", ("2026-01-01", "2026-02-01")),
        ("../2026-02-01", (None, "2026-02-01")),
        ("2026-01-01/..", ("2026-01-01", None)),
        ("2026-05-01T10:00:00Z", ("2026-05-01", "2026-05-01")),
    ],
)
def test_parse_interval(text, interval):
    start, end = ogcapi.parse_interval(text)
    assert (start and start.isoformat(), end and end.isoformat()) == interval


def test_datetime_meets_first_seen_to_last_confirmed(app, five):
    _ids, _ = five  # every camera was seen 2026-03-01 .. 2026-05-02
    assert page(app, datetime="2026-04-01")["numberMatched"] == 5
    assert page(app, datetime="2026-05-03/..")["numberMatched"] == 0
    assert page(app, datetime="../2026-02-28")["numberMatched"] == 0


@pytest.mark.parametrize(
    "query,field",
    [
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("bbox=1,2,3", "bbox"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2026-05-02/2026-01-01", "datetime"),
        ("colour=red", "colour"),
        ("f=xml", "f"),
    ],
)
def test_bad_items_parameters_are_400(client, five, query, field):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    assert response.json["code"] == 400 and field in response.json["errors"]


def test_items_over_http_are_geojson(client, five):
    ids, _ = five
    response = client.get(ITEMS, headers={"Accept": "application/geo+json"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    text = response.get_data(as_text=True)
    assert geojson.loads(text).is_valid
    body = json.loads(text)
    assert [f["id"] for f in body["features"]] == ids
    assert body["numberMatched"] == 5 and body["numberReturned"] == 5 and body["timeStamp"].endswith("Z")
    assert body["features"][0]["geometry"]["coordinates"] == [0.0, 50.0]


def test_one_item_and_unknown_ones(client, five):
    ids, _ = five
    response = client.get(f"{ITEMS}/{ids[3]}")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.json["id"] == ids[3] and response.json["properties"]["manufacturer"] == "Axis"
    assert ("collection", "application/json") in rels(response.json)
    for bad in ("999", "abc", "1.5", "99999999999", "٣"):
        missing = client.get(f"{ITEMS}/{bad}")
        assert missing.status_code == 404 and missing.mimetype == "application/json" and missing.json["code"] == 404
    assert client.get("/ogcapi/collections/lamps/items").status_code == 404
    assert client.get("/ogcapi/collections/lamps").json["code"] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ogcapi",
        "/ogcapi/",
        "/ogcapi/conformance",
        "/ogcapi/collections",
        "/ogcapi/collections/cameras",
        ITEMS,
        "/ogcapi/api",
    ],
)
def test_html_when_a_browser_asks_and_json_when_forced(client, five, path):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    html = client.get(path, headers={"Accept": browser})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "<h1>" in html.get_data(as_text=True) and html.headers["Vary"] == "Accept"
    assert client.get(f"{path}?f=html").mimetype == "text/html"
    forced = client.get(f"{path}?f=json", headers={"Accept": browser})
    assert forced.mimetype in ("application/json", "application/geo+json", "application/vnd.oai.openapi+json")
    assert json.loads(forced.data)
    assert client.get(path).mimetype != "text/html"  # no Accept: JSON
    assert client.get(f"{path}?unknown=1").status_code == 400


def test_html_items_escape_the_data(client, app):
    camera_id = camera(app, operator="<script>alert(1)</script>")
    html = client.get(f"{ITEMS}?f=html").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert f"/ogcapi/collections/cameras/items/{camera_id}?f=html" in html
    item = client.get(f"{ITEMS}/{camera_id}?f=html").get_data(as_text=True)
    assert "&lt;script&gt;" in item and "<script>alert" not in item


def test_api_definition_documents_the_items_parameters(client):
    body = client.get("/ogcapi/api").json
    params = {p["name"]: p for p in body["paths"]["/collections/cameras/items"]["get"]["parameters"]}
    assert {"bbox", "limit", "offset", "datetime", "f"} <= set(params)
    assert params["limit"]["schema"]["maximum"] == ogcapi.MAX_LIMIT


def test_gdal_lists_reads_and_filters_the_live_layer(live_server, app, five):
    ids, removed = five
    source = f"OAPIF:{live_server.url}/ogcapi"
    report = ogrinfo("-oo", "PAGE_SIZE=2", source, "cameras")  # three pages, following next links
    assert "Layer name: cameras" in report and feature_count(report) == 5
    found = features(report)
    assert sorted(found) == ids
    assert found[ids[4]]["_point"] == (4.0, 50.0)
    assert found[ids[1]]["manufacturer"] == "Axis" and found[ids[1]]["last_confirmed"] == "2026/05/02"
    assert removed not in found
    clipped = features(ogrinfo("-spat", "0.5", "49", "2.5", "51", source, "cameras"))
    assert sorted(clipped) == ids[1:3]


def test_a_six_number_bbox_is_answered_with_heights_ignored(client, five):
    ids, _ = five
    response = client.get(f"{ITEMS}?bbox=0.5,49,-100,2.5,51,100")
    assert response.status_code == 200, response.json
    assert [f["id"] for f in response.json["features"]] == ids[1:3]
    for bad in ("0.5,49,2.5,51,100", "0.5,49,-100,2.5,51,100,7", "0.5,49,low,2.5,51,100"):
        refused = client.get(f"{ITEMS}?bbox={bad}")
        assert refused.status_code == 400 and "bbox" in refused.json["errors"]
    params = client.get("/ogcapi/api").json["paths"]["/collections/cameras/items"]["get"]["parameters"]
    bbox = next(p for p in params if p["name"] == "bbox")["schema"]
    assert (bbox["minItems"], bbox["maxItems"]) == (4, 6)


@pytest.mark.parametrize("path", ["/ogcapi", "/ogcapi/conformance", "/ogcapi/api", "/ogcapi/collections"])
def test_documents_take_the_shared_filters_as_gdal_repeats_them(client, five, path):
    ids, _ = five
    assert client.get(f"{path}?status=all&f=json").status_code == 200
    bad = client.get(f"{path}?status=lost")
    assert bad.status_code == 400 and "status" in bad.json["errors"]
    assert client.get(f"{path}?colour=red").status_code == 400  # still only what the API definition names
    assert client.get(f"/ogcapi/collections/cameras/items/{ids[0]}?status=all").status_code == 200
    assert client.get(f"{ITEMS}?status=all&colour=red").status_code == 400


def test_every_document_declares_the_parameters_it_takes(client):
    paths = client.get("/ogcapi/api").json["paths"]
    for path in ("/", "/conformance", "/collections", "/collections/cameras", "/collections/cameras/items/{featureId}"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"f", "status", "bbox", "manufacturer"} <= names, path
        assert "limit" not in names


def test_gdal_fetches_one_feature_by_fid(live_server, app, five):
    ids, _ = five
    report = ogrinfo(f"OAPIF:{live_server.url}/ogcapi", "cameras", "-fid", str(ids[3]))
    found = features(report)
    assert list(found) == [ids[3]]
    assert found[ids[3]]["manufacturer"] == "Axis" and found[ids[3]]["_point"] == (3.0, 50.0)


def test_gdal_connection_string_parameters_reach_every_request(live_server, app, five):
    ids, removed = five
    report = ogrinfo(f"OAPIF:{live_server.url}/ogcapi?status=all", "cameras")
    assert feature_count(report) == 6
    assert sorted(features(report)) == sorted([*ids, removed])
    only_removed = features(ogrinfo(f"OAPIF:{live_server.url}/ogcapi?status=removed", "cameras"))
    assert list(only_removed) == [removed]
