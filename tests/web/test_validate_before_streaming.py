"""A download is a 4xx JSON error or complete: every filter is checked before the first byte."""

import pytest

from tests.support import camera_from_upload

DOWNLOADS = ["/api/v1/cameras.geojson", "/api/v1/cameras.csv", "/api/v1/cameras.osm", "/ogcapi/collections"]


@pytest.fixture
def one_camera(client, app):
    return camera_from_upload(client, app, camera_fields={"operator": "Council", "lat": 51.5033, "lon": -0.1196})


def _items_path(client) -> str:
    collection = client.get("/ogcapi/collections?f=json").json["collections"][0]["id"]
    return f"/ogcapi/collections/{collection}/items"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_updated_since_outside_the_calendar_in_utc_is_400(client, one_camera, since):
    for path in [*DOWNLOADS[:3], _items_path(client)]:
        response = client.get(path, query_string={"updated_since": since, "f": "json"})
        assert response.status_code == 400, (path, response.status_code, response.data[:200])
        assert response.is_json and "updated_since" in response.json["errors"], path


def test_a_nul_in_a_filter_is_400_before_any_byte(client, one_camera):
    for path in [*DOWNLOADS[:3], _items_path(client)]:
        response = client.get(path + "?operator=%00&f=json")
        assert response.status_code == 400, (path, response.status_code)
        assert response.json["errors"] == {"operator": ["NUL characters are not allowed."]}, path


def test_a_good_filter_still_streams_the_whole_download(client, one_camera):
    body = client.get("/api/v1/cameras.geojson", query_string={"updated_since": "2000-01-01T00:00:00+14:00"}).json
    assert [f["properties"]["operator"] for f in body["features"]] == ["Council"]
