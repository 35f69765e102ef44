"""`flask areas create`: an area from a GeoJSON boundary, checked; bad geometry gets a clear error."""

import json
from datetime import date

from survey.extensions import db
from survey.models import SurveyArea
from tests.areas.osmdata import BOUNDARY, write_boundary


def _area(app, name):
    with app.app_context():
        return db.session.query(SurveyArea).filter_by(name=name).one_or_none()


def test_create_stores_the_boundary_its_box_dates_and_centre(runner, app, tmp_path):
    path = write_boundary(tmp_path / "town.geojson")
    args = ["areas", "create", "Town", "--boundary", str(path), "--start", "2026-04-01", "--end", "2026-09-30"]
    result = runner.invoke(args=args + ["--centre", "52.205,0.12"])
    assert result.exit_code == 0, result.output
    assert "created area Town" in result.output
    area = _area(app, "Town")
    assert json.loads(area.boundary) == BOUNDARY
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (0.110, 52.200, 0.130, 52.210)
    assert (area.start_date, area.end_date) == (date(2026, 4, 1), date(2026, 9, 30))
    assert (area.centre_lat, area.centre_lon) == (52.205, 0.12)


def test_a_multipolygon_with_a_hole_is_accepted(runner, app, tmp_path):
    hole = [[0.115, 52.202], [0.118, 52.202], [0.118, 52.204], [0.115, 52.202]]
    multi = {"type": "MultiPolygon", "coordinates": [[BOUNDARY["coordinates"][0], hole]]}
    result = runner.invoke(
        args=["areas", "create", "Holed", "--boundary", str(write_boundary(tmp_path / "m.json", multi))]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(_area(app, "Holed").boundary)["type"] == "MultiPolygon"


def test_bad_geometry_is_refused_with_a_clear_message(runner, app, tmp_path):
    open_ring = {"type": "Polygon", "coordinates": [[[0.11, 52.2], [0.13, 52.2], [0.13, 52.21], [0.11, 52.21]]]}
    cases = {
        "open ring": (open_ring, "Invalid Polygon"),
        "a point": ({"type": "Point", "coordinates": [0.12, 52.2]}, "not Point"),
        "out of range": (
            {"type": "Polygon", "coordinates": [[[0.1, 52.2], [200.0, 52.2], [0.1, 53.0], [0.1, 52.2]]]},
            "in range",
        ),
    }
    for label, (geometry, message) in cases.items():
        path = write_boundary(tmp_path / f"{label}.geojson", geometry)
        result = runner.invoke(args=["areas", "create", label, "--boundary", str(path)])
        assert result.exit_code == 1, label
        assert "Bad boundary" in result.output and message in result.output, (label, result.output)
        assert _area(app, label) is None
    (tmp_path / "junk.geojson").write_text("{not json")
    result = runner.invoke(args=["areas", "create", "Junk", "--boundary", str(tmp_path / "junk.geojson")])
    assert result.exit_code == 1 and "Not GeoJSON" in result.output


def test_name_dates_and_centre_are_checked(runner, app, tmp_path):
    path = str(write_boundary(tmp_path / "town.geojson"))
    assert runner.invoke(args=["areas", "create", "Town", "--boundary", path]).exit_code == 0
    again = runner.invoke(args=["areas", "create", "Town", "--boundary", path])
    assert again.exit_code == 1 and "exists already" in again.output
    backwards = runner.invoke(
        args=["areas", "create", "B", "--boundary", path, "--start", "2026-05-01", "--end", "2026-04-01"]
    )
    assert backwards.exit_code == 1 and "before the start" in backwards.output
    outside = runner.invoke(args=["areas", "create", "C", "--boundary", path, "--centre", "51.5,-0.12"])
    assert outside.exit_code == 1 and "outside the boundary" in outside.output
    garbled = runner.invoke(args=["areas", "create", "D", "--boundary", path, "--centre", "north"])
    assert garbled.exit_code == 2 and "lat,lon" in garbled.output
