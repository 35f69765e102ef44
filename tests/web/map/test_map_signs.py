"""The map's signs layer: /map/signs.json answers one box with the signs' public properties (the same as
signs.geojson), and in Debian's chromium at 360x640 the layer's toggle draws them, with a legend entry,
thumb-sized markers and a popup that fits the screen."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate as validate_openapi

from survey import dataset_version
from survey.extensions import db
from survey.geo import parse_bbox
from survey.models import Sign
from survey.publish import map_data
from tests.conftest import screenshot_path
from tests.support import camera

TAP = 44
URL = "/map/signs.json"
LONG = "Metropolitan Borough Council of Somewhere With A Very Long Name Indeed"


def add_signs(app, *rows: dict) -> list[int]:
    with app.app_context():
        signs = [Sign(**{"sightings_count": 1, **row}) for row in rows]
        db.session.add_all(signs)
        dataset_version.bump(db.session)  # as a sign decision does
        db.session.commit()
        return [s.id for s in signs]


@pytest.fixture
def signs(app):
    fixed_to = camera(app, lat=51.5033, lon=-0.1196, operator=LONG)
    ids = add_signs(
        app,
        {"lat": 51.50335, "lon": -0.11955, "operator": LONG, "purpose": "Crime prevention and public safety",
         "has_contact": True, "camera_id": fixed_to},
        {"lat": 51.5030, "lon": -0.1190, "operator": None, "purpose": None, "has_contact": False},
        {"lat": 51.5031, "lon": -0.1191, "operator": "Gone Ltd", "status": "removed"},
        {"lat": 51.5032, "lon": -0.1192, "operator": "WITHDRAWN-secret", "status": "withdrawn"},
        {"lat": 52.2, "lon": 0.12, "operator": "Elsewhere"},
    )  # fmt: skip
    return {"ids": ids, "camera": fixed_to}


def get(client, **params):
    return client.get(URL, query_string=params)


def test_the_box_gives_its_public_signs_as_the_download_does(client, signs):
    ids = signs["ids"]
    response = get(client, bbox="-0.13,51.50,-0.11,51.51")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert (body["type"], body["total"], body["capped"], body["message"]) == ("FeatureCollection", 2, False, None)
    assert [f["id"] for f in body["features"]] == ids[:2]
    downloaded = {f["id"]: f for f in client.get("/api/v1/signs.geojson").json["features"]}
    assert body["features"] == [downloaded[i] for i in ids[:2]]
    assert body["features"][0]["properties"]["camera_id"] == signs["camera"]
    assert [f["id"] for f in get(client, bbox="-0.13,51.50,-0.11,51.51", status="all").json["features"]] == ids[:3]
    assert [f["id"] for f in get(client, bbox="-1,51,1,53", operator="elsewhere").json["features"]] == [ids[4]]
    assert "WITHDRAWN-secret" not in get(client, bbox="-180,-90,180,90", status="all").get_data(as_text=True)


def test_a_crowded_box_asks_to_zoom_in(client, app, signs, monkeypatch):
    monkeypatch.setattr(map_data, "MAX_SIGNS", 1)
    body = get(client, bbox="-0.13,51.50,-0.11,51.51").json
    assert body["capped"] is True and body["features"] == [] and body["total"] is None
    assert "zoom in" in body["message"]
    assert get(client, bbox="0.1,52.1,0.2,52.3").json["total"] == 1  # one sign is not too many


@pytest.mark.parametrize("zoom", [16, 10])  # the box counted by the database; the whole grid, kept per process
def test_a_crowded_box_with_the_maps_zoom_gives_clusters(client, app, signs, monkeypatch, zoom):
    monkeypatch.setattr(map_data, "MAX_SIGNS", 1)
    box = "-0.13,51.50,-0.11,51.51"
    body = get(client, bbox=box, zoom=zoom).json
    assert (body["kind"], body["capped"], body["total"]) == ("clusters", True, 2)  # the two active ones
    assert body["message"] == "2 signs in view: zoom in to see each one."
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == 2
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (feature["properties"]["lat"], feature["properties"]["lon"])
        assert 51.50 <= lat <= 51.51 and -0.13 <= lon <= -0.11
    assert get(client, bbox=box, zoom=zoom, status="all").json["total"] == 3  # the removed one; never the withdrawn
    add_signs(app, {"lat": 51.5034, "lon": -0.1197, "operator": "New Ltd"})
    assert get(client, bbox=box, zoom=zoom).json["total"] == 3  # a new sign is counted at once, kept grid or not
    few = get(client, bbox="0.11,52.19,0.13,52.21", zoom=zoom).json
    assert (few["kind"], few["total"], [f["id"] for f in few["features"]]) == ("signs", 1, [signs["ids"][4]])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"bbox": "-1,50,1,52", "zoom": "23"}, "zoom"),
        ({"bbox": "-1,50,1,52", "zoom": "near"}, "zoom"),
        ({"bbox": "-180,-90,180,90", "zoom": "20"}, "bbox"),  # more grid cells than any screen
        ({}, "bbox"),
        ({"bbox": "-1,50,1"}, "bbox"),
        ({"bbox": "-1,95,1,96"}, "bbox"),
        ({"bbox": "-1,50,1,52", "status": "withdrawn"}, "status"),
        ({"bbox": "-1,50,1,52", "colour": "red"}, "colour"),
    ],
)
def test_bad_boxes_are_400(client, params, field):
    response = get(client, **params)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["code"] == 400 and field in response.json["errors"]


def test_answers_are_cacheable(client, signs):
    first = get(client, bbox="-0.13,51.50,-0.11,51.51")
    etag = first.headers["ETag"]
    again = client.get(URL, query_string={"bbox": "-0.13,51.50,-0.11,51.51"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and first.headers["Cache-Control"].startswith("public")


def test_the_api_document_describes_the_map_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    validate_openapi(spec)
    cameras = spec["paths"]["/map/cameras.json"]["get"]
    names = {p["name"]: p for p in cameras["parameters"]}
    assert {"bbox", "zoom", "signage", "signage_class", "manufacturer", "status"} <= set(names)
    assert names["bbox"]["required"] is True and names["zoom"]["schema"]["maximum"] == map_data.MAX_ZOOM
    assert {"200", "304", "400"} <= set(cameras["responses"])
    signs = spec["paths"]["/map/signs.json"]["get"]
    assert {p["name"] for p in signs["parameters"]} == {"bbox", "zoom", "operator", "status", "updated_since"}
    body = signs["responses"]["200"]["content"]["application/json"]["schema"]
    schemas = spec["components"]["schemas"]
    out = schemas[body["$ref"].rsplit("/", 1)[1]]
    feature = schemas[out["properties"]["features"]["items"]["$ref"].rsplit("/", 1)[1]]
    properties = schemas[feature["properties"]["properties"]["$ref"].rsplit("/", 1)[1]]["properties"]
    assert {"operator", "purpose", "has_contact"} <= set(properties)


def test_a_crowded_view_draws_the_signs_clusters(phone, live_server, app, signs, monkeypatch):
    monkeypatch.setattr(map_data, "MAX_SIGNS", 1)  # the server is this process: two signs are a crowd
    phone.goto(f"{live_server.url}/map#17/51.5033/-0.1196")
    phone.wait_for_function("() => document.querySelectorAll('.camera-icon').length === 1")
    phone.locator("#panel summary").click()
    phone.locator("#layer-signs").check()
    phone.locator("#panel summary").click()  # closed, to see the map
    phone.wait_for_function("() => document.querySelectorAll('.count-icon.sign-count').length > 0")
    asked = parse_qs(urlsplit(phone.signs[-1].url).query)
    assert asked["zoom"] == ["17"]
    titles = phone.eval_on_selector_all(".count-icon.sign-count", "els => els.map(e => e.title)")
    assert sum(int(title.split()[0]) for title in titles) == 2 and all(
        "signs: zoom in" in t or "sign: zoom in" in t for t in titles
    )
    assert phone.locator(".sign-icon").count() == 0
    assert "2 signs in view: zoom in" in phone.locator(".legend-note").inner_text()
    assert all(w >= TAP and h >= TAP for w, h in sizes(phone, ".count-icon.sign-count"))
    phone.screenshot(path=str(screenshot_path("map-sign-clusters.png")))
    phone.locator("#panel summary").click()
    phone.locator("#layer-signs").uncheck()
    assert phone.locator(".count-icon.sign-count").count() == 0
    assert phone.problems == []


def sizes(page, selector: str) -> list[tuple[float, float]]:
    script = "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.width, b.height]; })"
    return [tuple(size) for size in page.eval_on_selector_all(selector, script)]


def test_signs_appear_after_toggling_with_a_popup_that_fits(phone, live_server, app, signs):
    phone.goto(f"{live_server.url}/map#18/51.5033/-0.1196")
    phone.wait_for_function("() => document.querySelectorAll('.camera-icon').length === 1")
    phone.wait_for_timeout(600)
    assert phone.locator(".sign-icon").count() == 0 and phone.signs == []  # nothing until asked for
    phone.locator("#panel summary").click()
    assert all(w >= TAP and h >= TAP for w, h in sizes(phone, "#panel label.toggle")), sizes(phone, "label.toggle")
    phone.locator("#layer-signs").check()
    phone.wait_for_function("() => document.querySelectorAll('.sign-icon').length === 2")
    asked = parse_bbox(parse_qs(urlsplit(phone.signs[-1].url).query)["bbox"][0])
    assert asked.max_lon - asked.min_lon < 0.01  # the view, not the dataset
    assert "Sign naming who runs the cameras" in phone.locator(".legend").inner_text()
    assert all(w >= TAP and h >= TAP for w, h in sizes(phone, ".sign-icon"))
    phone.locator("#panel summary").click()  # closed, to reach the markers
    phone.locator(f".sign-icon[title^='Sign {signs['ids'][0]},']").dispatch_event("click")
    phone.locator(".leaflet-popup .sign-popup").wait_for()
    phone.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup'); const b = p.getBoundingClientRect();"
        " return getComputedStyle(p).opacity === '1' && b.left >= 0 && b.right <= innerWidth && b.top >= 0"
        " && b.bottom <= innerHeight; }"
    )
    text = phone.locator(".sign-popup").inner_text()
    assert LONG in text and "Crime prevention and public safety" in text
    assert "Contact given" in text and "Yes" in text and f"Camera {signs['camera']}" in text
    phone.wait_for_timeout(800)  # the pan that showed the popup asks for the view's signs again: it stays open
    assert phone.locator(".leaflet-popup .sign-popup").count() == 1

    phone.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
    before = len(phone.signs)
    phone.mouse.move(180, 300)
    phone.mouse.down()
    phone.mouse.move(330, 300, steps=5)  # dragged east: the view moves west
    phone.mouse.up()
    phone.wait_for_function(
        f"() => performance.getEntriesByType('resource').filter(e => e.name.includes('{URL}')).length > {before}"
    )
    phone.wait_for_timeout(300)
    moved = parse_bbox(parse_qs(urlsplit(phone.signs[-1].url).query)["bbox"][0])
    assert moved.min_lon < asked.min_lon  # the layer follows the view

    phone.goto(f"{live_server.url}/map?again#18/52.2/0.12")  # another town, a new document: its sign
    phone.locator("#panel summary").click()
    phone.locator("#layer-signs").check()
    phone.wait_for_function("() => document.querySelectorAll('.sign-icon').length === 1")
    assert json.loads(phone.signs[-1].body())["features"][0]["id"] == signs["ids"][4]
    phone.locator("#panel summary").click()  # closed, to see the sign
    phone.screenshot(path=str(screenshot_path("map-signs.png")))
    phone.locator("#panel summary").click()
    phone.locator("#layer-signs").uncheck()
    assert phone.locator(".sign-icon").count() == 0 and phone.locator(".legend").count() == 0
    assert phone.problems == []
