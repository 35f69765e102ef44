"""The README's promise: every format takes the same filters and they pick the same cameras in each.

Downloads (GeoJSON, CSV, OSM), the OGC API items and `flask export` read one set of cameras built so
that each filter leaves out a different one; every filter, and all of them at once, must select
exactly the expected ids in every format.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from tests.support import camera

RECENT, OLD = datetime(2026, 5, 2, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
LONDON_BOX = "-0.2,51.4,0.1,51.6"
# Each camera differs from "base" (Hikvision, Lambeth Council, dome, active, in London, updated recently) in one way.
DIFFERENCES = {
    "base": {},
    "axis": {"manufacturer": "Axis"},
    "westminster": {"operator": "Westminster City Council"},
    "fixed": {"camera_type": "fixed"},
    "paris": {"lat": 48.8584, "lon": 2.2945},
    "stale": {"updated_at": OLD},
    "removed": {"status": "removed"},
    "withdrawn": {"status": "withdrawn"},  # in no public view at all
}
ACTIVE = {"base", "axis", "westminster", "fixed", "paris", "stale"}
FILTERS = [
    ({}, ACTIVE),
    ({"bbox": LONDON_BOX}, ACTIVE - {"paris"}),
    ({"manufacturer": "hikvision"}, ACTIVE - {"axis"}),  # text filters ignore case
    ({"operator": "LAMBETH COUNCIL"}, ACTIVE - {"westminster"}),
    ({"camera_type": "dome"}, ACTIVE - {"fixed"}),
    ({"status": "removed"}, {"removed"}),
    ({"status": "all"}, ACTIVE | {"removed"}),
    ({"updated_since": "2026-01-01"}, ACTIVE - {"stale"}),
    (
        {
            "bbox": LONDON_BOX,
            "manufacturer": "Hikvision",
            "operator": "lambeth council",
            "camera_type": "dome",
            "status": "all",
            "updated_since": "2026-01-01T00:00:00Z",
        },
        {"base", "removed"},
    ),
]


def _get(client, path: str, query: dict) -> bytes:
    response = client.get(path, query_string=query)
    assert response.status_code == 200, (path, query, response.get_data(as_text=True)[:300])
    assert response.data
    return response.data


def _export(runner, fmt: str, query: dict) -> bytes:
    options = [part for name, value in query.items() for part in (f"--{name.replace('_', '-')}", value)]
    result = runner.invoke(args=["export", fmt, "-", *options])
    assert result.exit_code == 0, (fmt, query, result.output)
    return result.stdout.encode()


def _geojson_ids(data: bytes) -> list[int]:
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    return [feature["id"] for feature in collection["features"]]


def _csv_ids(data: bytes) -> list[int]:
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]


def _osm_ids(data: bytes) -> list[int]:
    return [-int(node.get("id")) for node in ET.fromstring(data).findall("node")]  # new nodes: negative ids


def _ogc_ids(data: bytes) -> list[int]:
    page = json.loads(data)
    assert page["numberMatched"] == page["numberReturned"] == len(page["features"])
    return [feature["id"] for feature in page["features"]]


ITEMS = "/ogcapi/collections/cameras/items"
FORMATS = {
    "cameras.geojson": lambda c, r, q: _geojson_ids(_get(c, "/api/v1/cameras.geojson", q)),
    "cameras.csv": lambda c, r, q: _csv_ids(_get(c, "/api/v1/cameras.csv", q)),
    "cameras.osm": lambda c, r, q: _osm_ids(_get(c, "/api/v1/cameras.osm", q)),
    "ogcapi items": lambda c, r, q: _ogc_ids(_get(c, ITEMS, {**q, "f": "json", "limit": 1000})),
    "export geojson": lambda c, r, q: _geojson_ids(_export(r, "geojson", q)),
    "export csv": lambda c, r, q: _csv_ids(_export(r, "csv", q)),
    "export osm": lambda c, r, q: _osm_ids(_export(r, "osm", q)),
}


@pytest.fixture
def cameras(app) -> dict[str, int]:
    """One camera per difference, each updated recently unless it is the stale one."""
    return {name: camera(app, **{"updated_at": RECENT, **fields}) for name, fields in DIFFERENCES.items()}


def _cases():
    for fmt in FORMATS:
        for query, expected in FILTERS:
            label = "+".join(query) or "no filter"
            yield pytest.param(fmt, query, expected, id=f"{fmt}-{label}")


@pytest.mark.parametrize(("fmt", "query", "expected"), list(_cases()))
def test_every_filter_selects_the_same_cameras_in_every_format(client, runner, cameras, fmt, query, expected):
    names = {ident: name for name, ident in cameras.items()}
    ids = FORMATS[fmt](client, runner, query)
    assert len(ids) == len(set(ids)), ids
    assert {names[ident] for ident in ids} == expected


def test_each_filter_leaves_out_a_camera_the_others_keep():
    unfiltered = FILTERS[0][1]
    for query, expected in FILTERS[1:]:
        assert expected and expected != unfiltered, query  # a filter that picks nothing, or everything, tests nothing
    assert {name for query, _ in FILTERS for name in query} >= {"bbox", "manufacturer", "operator", "camera_type"}
