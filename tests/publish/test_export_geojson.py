"""GET /api/v1/cameras.geojson: valid RFC 7946, read back by the geojson library and by GDAL."""

import gzip
import json
import re
import time
from datetime import UTC, datetime, timedelta

import geojson
import pytest

from survey import dataset_version
from survey.extensions import db
from survey.models import Camera
from survey.publish import downloads
from tests.gdal import feature_count, features, ogrinfo
from tests.support import DEFAULTS, camera, camera_from_upload, many_cameras

URL = "/api/v1/cameras.geojson"
STAMP = re.compile(r'"timeStamp": ?"[^"]*"')


def expected_properties(camera_id: int, **fields) -> dict:
    row = {**DEFAULTS, **fields}
    return {
        "manufacturer": row["manufacturer"],
        "model": row["model"],
        "camera_type": row["camera_type"],
        "mount": row["mount"],
        "surveillance_type": row["surveillance_type"],
        "zone": row["zone"],
        "operator": row["operator"],
        "direction": row["direction"] if row["direction"] is None else round(row["direction"]) % 360,
        "signage": row["signage"],
        "signage_class": "not_surveyed",
        "nearest_sign_m": None,
        "operator_sign_m": None,
        "status": row["status"],
        "first_seen": row["first_seen"].isoformat(),
        "last_confirmed": row["last_confirmed"].isoformat(),
        "sightings_count": row["sightings_count"],
        "volunteers_count": row["volunteers_count"],
        "photo_url": None,
        "thumbnail_url": None,
        "url": f"http://localhost/api/v1/cameras/{camera_id}",
    }


@pytest.fixture
def three(app):
    """Three active cameras (one with odd precision, one without a direction) and one removed."""
    return {
        "a": camera(app, lat=51.50331234567, lon=-0.11961234567, direction=359.6),
        "b": camera(
            app,
            lat=48.8584,
            lon=2.2945,
            manufacturer="Dahua",
            operator="Ville de Liège",
            direction=None,
            camera_type="fixed",
            zone="parking",
        ),
        "c": camera(app, lat=-33.8568, lon=151.2153, manufacturer="Axis", operator="Sydney Trains", mount="pole"),
        "gone": camera(app, lat=51.6, lon=-0.2, status="removed"),
    }


def test_geojson_is_valid_with_every_property(client, three):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert geojson.loads(text).is_valid, geojson.loads(text).errors()
    collection = json.loads(text)  # the geojson library rounds to 6 decimals: read the exact values too
    assert collection["type"] == "FeatureCollection"
    assert collection["license"] == "ODbL-1.0" and collection["attribution"] == "cctv-survey volunteers"
    assert collection["numberReturned"] == 3
    assert datetime.strptime(collection["timeStamp"], "%Y-%m-%dT%H:%M:%SZ")
    by_id = {f["id"]: f for f in collection["features"]}
    assert sorted(by_id) == sorted([three["a"], three["b"], three["c"]])  # the removed one is left out
    a = by_id[three["a"]]
    assert a["geometry"] == {"type": "Point", "coordinates": [-0.1196123, 51.5033123]}  # [lon, lat], 7 decimals
    assert a["properties"] == expected_properties(three["a"], direction=0.0)  # 359.6 rounds to 0
    b = by_id[three["b"]]
    assert b["geometry"]["coordinates"] == [2.2945, 48.8584]
    assert b["properties"] == expected_properties(
        three["b"], manufacturer="Dahua", operator="Ville de Liège", direction=None, camera_type="fixed", zone="parking"
    )


def test_gdal_reads_the_download(client, three, tmp_path):
    path = tmp_path / "cameras.geojson"
    path.write_bytes(client.get(URL).data)
    report = ogrinfo(str(path))
    assert feature_count(report) == 3
    found = features(report)
    assert sorted(found) == sorted([three["a"], three["b"], three["c"]])
    assert found[three["a"]]["_point"] == (-0.1196123, 51.5033123)
    assert found[three["c"]]["_point"] == (151.2153, -33.8568)
    for camera_id in (three["a"], three["b"]):
        wanted = expected_properties(
            camera_id,
            **(
                {"direction": 0.0}
                if camera_id == three["a"]
                else {
                    "manufacturer": "Dahua",
                    "operator": "Ville de Liège",
                    "direction": None,
                    "camera_type": "fixed",
                    "zone": "parking",
                }
            ),
        )
        as_gdal = {
            k: None if v is None else str(v).replace("-", "/") if k in ("first_seen", "last_confirmed") else str(v)
            for k, v in wanted.items()
        }
        assert {k: v for k, v in found[camera_id].items() if k != "_point"} == as_gdal


def test_photo_urls_point_at_the_public_copies(client, app):
    made = camera_from_upload(client, app)
    feature = client.get(URL).json["features"][0]
    props = feature["properties"]
    assert props["photo_url"] == f"http://localhost/media/display/{made['display_sha256']}.jpg"
    assert props["thumbnail_url"] == f"http://localhost/media/thumbs/{made['thumb_sha256']}.jpg"
    assert client.get(props["photo_url"]).status_code == 200


def test_public_url_setting_makes_the_links(client, app, three):
    app.config["PUBLIC_URL"] = "https://cameras.example.org"
    feature = client.get(URL).json["features"][0]
    assert feature["properties"]["url"].startswith("https://cameras.example.org/api/v1/cameras/")


@pytest.mark.parametrize(
    "query,names",
    [
        ("bbox=-1,51,1,52", {"a"}),
        ("bbox=-180,-90,180,90", {"a", "b", "c"}),
        ("bbox=2.29,48.85,2.30,48.86", {"b"}),
        ("manufacturer=dahua", {"b"}),
        ("operator=VILLE DE LIÈGE", {"b"}),
        ("operator=Sydney", set()),
        ("camera_type=fixed", {"b"}),
        ("status=removed", {"gone"}),
        ("status=all", {"a", "b", "c", "gone"}),
        ("status=all&bbox=-1,51,1,52", {"a", "gone"}),
        ("manufacturer=Hikvision&status=all", {"a", "gone"}),
    ],
)
def test_filters(client, three, query, names):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json
    assert {f["id"] for f in response.json["features"]} == {three[n] for n in names}
    assert response.json["numberReturned"] == len(names)


def test_updated_since_filter(client, app, three):
    with app.app_context():
        db.session.get(Camera, three["c"]).updated_at = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
        db.session.commit()
    assert [f["id"] for f in client.get(f"{URL}?updated_since=2030-01-01").json["features"]] == [three["c"]]
    assert [f["id"] for f in client.get(f"{URL}?updated_since=2030-01-02T03:04:00%2B00:00").json["features"]] == [
        three["c"]
    ]
    assert client.get(f"{URL}?updated_since=2030-01-03").json["features"] == []


@pytest.mark.parametrize(
    "bbox",
    [
        "1,2,3",
        "1,2,3,4,5",
        "a,b,c,d",
        "",
        "0,0,0,nan",
        "0,0,inf,1",
        "-181,0,0,1",
        "0,-91,1,0",
        "0,0,1,91",
        "0,10,1,5",
        "1;2;3;4",
        "181,0,-179,1",
    ],
)
def test_bad_bbox_is_400(client, three, bbox):
    response = client.get(f"{URL}?bbox={bbox}")
    assert response.status_code == 400
    assert response.json["code"] == 400 and "bbox" in response.json["errors"]


@pytest.mark.parametrize(
    "query,field",
    [
        ("camera_type=spaceship", "camera_type"),
        ("status=deleted", "status"),
        ("updated_since=yesterday", "updated_since"),
        ("manufacturer=", "manufacturer"),
    ],
)
def test_bad_filters_are_400(client, three, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json["errors"]


def test_etag_and_if_none_match(client, app, three):
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Last-Modified"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(URL, headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert client.get(f"{URL}?status=all", headers={"If-None-Match": etag}).status_code == 200  # other filter
    assert client.get(URL.replace("geojson", "csv"), headers={"If-None-Match": etag}).status_code == 200
    camera(app, lat=10, lon=10)
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["numberReturned"] == 4


def test_if_modified_since(client, app, three):
    last_modified = client.get(URL).headers["Last-Modified"]
    response = client.get(URL, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304 and response.data == b""
    time.sleep(1)  # HTTP dates have whole seconds
    with app.app_context():
        db.session.get(Camera, three["gone"]).updated_at = datetime.now(UTC) + timedelta(seconds=5)
        dataset_version.bump(db.session)
        db.session.commit()
    # A change anywhere counts, even to a camera this filter leaves out.
    assert client.get(URL, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_gzip_when_asked(client, three):
    plain = client.get(URL)
    packed = client.get(URL, headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.data))["features"] == plain.json["features"]
    assert "Content-Encoding" not in plain.headers


@pytest.mark.parametrize("path", [URL, "/api/v1/cameras.csv", "/api/v1/cameras.osm"])
@pytest.mark.parametrize("refusal", ["gzip;q=0, identity", "identity, GZIP;q=0.000", "*;q=1, gzip;q=0"])
def test_no_gzip_when_refused(client, three, path, refusal):
    plain = client.get(path)
    refused = client.get(path, headers={"Accept-Encoding": refusal})
    assert refused.status_code == 200 and "Content-Encoding" not in refused.headers
    assert refused.data[:2] != b"\x1f\x8b"  # no gzip magic: the plain body (its timeStamp aside)
    assert STAMP.sub("", refused.data.decode()) == STAMP.sub("", plain.data.decode())
    assert client.get(path, headers={"Accept-Encoding": "gzip;q=0.5"}).headers["Content-Encoding"] == "gzip"


def test_streams_in_batches(client, app, monkeypatch):
    monkeypatch.setattr(downloads, "BATCH_ROWS", 7)
    many_cameras(app, 30)
    response = client.get(URL)
    chunks = list(response.response)
    assert len(chunks) == 2 + 5  # head, five batches of at most 7 rows, tail
    collection = json.loads("".join(c if isinstance(c, str) else c.decode() for c in chunks))
    assert collection["numberReturned"] == 30 and len({f["id"] for f in collection["features"]}) == 30


def test_empty_collection(client, app):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json["features"] == [] and response.json["numberReturned"] == 0
    assert "Last-Modified" not in response.headers


def test_openapi_documents_the_downloads(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/cameras.geojson",
        "/api/v1/cameras.csv",
        "/api/v1/cameras.osm",
        "/api/v1/cameras/{camera_id}",
    ):
        assert path in paths
    names = {p["name"] for p in paths["/api/v1/cameras.geojson"]["get"]["parameters"]}
    assert {"bbox", "manufacturer", "operator", "camera_type", "status", "updated_since"} <= names
