"""GET /map/cameras.json: a viewport's cameras or clusters, checked against values computed here."""

import gzip
import json
import math
from collections import Counter

import pytest
from sqlalchemy import insert

from survey.extensions import db
from survey.models import Camera
from survey.publish import map_data
from tests.support import DEFAULTS, camera, camera_from_upload

URL = "/map/cameras.json"


def get(client, **params):
    return client.get(URL, query_string=params)


def bulk(app, points, **fields):
    with app.app_context():
        db.session.execute(insert(Camera), [{**DEFAULTS, **fields, "lat": lat, "lon": lon} for lat, lon in points])
        db.session.commit()


def cells_by_hand(points, zoom):
    """What the grid should hold: count per (row, col) of cell 90 / 2**zoom degrees."""
    cell = 90 / 2**zoom
    return Counter((math.floor((lat + 90) / cell), math.floor((lon + 180) / cell)) for lat, lon in points)


def test_a_street_view_lists_its_cameras_with_the_popup_fields_only(client, app):
    made = camera_from_upload(client, app, camera_fields={"lat": 51.5033, "lon": -0.1196, "signage": "none"})
    camera(app, lat=51.5040, lon=-0.1190, manufacturer="Dahua")
    camera(app, lat=51.6, lon=-0.1196)  # outside the box
    response = get(client, bbox="-0.125,51.50,-0.115,51.51", zoom=16)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert body["type"] == "FeatureCollection" and body["kind"] == "cameras" and body["total"] == 2
    assert body["capped"] is False and body["message"] is None
    [first, second] = body["features"]
    assert first["id"] == made["camera_id"] and first["geometry"]["coordinates"] == [-0.1196, 51.5033]
    assert set(first["properties"]) == set(map_data.POPUP_FIELDS)
    assert first["properties"]["thumbnail_url"].endswith(".jpg") and first["properties"]["signage"] == "none"
    assert second["properties"]["manufacturer"] == "Dahua"
    text = response.get_data(as_text=True)
    for secret in (made["receipt"], made["client_id"]):  # nothing of the volunteer's
        assert secret not in text


def test_too_many_cameras_become_clusters_with_a_zoom_in_answer(client, app, monkeypatch):
    monkeypatch.setattr(map_data, "MAX_CAMERAS", 5)
    points = [(51.50 + i * 0.0007, -0.13 + (i % 7) * 0.003) for i in range(40)]
    bulk(app, points)
    for zoom in (11, 14):  # from the cached grid, and counted by the database in the box
        body = get(client, bbox="-0.2,51.45,-0.05,51.55", zoom=zoom).json
        assert body["kind"] == "clusters" and body["capped"] is True and body["total"] == 40
        assert "zoom in" in body["message"]
        expected = cells_by_hand(points, zoom)
        assert sorted(f["properties"]["count"] for f in body["features"]) == sorted(expected.values())
        for feature in body["features"]:  # each cluster sits at the mean of its cameras
            lon, lat = feature["geometry"]["coordinates"]
            assert 51.49 < lat < 51.53 and -0.14 < lon < -0.10


def test_the_grid_follows_new_and_changed_cameras(client, app, monkeypatch):
    monkeypatch.setattr(map_data, "MAX_CAMERAS", 1)
    bulk(app, [(51.5, -0.1), (51.5, -0.1001)])
    view = {"bbox": "-1,51,1,52", "zoom": 8}
    assert get(client, **view).json["total"] == 2
    removed = camera(app, lat=51.5, lon=-0.1002)
    assert get(client, **view).json["total"] == 3
    with app.app_context():
        db.session.get(Camera, removed).status = "removed"
        db.session.commit()
    assert get(client, **view).json["total"] == 2


def test_boxes_across_the_antimeridian(client, app, monkeypatch):
    bulk(app, [(-17.0, 179.9), (-17.1, -179.9), (-17.0, 0.0)])
    body = get(client, bbox="179,-18,-179,-16", zoom=9).json
    assert body["kind"] == "cameras"
    assert sorted(f["geometry"]["coordinates"][0] for f in body["features"]) == [-179.9, 179.9]
    monkeypatch.setattr(map_data, "MAX_CAMERAS", 1)
    for zoom in (6, 13):
        clusters = get(client, bbox="179.8,-17.2,-179.8,-16.9", zoom=zoom).json["features"]
        assert sorted(round(f["geometry"]["coordinates"][0], 1) for f in clusters) == [-179.9, 179.9]


def test_signage_filters_and_the_shared_ones(client, app):
    camera(app, lat=51.5, lon=-0.1, signage="none", signage_class="none_found", operator="Police")
    camera(app, lat=51.5, lon=-0.1001, signage="within_50m", operator="Council")
    box = {"bbox": "-0.2,51.4,0.0,51.6", "zoom": 14}
    assert [f["properties"]["signage"] for f in get(client, **box, signage="none").json["features"]] == ["none"]
    measured = get(client, **box, signage_class="not_surveyed").json["features"]
    assert [f["properties"]["signage"] for f in measured] == ["within_50m"]
    assert get(client, **box, operator="police").json["total"] == 1


@pytest.mark.parametrize(
    "params, field",
    [
        ({"zoom": 3}, "bbox"),
        ({"bbox": "-1,50,1,52"}, "zoom"),
        ({"bbox": "-1,50,1", "zoom": 3}, "bbox"),
        ({"bbox": "-1,50,1,52", "zoom": 23}, "zoom"),
        ({"bbox": "-1,50,1,52", "zoom": "3.5"}, "zoom"),
        ({"bbox": "-180,-90,180,90", "zoom": 12}, "bbox"),  # no screen shows the world at street zoom
        ({"bbox": "-1,50,1,52", "zoom": 3, "signage": "yes"}, "signage"),
        ({"bbox": "-1,50,1,52", "zoom": 3, "signage_class": "none"}, "signage_class"),
        ({"bbox": "-1,50,1,52", "zoom": 3, "colour": "red"}, "colour"),
    ],
)
def test_bad_views_are_refused_before_any_work(client, params, field):
    response = get(client, **params)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["code"] == 400 and field in response.json["errors"]


def test_answers_are_cacheable_and_gzipped(client, app):
    bulk(app, [(51.5 + i * 0.0001, -0.1) for i in range(30)])
    view = {"bbox": "-0.2,51.4,0.0,51.6", "zoom": 15}
    first = client.get(URL, query_string=view, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and "public" in first.headers["Cache-Control"]
    assert len(json.loads(gzip.decompress(first.get_data()))["features"]) == 30
    again = client.get(URL, query_string=view, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    camera(app, lat=51.5, lon=-0.1)
    changed = client.get(URL, query_string=view, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["total"] == 31


def test_the_page_offers_the_public_choices_and_areas(client, app, tmp_path):
    from tests.areas.osmdata import make_town

    camera(app, manufacturer="Dahua", operator="Transport for London")
    camera(app, manufacturer="Axis", operator="Transport for London", status="withdrawn")
    make_town(app, tmp_path)
    html = client.get("/map").get_data(as_text=True)
    assert "<option>Dahua</option>" in html and "<option>Transport for London</option>" in html
    assert "Axis" not in html  # a withdrawn camera is not public
    assert "None seen" in html and "Not surveyed for signs" in html  # both signage vocabularies
    assert 'id="layer-coverage"' in html and '"name": "Town"' in html
