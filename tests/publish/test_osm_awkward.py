"""The OSM export with awkward values: the wiki's surveillance values, no control characters, plain decimals,
and osmium (a real OSM reader) finds nothing to complain about."""

import subprocess
import xml.etree.ElementTree as ET

import pytest

from survey import vocab
from survey.publish.osm import osm_tags, plain_decimal, tag_value
from tests.conftest import require_tool
from tests.support import camera


@pytest.mark.parametrize(
    ("zone", "surveillance"),
    [
        ("town", "public"),
        ("traffic", "public"),
        ("parking", "outdoor"),
        ("entrance", "outdoor"),
        ("shop", "indoor"),
        ("bank", "indoor"),
        ("building", "indoor"),
        (None, None),
        ("moon", None),
    ],
)
def test_surveillance_follows_the_zone_and_is_left_out_when_unknown(zone, surveillance):
    assert dict(osm_tags({"zone": zone})).get("surveillance") == surveillance


def test_every_zone_has_a_surveillance_value():
    assert set(vocab.SURVEILLANCE_BY_ZONE) == set(vocab.ZONES)
    assert set(vocab.SURVEILLANCE_BY_ZONE.values()) == {"public", "outdoor", "indoor"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ops\tLtd", "Ops Ltd"),
        ("line one\r\nline two", "line one line two"),
        ("a\x00b\x1b[31mc\x7f\x85d", "ab[31mc d"),  # NEL (\x85) is a line break: a space
        ("  spaced   out  ", "spaced out"),
        ("\u2028", ""),
        ("x" * 300, "x" * 255),
        (271, "271"),
    ],
)
def test_tag_values_carry_no_control_characters(raw, clean):
    assert tag_value(raw) == clean


@pytest.mark.parametrize(
    ("degrees", "text"),
    [(2e-05, "0.00002"), (-2e-05, "-0.00002"), (1e-9, "0"), (-1e-9, "0"), (0.0, "0"), (51.5, "51.5"), (-180.0, "-180")],
)
def test_coordinates_are_plain_decimals(degrees, text):
    assert plain_decimal(degrees) == text


def test_osmium_reads_an_awkward_export_without_complaint(client, app, tmp_path):
    osmium = require_tool("osmium", "osmium-tool")
    ids = [
        camera(app, lat=0.00002, lon=-0.00002, zone="bank", operator='Tab\there & <there>\n"quoted"'),
        camera(app, lat=-89.9999999, lon=179.9999999, zone=None, manufacturer="Ünïcödé \x1b\x07 ✓"),
        camera(app, lat=51.5, lon=-0.1, zone="parking", operator="Council;=cmd|' /C calc'!A0"),
    ]
    response = client.get("/api/v1/cameras.osm")
    assert response.status_code == 200
    assert b"e-0" not in response.data and b"\t" not in response.data and b"&#9;" not in response.data
    path = tmp_path / "awkward.osm"
    path.write_bytes(response.data)
    done = subprocess.run([osmium, "fileinfo", "-e", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "Number of nodes: 3" in done.stdout
    nodes = {-int(n.get("id")): n for n in ET.fromstring(response.data).findall("node")}
    assert sorted(nodes) == sorted(ids)
    first = nodes[ids[0]]
    assert (first.get("lat"), first.get("lon")) == ("0.00002", "-0.00002")
    tags = {t.get("k"): t.get("v") for t in first.findall("tag")}
    assert tags["operator"] == 'Tab here & <there> "quoted"' and tags["surveillance"] == "indoor"
    second = {t.get("k"): t.get("v") for t in nodes[ids[1]].findall("tag")}
    assert second["manufacturer"] == "Ünïcödé ✓" and "surveillance" not in second
