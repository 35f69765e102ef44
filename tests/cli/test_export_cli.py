"""`flask export geojson|csv|osm PATH`: the same data as the downloads, written to a file."""

import csv
import json
import os
import stat
import xml.etree.ElementTree as ET

from tests.support import camera, many_cameras


def test_export_geojson_to_a_file(runner, app, tmp_path):
    many_cameras(app, 25)
    camera(app, status="removed")
    path = tmp_path / "cameras.geojson"
    result = runner.invoke(args=["export", "geojson", str(path)])
    assert result.exit_code == 0, result.output
    assert "Exporting geojson" in result.output and f"Wrote {path}" in result.output
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["numberReturned"] == 25 and len(collection["features"]) == 25
    assert collection["features"][0]["properties"]["url"].startswith("http://localhost:5000/api/v1/cameras/")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_export_csv_and_osm_with_filters(runner, app, tmp_path):
    kept = camera(app, manufacturer="Axis", lat=10, lon=10)
    camera(app, manufacturer="Dahua", lat=10, lon=10)
    camera(app, manufacturer="Axis", lat=-10, lon=-10)
    app.config["PUBLIC_URL"] = "https://cameras.example.org/"
    csv_path, osm_path = tmp_path / "c.csv", tmp_path / "c.osm"
    filters = ["--manufacturer", "axis", "--bbox", "0,0,20,20"]
    assert runner.invoke(args=["export", "csv", str(csv_path), *filters]).exit_code == 0
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", newline="")))
    assert [int(r["id"]) for r in rows] == [kept]
    assert rows[0]["url"] == f"https://cameras.example.org/api/v1/cameras/{kept}"
    assert runner.invoke(args=["export", "osm", str(osm_path), *filters]).exit_code == 0
    assert [n.get("id") for n in ET.parse(osm_path).getroot().findall("node")] == [f"-{kept}"]


def test_export_to_standard_output(runner, app):
    camera(app)
    result = runner.invoke(args=["export", "csv", "-"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("lat,lon,id,")
    assert len(result.stdout.splitlines()) == 2


def test_bad_filter_is_a_usage_error_and_writes_nothing(runner, app, tmp_path):
    path = tmp_path / "x.geojson"
    result = runner.invoke(args=["export", "geojson", str(path), "--bbox", "1,2,3"])
    assert result.exit_code == 2 and "bbox" in result.output
    assert not path.exists()


def _export_with_umask(runner, path, mask: int):
    old = os.umask(mask)
    try:
        return runner.invoke(args=["export", "csv", str(path)])
    finally:
        os.umask(old)


def test_exported_files_are_readable_by_others_under_the_usual_umask(runner, app, tmp_path):
    camera(app)
    result = _export_with_umask(runner, tmp_path / "cameras.csv", 0o022)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "cameras.csv").stat().st_mode) == 0o644
    result = _export_with_umask(runner, tmp_path / "private.csv", 0o077)  # and the umask is respected
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600


def test_export_warns_without_public_url_and_links_come_from_it(runner, app, tmp_path):
    camera(app)
    unset = runner.invoke(args=["export", "geojson", "-"])
    assert unset.exit_code == 0 and "PUBLIC_URL is not set" in unset.stderr
    assert "PUBLIC_URL" not in unset.stdout and json.loads(unset.stdout)["features"]
    app.config["PUBLIC_URL"] = "https://cameras.example.org"
    result = runner.invoke(args=["export", "geojson", str(tmp_path / "c.geojson")])
    assert result.exit_code == 0 and "PUBLIC_URL" not in result.output
    (feature,) = json.loads((tmp_path / "c.geojson").read_text())["features"]
    assert feature["properties"]["url"].startswith("https://cameras.example.org/api/v1/cameras/")


def test_ogc_links_come_from_public_url_not_the_host_header(client, app):
    app.config["PUBLIC_URL"] = "https://cameras.example.org/"
    camera(app)
    body = client.get("/ogcapi/collections/cameras/items", headers={"Host": "evil.example"}).json
    hrefs = [link["href"] for link in body["links"]] + [body["features"][0]["properties"]["url"]]
    assert all(href.startswith("https://cameras.example.org/") for href in hrefs), hrefs
    landing = client.get("/ogcapi", headers={"Host": "evil.example"}).json
    assert all(link["href"].startswith("https://cameras.example.org/ogcapi") for link in landing["links"])
