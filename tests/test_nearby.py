"""survey.nearby.cameras_near: the plain-row nearby lookup, on the real database, and in intake."""

from datetime import date

import pytest

from survey.extensions import db
from survey.models import Camera
from survey.nearby import LAT_CELLS, NearbyCamera, cameras_near, cameras_near_each
from tests.factories import new_client_id, photo, upload

HERE = (51.5033, -0.1196)
M_LAT = 1 / 111_195  # degrees of latitude per metre


def add_cameras(app, *cameras: dict) -> list[int]:
    with app.app_context():
        rows = [Camera(**{"status": "active", **fields}) for fields in cameras]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def test_finds_cameras_within_radius_nearest_first(app):
    lat, lon = HERE
    far_in_box, near, nearer, removed, outside = add_cameras(
        app,
        # In the bounding box's corner, yet 33 m away: the exact distance must drop it.
        {"lat": lat + 23 * M_LAT, "lon": lon + 23 * M_LAT / 0.6225},
        {
            "lat": lat + 20 * M_LAT,
            "lon": lon,
            "manufacturer": "Axis",
            "mount": "pole",
            "direction": 90.0,
            "first_seen": date(2025, 3, 1),
            "last_confirmed": date(2026, 2, 1),
        },
        {"lat": lat - 5 * M_LAT, "lon": lon},
        {"lat": lat + 1 * M_LAT, "lon": lon, "status": "removed"},
        {"lat": lat + 40 * M_LAT, "lon": lon},
    )
    with app.app_context():
        found = cameras_near(lat, lon, 25)
        assert [n.camera.id for n in found] == [nearer, near]
        assert found[0].distance_m == pytest.approx(5, abs=0.05)
        assert found[1].distance_m == pytest.approx(20, abs=0.05)
        camera = found[1].camera
        assert isinstance(camera, NearbyCamera)
        assert (camera.manufacturer, camera.mount, camera.direction, camera.status) == ("Axis", "pole", 90.0, "active")
        assert (camera.lat, camera.lon) == pytest.approx((lat + 20 * M_LAT, lon))
        assert (camera.first_seen, camera.last_confirmed, camera.version) == (date(2025, 3, 1), date(2026, 2, 1), 1)
        assert found[0].camera.first_seen is None and found[0].camera.photo_id is None
        assert [n.camera.id for n in cameras_near(lat, lon, 25, status="removed")] == [removed]
        assert {n.camera.id for n in cameras_near(lat, lon, 50)} == {nearer, near, far_in_box, outside}


def test_nothing_near_an_empty_place(app):
    add_cameras(app, {"lat": 48.8584, "lon": 2.2945})
    with app.app_context():
        assert cameras_near(*HERE, 25) == []


def test_upload_answer_lists_the_camera_nearby(client, app):
    (camera_id,) = add_cameras(app, {"lat": HERE[0] + 10 * M_LAT, "lon": HERE[1]})
    response = upload(client, photo(*HERE), client_id=new_client_id())
    assert response.status_code == 201, response.json
    assert response.json["nearby_cameras"] == [{"id": camera_id, "distance_m": pytest.approx(10, abs=0.2)}]


@pytest.mark.parametrize("lat", [51.5, -0.0004, 0.0, -33.8725, 0.0004999])
def test_cameras_on_band_edges_are_found_from_either_side(app, lat):
    """cameras_near_each reads a box's bands of latitude (ix_cameras_lat_cell); a camera on a
    band's edge or half-way mark (where PostgreSQL's CAST rounds), or just either side of one,
    is found from points around it as the plain (lat, lon) box query finds it, including about
    the equator, where SQLite's CAST truncates towards zero."""
    edge = round(lat * LAT_CELLS) / LAT_CELLS
    marks = (edge, edge + 0.5 / LAT_CELLS, edge - 0.5 / LAT_CELLS)
    ids = add_cameras(app, *({"lat": mark + off, "lon": 10.0} for mark in marks for off in (-1e-9, 0.0, 1e-9)))
    with app.app_context():
        points = [(mark + metres * M_LAT, 10.0) for mark in marks for metres in (-30, -1, 0, 1, 30)]
        seen = set()
        for (point_lat, point_lon), near in zip(points, cameras_near_each(points, 40.0)):
            expected = [n.camera.id for n in cameras_near(point_lat, point_lon, 40.0)]
            assert expected and [n.camera.id for n in near] == expected
            seen.update(expected)
        assert seen == set(ids)
