"""GET /api/v1/cameras.csv and .osm: parsed back with csv and xml.etree, the same filters as GeoJSON."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from survey.publish.downloads import spreadsheet_safe
from survey.publish.osm import osm_tags
from tests.support import camera

CSV_HEADER = [
    "lat",
    "lon",
    "id",
    "manufacturer",
    "model",
    "camera_type",
    "mount",
    "surveillance_type",
    "zone",
    "operator",
    "direction",
    "signage",
    "signage_class",
    "nearest_sign_m",
    "operator_sign_m",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_url",
    "thumbnail_url",
    "url",
]


@pytest.fixture
def cams(app):
    return {
        "town": camera(app, lat=51.50331234567, lon=-0.1196, direction=271.4),
        "shop": camera(
            app,
            lat=48.8584,
            lon=2.2945,
            zone="shop",
            operator='=HYPERLINK("http://evil")',
            manufacturer="Bosch",
            direction=None,
            signage="none",
        ),
        "odd": camera(
            app,
            lat=50.1,
            lon=4.1,
            zone=None,
            operator="Ville de Liège & fils <SA>\n2e ligne",
            manufacturer="+Axis",
            model="@model",
            mount=None,
            camera_type=None,
            surveillance_type="ALPR",
        ),
        "gone": camera(app, lat=51.6, lon=-0.2, status="removed"),
    }


def read_csv(client, query="") -> list[dict]:
    response = client.get(f"/api/v1/cameras.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cameras.csv"'
    reader = csv.reader(io.StringIO(response.data.decode("utf-8"), newline=""))
    header = next(reader)
    assert header == CSV_HEADER  # lat, lon first
    return [dict(zip(header, row)) for row in reader]


def test_csv_columns_and_values(client, cams):
    rows = {int(r["id"]): r for r in read_csv(client)}
    assert sorted(rows) == sorted([cams["town"], cams["shop"], cams["odd"]])
    town = rows[cams["town"]]
    assert (town["lat"], town["lon"]) == ("51.5033123", "-0.1196")
    assert town["direction"] == "271" and town["manufacturer"] == "Hikvision" and town["signage"] == "within_50m"
    assert town["first_seen"] == "2026-03-01" and town["last_confirmed"] == "2026-05-02"
    assert town["sightings_count"] == "2" and town["volunteers_count"] == "1" and town["photo_url"] == ""
    assert town["url"] == f"http://localhost/api/v1/cameras/{cams['town']}"
    assert rows[cams["shop"]]["direction"] == ""


def test_csv_neutralises_formulas(client, cams):
    rows = {int(r["id"]): r for r in read_csv(client)}
    assert rows[cams["shop"]]["operator"] == '\'=HYPERLINK("http://evil")'
    odd = rows[cams["odd"]]
    assert odd["manufacturer"] == "'+Axis" and odd["model"] == "'@model"
    assert odd["operator"] == "Ville de Liège & fils <SA>\n2e ligne"  # UTF-8 and newlines survive quoting
    assert odd["lon"] == "4.1"  # numbers are not text: untouched


@pytest.mark.parametrize(
    "value,safe",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Council", "Council"),
        ("", ""),
        (None, None),
        (-0.5, -0.5),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_csv_applies_the_filters(client, cams):
    assert [int(r["id"]) for r in read_csv(client, "?manufacturer=bosch")] == [cams["shop"]]
    assert [int(r["id"]) for r in read_csv(client, "?status=removed")] == [cams["gone"]]
    assert [int(r["id"]) for r in read_csv(client, "?bbox=4,50,5,51")] == [cams["odd"]]
    assert client.get("/api/v1/cameras.csv?bbox=4,51,5,50").status_code == 400  # minLat above maxLat


def read_osm(client, query="") -> ET.Element:
    response = client.get(f"/api/v1/cameras.osm{query}")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "osm"
    assert root.attrib == {"version": "0.6", "generator": "cctv-survey", "upload": "never"}
    return root


def node_tags(root: ET.Element) -> dict[int, dict]:
    return {int(n.get("id")): {t.get("k"): t.get("v") for t in n.findall("tag")} for n in root.findall("node")}


def test_osm_nodes_and_tags(client, cams):
    root = read_osm(client)
    nodes = {int(n.get("id")): n for n in root.findall("node")}
    assert sorted(nodes) == sorted(-cams[k] for k in ("town", "shop", "odd"))  # negative: new to OSM
    town = nodes[-cams["town"]]
    assert (town.get("lat"), town.get("lon")) == ("51.5033123", "-0.1196")
    assert node_tags(root)[-cams["town"]] == {
        "man_made": "surveillance",
        "surveillance": "public",
        "surveillance:type": "camera",
        "camera:type": "dome",
        "camera:mount": "wall",
        "camera:direction": "271",
        "surveillance:zone": "town",
        "operator": "Lambeth Council",
        "manufacturer": "Hikvision",
        "check_date": "2026-05-02",
    }


def test_osm_escapes_and_leaves_out_what_osm_has_no_key_for(client, cams):
    tags = node_tags(read_osm(client))
    shop, odd = tags[-cams["shop"]], tags[-cams["odd"]]
    assert shop["surveillance"] == "indoor" and "camera:direction" not in shop
    assert shop["operator"] == '=HYPERLINK("http://evil")'  # OSM is not a spreadsheet: kept as typed
    assert odd["operator"] == "Ville de Liège & fils <SA> 2e ligne"
    assert odd["surveillance:type"] == "ALPR" and "surveillance" not in odd  # no zone, no claim
    assert not {"camera:type", "camera:mount", "surveillance:zone"} & set(odd)
    for node in tags.values():
        assert not any("sign" in key for key in node)  # signage has no OSM key
        assert "model" not in node


def test_osm_applies_the_filters(client, cams):
    assert list(node_tags(read_osm(client, "?operator=lambeth council"))) == [-cams["town"]]
    assert node_tags(read_osm(client, "?camera_type=panning")) == {}


def test_osm_tags_drop_xml_control_characters():
    tags = dict(osm_tags({"zone": "traffic", "operator": "Ops\x00\x1b Ltd", "direction": 0, "manufacturer": "  "}))
    assert tags == {
        "man_made": "surveillance",
        "surveillance": "public",
        "surveillance:zone": "traffic",
        "operator": "Ops Ltd",
        "camera:direction": "0",
    }
