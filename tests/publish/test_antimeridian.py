"""Places beside the antimeridian and the poles: boxes that wrap, on the real database.

Taveuni in Fiji lies across 180°; a camera a few metres east of the line has longitude -179.9999.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.geo import EARTH_RADIUS_M, BBox, bbox_around, distance_m, parse_bbox
from survey.nearby import cameras_near, cameras_near_each
from tests.support import camera, submit

TAVEUNI = -16.8
M_LON = 1 / (111_195 * math.cos(math.radians(TAVEUNI)))  # degrees of longitude per metre there
WEST_OF_LINE = 180 - 8 * M_LON  # 8 m west of 180°
EAST_OF_LINE = -180 + 12 * M_LON  # 12 m east of it


def test_parse_accepts_a_box_across_the_antimeridian():
    box = parse_bbox("179.5,-17,-179.5,-16")
    assert box == BBox(179.5, -17.0, -179.5, -16.0) and box.crosses_antimeridian
    assert box.lon_ranges() == [(179.5, 180.0), (-180.0, -179.5)]
    assert parse_bbox("-1,51,1,52").lon_ranges() == [(-1.0, 1.0)]
    with pytest.raises(ValueError, match="minLat"):
        parse_bbox("0,52,1,51")


def test_box_around_a_point_beside_the_line_wraps():
    box = bbox_around(TAVEUNI, WEST_OF_LINE, 25)
    assert box.crosses_antimeridian
    (west, east), (west2, east2) = box.lon_ranges()
    assert west == pytest.approx(180 - 33 * M_LON, rel=1e-6) and east == 180.0
    assert west2 == -180.0 and east2 == pytest.approx(-180 + 17 * M_LON, rel=1e-6)
    assert not bbox_around(TAVEUNI, 178.0, 25).crosses_antimeridian


@pytest.mark.parametrize("lat", [90.0, -90.0, 89.99999, -89.99999])
def test_box_around_a_pole_takes_every_longitude(lat):
    box = bbox_around(lat, 45.0, 25)
    assert (box.min_lon, box.max_lon) == (-180.0, 180.0)
    assert -90 <= box.min_lat <= box.max_lat <= 90


def destination(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    """The point `metres` away on a great circle (the standard direct formula on a sphere)."""
    p1, l1, b, d = math.radians(lat), math.radians(lon), math.radians(bearing), metres / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def inside(box: BBox, lat: float, lon: float, slack: float = 1e-9) -> bool:
    lat_ok = box.min_lat - slack <= lat <= box.max_lat + slack
    return lat_ok and any(west - slack <= lon <= east + slack for west, east in box.lon_ranges())


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-180, 180),
    bearing=st.floats(0, 360),
    radius=st.sampled_from([25.0, 50.0, 5_000.0, 500_000.0]),
    share=st.floats(0, 0.999),
)
def test_every_point_within_the_radius_is_inside_the_box(lat, lon, bearing, radius, share):
    box = bbox_around(lat, lon, radius)
    there = destination(lat, lon, bearing, radius * share)
    assert distance_m(lat, lon, *there) <= radius * (1 + 1e-9)
    assert inside(box, *there), (box, there)


def test_nearby_lookup_sees_across_the_line(app):
    west = camera(app, lat=TAVEUNI, lon=WEST_OF_LINE)
    east = camera(app, lat=TAVEUNI, lon=EAST_OF_LINE)
    camera(app, lat=TAVEUNI, lon=0.0)  # the same latitude half a world away
    with app.app_context():
        found = cameras_near(TAVEUNI, 180.0, 25)
        assert [n.camera.id for n in found] == [west, east]
        assert [n.distance_m for n in found] == [pytest.approx(8, abs=0.05), pytest.approx(12, abs=0.05)]
        beside, plain, far = cameras_near_each([(TAVEUNI, EAST_OF_LINE), (TAVEUNI, 0.0), (TAVEUNI, 90.0)], 25)
        assert [n.camera.id for n in beside] == [east, west]  # each once, nearest first
        assert len(plain) == 1 and far == []


def test_public_downloads_take_a_box_across_the_line(client, app):
    west = camera(app, lat=TAVEUNI, lon=WEST_OF_LINE)
    east = camera(app, lat=TAVEUNI, lon=EAST_OF_LINE)
    camera(app, lat=TAVEUNI, lon=0.0)
    camera(app, lat=10.0, lon=179.9)  # inside the longitudes, outside the latitudes
    box = "179.9,-17,-179.9,-16"
    geojson = client.get(f"/api/v1/cameras.geojson?bbox={box}")
    assert geojson.status_code == 200
    assert {f["id"] for f in geojson.json["features"]} == {west, east}
    items = client.get(f"/ogcapi/collections/cameras/items?bbox={box}&f=json").json
    assert {f["id"] for f in items["features"]} == {west, east} and items["numberMatched"] == 2
    csv_ids = {int(line.split(",")[2]) for line in client.get(f"/api/v1/cameras.csv?bbox={box}").text.splitlines()[1:]}
    assert csv_ids == {west, east}


def test_queue_box_and_merge_candidates_across_the_line(client, app, mod):
    there = submit(client, TAVEUNI, EAST_OF_LINE, seed=1)
    submit(client, 51.5033, -0.1196, seed=2)
    west = camera(app, lat=TAVEUNI, lon=WEST_OF_LINE)
    response = client.get("/api/v1/moderation/sightings", query_string={"bbox": "179,-17,-179,-16"}, headers=mod)
    assert response.status_code == 200, response.json
    (item,) = response.json["items"]
    assert item["id"] == there["id"]
    assert [(c["id"], c["distance_m"]) for c in item["candidates"]] == [(west, pytest.approx(20, abs=0.2))]
