"""signs.geojson and signs.csv (read back by ogrinfo), their filters and privacy; the measured signage in
every camera export; and no signs, nor any signage, in the OSM export."""

import csv
import io
import re

import pytest

from tests.gdal import feature_count, features, ogrinfo
from tests.signs.flow import approve_camera, approve_sign, log_sign, offset, report

LAMBETH = (51.5000, -0.1200)
SECRETS = ("NOTE-secret-sign", "DEVICE-secret-sign")


@pytest.fixture
def signs(client, app, mod):
    camera_id = approve_camera(client, mod, report(client, *LAMBETH, 1, operator="Lambeth Council")["id"])
    near = offset(*LAMBETH, 30, 90)
    first = log_sign(
        client, *near, 2, operator="Lambeth Council", sign_purpose="Crime prevention", sign_has_contact="true",
        sign_camera_id=camera_id, notes=SECRETS[0], device_id=SECRETS[1],
    )  # fmt: skip
    second = log_sign(client, 51.6, -0.2, 3, operator="=HYPERLINK(1)", sign_purpose="a;=cmd()")
    pending = log_sign(client, 51.7, -0.3, 4, operator="Pending Ltd")
    ids = [approve_sign(client, mod, s["id"])["sign"]["id"] for s in (first, second)]
    return {"camera_id": camera_id, "ids": ids, "near": near, "pending": pending, "receipt": first["receipt"]}


def test_signs_geojson_has_public_fields_only(client, signs):
    response = client.get("/api/v1/signs.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.json
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == 2 and "license" in body
    first = body["features"][0]
    assert first["id"] == signs["ids"][0] and first["geometry"]["type"] == "Point"
    assert first["geometry"]["coordinates"] == [round(signs["near"][1], 7), round(signs["near"][0], 7)]
    assert first["properties"] == {
        "operator": "Lambeth Council",
        "purpose": "Crime prevention",
        "has_contact": True,
        "camera_id": signs["camera_id"],
        "status": "active",
        "first_seen": first["properties"]["first_seen"],
        "last_confirmed": first["properties"]["last_confirmed"],
        "sightings_count": 1,
        "photo_url": first["properties"]["photo_url"],
        "thumbnail_url": first["properties"]["thumbnail_url"],
        "url": f"http://localhost/api/v1/signs/{signs['ids'][0]}",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["properties"]["first_seen"])
    photo = client.get(first["properties"]["photo_url"].removeprefix("http://localhost"))
    assert photo.status_code == 200 and b"Exif" not in photo.data
    assert client.get(f"/api/v1/signs/{signs['ids'][0]}").json == first
    text = response.get_data(as_text=True)
    assert not [v for v in (*SECRETS, signs["receipt"], "Pending Ltd") if v in text]
    assert not re.search(r"client_id|receipt|notes|volunteer_key|device|submitted", text)


def test_signs_take_the_download_filters(client, signs):
    def ids(**query):
        response = client.get("/api/v1/signs.geojson", query_string=query)
        assert response.status_code == 200, response.json
        return [f["id"] for f in response.json["features"]]

    first, second = signs["ids"]
    assert ids(operator="LAMBETH COUNCIL") == [first]
    assert ids(bbox="-0.25,51.55,-0.15,51.65") == [second]
    assert ids(updated_since="2000-01-01") == [first, second] and ids(updated_since="2999-01-01") == []
    assert ids(status="removed") == [] and ids(status="all") == [first, second]
    for bad in ({"bbox": "1,2,3"}, {"status": "withdrawn"}, {"updated_since": "yesterday"}, {"bbox": "0,91,1,92"}):
        response = client.get("/api/v1/signs.csv", query_string=bad)
        assert response.status_code == 400 and response.json["code"] == 400, bad
    etag = client.get("/api/v1/signs.geojson").headers["ETag"]
    assert client.get("/api/v1/signs.geojson", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/signs.geojson").headers["Access-Control-Allow-Origin"] == "*"


def test_signs_csv_is_safe_in_a_spreadsheet_and_read_by_gdal(client, signs, tmp_path):
    response = client.get("/api/v1/signs.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:3] == ["lat", "lon", "id"] and len(rows) == 2
    assert rows[0]["has_contact"] == "true" and rows[0]["camera_id"] == str(signs["camera_id"])
    assert rows[1]["operator"] == "'=HYPERLINK(1)" and rows[1]["purpose"] == "a;'=cmd()"
    assert '"a;\'=cmd()"' in text  # the row with a formula after a separator is quoted whole
    path = tmp_path / "signs.csv"
    path.write_bytes(response.data)
    options = ("X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat", "AUTODETECT_TYPE=YES", "KEEP_GEOM_COLUMNS=NO")
    read = ogrinfo(*(part for option in options for part in ("-oo", option)), str(path))
    assert feature_count(read) == 2
    found = features(read)
    assert found[1]["operator"] == "Lambeth Council" and found[1]["_point"][1] == pytest.approx(signs["near"][0])
    geojson = tmp_path / "signs.geojson"
    geojson.write_bytes(client.get("/api/v1/signs.geojson").data)
    assert feature_count(ogrinfo(str(geojson))) == 2


def test_every_camera_export_carries_the_measured_signage(client, signs, tmp_path):
    camera_id = signs["camera_id"]
    want = {"signage_class": "on_structure", "nearest_sign_m": 30.0, "operator_sign_m": 30.0}
    props = client.get(f"/api/v1/cameras/{camera_id}").json["properties"]
    assert {k: props[k] for k in want} == want and "signage" in props
    feature = client.get("/api/v1/cameras.geojson").json["features"][0]["properties"]
    assert {k: feature[k] for k in want} == want
    item = client.get(f"/ogcapi/collections/cameras/items/{camera_id}?f=json").json["properties"]
    assert {k: item[k] for k in want} == want
    row = next(csv.DictReader(io.StringIO(client.get("/api/v1/cameras.csv").get_data(as_text=True))))
    assert (row["signage_class"], row["nearest_sign_m"], row["operator_sign_m"]) == ("on_structure", "30.0", "30.0")
    path = tmp_path / "cameras.gpkg"
    path.write_bytes(client.get("/api/v1/cameras.gpkg").data)
    report_text = ogrinfo(str(path))
    assert "nearest_sign_m (Real) = 30" in report_text and "signage_class (String) = on_structure" in report_text
    osm = client.get("/api/v1/cameras.osm").get_data(as_text=True)
    assert "<node" in osm and "sign" not in osm.lower()  # no OSM key for signage, and no sign nodes


def test_sign_feature_and_csv_rows_are_there_to_reuse(app, signs):
    from survey.publish.signs import SIGN_CSV_COLUMNS, SignFilter, sign_csv_row, sign_feature, sign_rows

    with app.test_request_context():
        rows = sign_rows(SignFilter(operator="lambeth council"))
        assert [sign_feature(r)["id"] for r in rows] == [signs["ids"][0]]
        cells = sign_csv_row(rows[0])
        assert len(cells) == len(SIGN_CSV_COLUMNS) and cells[2] == signs["ids"][0] and cells[5] == "true"
