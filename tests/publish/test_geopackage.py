"""cameras.gpkg read back by GDAL's ogrinfo: the camera id is the FID, fields are typed, unicode is exact."""

import subprocess
from datetime import date

from survey import dataset_version
from survey.extensions import db
from survey.models import Sign
from tests.conftest import require_tool
from tests.gdal import feature_count, features, ogrinfo
from tests.support import camera


def test_ogrinfo_reads_the_geopackage_with_ids_types_and_filters(client, app, tmp_path):
    kept = camera(app, lat=0.00002, lon=-0.00002, manufacturer="Ünïcödé “quotes” ✓", direction=271.4)
    other = camera(app, lat=52.2, lon=0.12, manufacturer="Axis")
    camera(app, status="removed")
    response = client.get("/api/v1/cameras.gpkg")
    assert response.status_code == 200 and response.mimetype == "application/geopackage+sqlite3"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    path = tmp_path / "cameras.gpkg"
    path.write_bytes(response.data)
    done = subprocess.run(
        [require_tool("ogrinfo", "gdal-bin"), "-ro", "-so", "-al", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Warning" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    summary = done.stdout
    assert "Geometry: Point" in summary and "FID Column = fid" in summary and feature_count(summary) == 2
    for field, kind in [("direction", "Integer"), ("first_seen", "Date"), ("manufacturer", "String")]:
        assert f"{field}: {kind} " in summary, field
    assert 'ID["EPSG",4326]' in summary
    found = features(ogrinfo(str(path)))
    assert sorted(found) == sorted([kept, other])  # the FIDs are the camera ids
    assert found[kept]["manufacturer"] == "Ünïcödé “quotes” ✓" and found[kept]["direction"] == "271"
    assert found[kept]["_point"] == (-0.00002, 0.00002)
    assert found[other]["first_seen"] == "2026/03/01"
    axis = client.get("/api/v1/cameras.gpkg?manufacturer=axis")
    (tmp_path / "axis.gpkg").write_bytes(axis.data)
    assert list(features(ogrinfo(str(tmp_path / "axis.gpkg")))) == [other]
    assert client.get("/api/v1/cameras.gpkg?bbox=1,2").status_code == 400


def test_an_empty_geopackage_is_still_valid(client, tmp_path):
    response = client.get("/api/v1/cameras.gpkg")
    assert response.status_code == 200
    (tmp_path / "empty.gpkg").write_bytes(response.data)
    report = ogrinfo("-so", str(tmp_path / "empty.gpkg"))
    assert "Layer name: cameras" in report and feature_count(report) == 0


def test_gdal_types_the_csv_with_the_options_the_readme_gives(client, app, tmp_path):
    camera_id = camera(app, lat=0.00002, lon=-0.00002, direction=90)
    (tmp_path / "cameras.csv").write_bytes(client.get("/api/v1/cameras.csv").data)
    options = ["X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat", "AUTODETECT_TYPE=YES", "KEEP_GEOM_COLUMNS=NO"]
    report = ogrinfo(*(part for option in options for part in ("-oo", option)), str(tmp_path / "cameras.csv"))
    for field, kind in [("id", "Integer"), ("direction", "Integer"), ("first_seen", "Date"), ("operator", "String")]:
        assert f"{field}: {kind} " in report, field
    found = features(report)
    assert found[1]["id"] == str(camera_id) and found[1]["_point"] == (-0.00002, 0.00002)


def test_signs_are_a_second_layer_with_their_ids_and_types(client, app, tmp_path):
    fixed_to = camera(app, lat=51.5, lon=-0.12, operator="Lambeth Council")
    with app.app_context():
        rows = [
            Sign(lat=51.5001, lon=-0.1201, operator="Lambeth Council", purpose="Crime prevention", has_contact=True,
                 camera_id=fixed_to, first_seen=date(2026, 3, 1), last_confirmed=date(2026, 4, 2), sightings_count=2),
            Sign(lat=52.2, lon=0.12, operator="Ünïcödé “quotes” ✓", has_contact=False, first_seen=date(2026, 5, 1)),
            Sign(lat=52.3, lon=0.13, operator="WITHDRAWN-secret", status="withdrawn"),
        ]  # fmt: skip
        db.session.add_all(rows)
        dataset_version.bump(db.session)
        db.session.commit()
        ids = [r.id for r in rows]
    path = tmp_path / "cameras.gpkg"
    path.write_bytes(client.get("/api/v1/cameras.gpkg").data)
    summary = ogrinfo("-so", str(path))
    assert "Layer name: cameras" in summary and "Layer name: signs" in summary
    cameras_part, signs_part = summary.split("Layer name: signs")
    assert feature_count(cameras_part) == 1 and feature_count(signs_part) == 2
    for field, kind in [
        ("has_contact", "Integer(Boolean)"),
        ("camera_id", "Integer"),
        ("sightings_count", "Integer"),
        ("first_seen", "Date"),
        ("operator", "String"),
    ]:
        assert f"{field}: {kind} " in signs_part, field
    assert "FID Column = fid" in signs_part and "Geometry: Point" in signs_part
    found = features(ogrinfo(str(path), "signs"))
    assert sorted(found) == ids[:2]  # the FIDs are the sign ids; the withdrawn sign is not there
    first = found[ids[0]]
    assert (first["has_contact"], first["camera_id"], first["first_seen"]) == ("1", str(fixed_to), "2026/03/01")
    assert first["_point"] == (-0.1201, 51.5001) and found[ids[1]]["operator"] == "Ünïcödé “quotes” ✓"
    boxed = tmp_path / "boxed.gpkg"
    boxed.write_bytes(client.get("/api/v1/cameras.gpkg?bbox=0,52,1,53").data)
    assert list(features(ogrinfo(str(boxed), "signs"))) == [ids[1]]  # the download's bbox picks the signs too
    assert "WITHDRAWN-secret" not in path.read_bytes().decode("utf-8", "replace")
