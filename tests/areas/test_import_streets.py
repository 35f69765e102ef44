"""`flask areas import-streets`: walkable ways inside the boundary, merged by name, measured, idempotent."""

import itertools
import json
import subprocess

import pytest

from survey.extensions import db
from survey.geo import distance_m
from survey.models import Street
from tests.areas.osmdata import KEPT, way_points, write_boundary, write_osm
from tests.conftest import require_tool


@pytest.fixture
def town(runner, tmp_path):
    result = runner.invoke(args=["areas", "create", "Town", "--boundary", str(write_boundary(tmp_path / "b.geojson"))])
    assert result.exit_code == 0, result.output
    return "Town"


def _streets(app) -> dict:
    with app.app_context():
        return {s.name: s for s in db.session.query(Street).all()}


def _length(way_ids) -> float:
    total = 0.0
    for way_id in way_ids:
        points = way_points(way_id)
        total += sum(distance_m(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(points))
    return total


def _check_town(app):
    streets = _streets(app)
    assert set(streets) == set(KEPT)  # not Outside Road (outside), not the M11 (motorway), not the building
    for name, way_ids in KEPT.items():
        geometry = json.loads(streets[name].geometry)
        assert geometry["type"] == "MultiLineString"
        assert [[tuple(p) for p in line] for line in geometry["coordinates"]] == [way_points(w) for w in way_ids]
        assert streets[name].length_m == pytest.approx(_length(way_ids), abs=0.01)
    sidney = streets["Sidney Street"]
    assert (sidney.min_lon, sidney.min_lat, sidney.max_lon, sidney.max_lat) == (0.119, 52.205, 0.1215, 52.207)
    assert streets["Edge Lane"].max_lon == 0.132  # kept whole, not clipped at the boundary
    assert streets[None].highway == "path" and streets["Market Passage"].highway == "footway"


def test_osm_import_keeps_walkable_ways_inside_and_merges_one_street(runner, app, town, tmp_path):
    result = runner.invoke(args=["areas", "import-streets", town, str(write_osm(tmp_path / "town.osm"))])
    assert result.exit_code == 0, result.output
    assert "5 of 6 ways inside Town: 4 streets added, 0 updated, 0 unchanged" in result.output
    _check_town(app)


def test_importing_the_same_file_again_changes_nothing(runner, app, town, tmp_path):
    path = str(write_osm(tmp_path / "town.osm"))
    runner.invoke(args=["areas", "import-streets", town, path])
    before = {name: (s.id, s.geometry, s.length_m) for name, s in _streets(app).items()}
    again = runner.invoke(args=["areas", "import-streets", town, path])
    assert again.exit_code == 0 and "0 streets added, 0 updated, 4 unchanged" in again.output
    assert {name: (s.id, s.geometry, s.length_m) for name, s in _streets(app).items()} == before


def test_a_changed_way_updates_its_street_in_place(runner, app, town, tmp_path):
    from tests.areas import osmdata

    runner.invoke(args=["areas", "import-streets", town, str(write_osm(tmp_path / "a.osm"))])
    old = _streets(app)["Market Passage"]
    moved = dict(osmdata.NODES) | {6: (0.1160, 52.2045)}
    result = runner.invoke(args=["areas", "import-streets", town, str(write_osm(tmp_path / "b.osm", nodes=moved))])
    assert "0 streets added, 1 updated, 3 unchanged" in result.output
    new = _streets(app)["Market Passage"]
    assert new.id == old.id and new.length_m > old.length_m


def test_pbf_gives_the_same_streets(runner, app, town, tmp_path):
    osmium_tool = require_tool("osmium", "osmium-tool")
    pbf = tmp_path / "town.osm.pbf"
    subprocess.run([osmium_tool, "cat", str(write_osm(tmp_path / "town.osm")), "-o", str(pbf)], check=True)
    result = runner.invoke(args=["areas", "import-streets", town, str(pbf)])
    assert result.exit_code == 0 and "4 streets added" in result.output, result.output
    _check_town(app)


def test_geojson_lines_import_and_skip_motorways(runner, app, town, tmp_path):
    def line(name, highway, way_id):
        props = {"name": name, "highway": highway, "osm_id": way_id}
        return {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "LineString", "coordinates": way_points(way_id)},
        }

    features = [line("Sidney Street", "residential", 100), line("Sidney Street", "residential", 101)]
    features += [line("M11", "motorway", 104), line("Outside Road", "primary", 103)]
    path = tmp_path / "lines.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = runner.invoke(args=["areas", "import-streets", town, str(path)])
    assert result.exit_code == 0 and "2 of 3 ways inside Town: 1 streets added" in result.output, result.output
    assert _streets(app)["Sidney Street"].length_m == pytest.approx(_length([100, 101]), abs=0.01)


def test_unreadable_files_and_unknown_areas_get_clear_errors(runner, app, town, tmp_path):
    (tmp_path / "bad.osm").write_text("<osm><way id='1'></osm>")
    bad = runner.invoke(args=["areas", "import-streets", town, str(tmp_path / "bad.osm")])
    assert bad.exit_code == 1 and "Cannot read bad.osm as OSM data" in bad.output
    (tmp_path / "points.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0.12, 52.2]}}
                ],
            }
        )
    )
    points = runner.invoke(args=["areas", "import-streets", town, str(tmp_path / "points.geojson")])
    assert points.exit_code == 1 and "not a LineString" in points.output
    nowhere = runner.invoke(args=["areas", "import-streets", "Nowhere", str(write_osm(tmp_path / "t.osm"))])
    assert nowhere.exit_code == 1 and "No survey area named 'Nowhere'" in nowhere.output
    assert _streets(app) == {}


def test_nodes_missing_from_the_extract_are_skipped_not_fatal(runner, app, town, tmp_path):
    from tests.areas import osmdata

    cut = [
        (200, {"highway": "service", "name": "Cut Lane"}, [1, 999]),
        (201, {"highway": "service", "name": "Half Lane"}, [2, 3, 998]),
    ]
    result = runner.invoke(
        args=["areas", "import-streets", town, str(write_osm(tmp_path / "cut.osm", ways=osmdata.WAYS + cut))]
    )
    assert result.exit_code == 0, result.output
    streets = _streets(app)
    assert "Cut Lane" not in streets  # one known point is no line
    assert json.loads(streets["Half Lane"].geometry)["coordinates"] == [
        [list(way_points(101)[0]), list(way_points(101)[1])]
    ]
