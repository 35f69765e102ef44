"""none_found needs the streets within 50 m walked since the camera was first seen: walks recorded and
undone through the API re-measure the cameras beside their street. `flask signs recompute` does all."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from survey import dataset_version
from survey.extensions import db
from survey.models import Camera
from survey.signage import recompute_all
from tests.areas.osmdata import make_town, walk
from tests.signs.flow import API, approve_camera, approve_sign, camera_signage, log_sign, offset, report
from tests.support import camera

SIDNEY_NODE = (52.2055, 0.1200)  # a node of Sidney Street; Market Passage is 150 m away


def test_walks_make_none_found_and_undoing_them_takes_it_back(client, app, mod, tmp_path):
    town = make_town(app, tmp_path)
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    at = offset(*SIDNEY_NODE, 10, 141)  # 10 m off the street, square to it
    camera_id = approve_camera(client, mod, report(client, *at, 1, operator="Cambridge City Council")["id"])
    far = camera(app, lat=52.2300, lon=0.1000)  # no street near it
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
    today = datetime.now(UTC).date()
    before = walk(client, area, sidney, (today - timedelta(days=1)).isoformat())
    assert before.status_code == 201
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"  # walked before it was seen
    walked = walk(client, area, sidney, today.isoformat())
    assert walked.status_code == 201
    assert camera_signage(client, camera_id)["signage_class"] == "none_found"
    assert camera_signage(client, far)["signage_class"] == "not_surveyed"
    undone = client.delete(f"/api/v1/areas/{area}/walks/{walked.json['id']}", headers=mod)
    assert undone.status_code == 204
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
    assert walk(client, area, sidney, today.isoformat()).status_code == 201
    sign = log_sign(client, *offset(*at, 30, 0), 2, operator="Cambridge City Council")
    assert approve_sign(client, mod, sign["id"])["cameras_changed"] == [camera_id]
    assert camera_signage(client, camera_id)["signage_class"] == "within_50m"
    reopened = client.post(f"{API}/sightings/{sign['id']}/reopen", json={}, headers=mod)
    assert reopened.status_code == 200
    assert camera_signage(client, camera_id)["signage_class"] == "none_found"  # back to what the walk showed


def test_the_full_recompute_repairs_every_camera(client, app, mod, runner):
    near = camera(app, lat=51.5, lon=-0.12, operator="Lambeth Council")
    fiji = camera(app, lat=-16.5, lon=-179.99995, operator=None)
    removed = camera(app, lat=51.6, lon=-0.12, status="removed")
    for seed, at in ((1, offset(51.5, -0.12, 40, 10)), (2, (-16.5, 179.99995)), (3, offset(51.6, -0.12, 70, 0))):
        sent = log_sign(client, *at, seed, operator="Lambeth Council")
        approve_sign(client, mod, sent["id"])
    with app.app_context():  # the stored classes wiped, as a migration or an import leaves them
        db.session.execute(
            update(Camera).values(signage_class="not_surveyed", nearest_sign_m=None, nearest_sign_id=None)
        )
        db.session.commit()
    version = _version(app)
    result = runner.invoke(args=["signs", "recompute"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "3 cameras measured, 3 changed."
    assert _version(app) == version + 1  # the snapshots, which carry the classes, are behind
    assert camera_signage(client, near) == {
        "signage": "within_50m", "signage_class": "within_50m", "nearest_sign_m": 40.0, "operator_sign_m": 40.0,
    }  # fmt: skip
    assert camera_signage(client, fiji)["signage_class"] == "within_50m"
    assert camera_signage(client, removed)["signage_class"] == "beyond_50m"
    again = runner.invoke(args=["signs", "recompute"])
    assert again.output.strip() == "3 cameras measured, 0 changed."
    assert _version(app) == version + 1  # nothing changed: the snapshots stand


def _version(app) -> int:
    with app.app_context():
        return dataset_version.current(db.session).number


def test_a_recompute_whose_version_bump_fails_changes_nothing(client, app, mod):
    # The classes and the version that announces them commit together: a failure between the two
    # must not leave new classes published under the old version's ETag.
    camera_id = camera(app, lat=51.5, lon=-0.12, operator="Lambeth Council")
    approve_sign(client, mod, log_sign(client, *offset(51.5, -0.12, 40, 10), 1, operator="Lambeth Council")["id"])
    with app.app_context():
        db.session.execute(
            update(Camera).values(signage_class="not_surveyed", nearest_sign_m=None, nearest_sign_id=None)
        )
        db.session.commit()
        version = dataset_version.current(db.session).number

        def fail():
            raise RuntimeError("the bump failed")

        try:
            recompute_all(before_commit=fail)
        except RuntimeError:
            db.session.rollback()
        else:
            raise AssertionError("before_commit was not called though a camera changed")
        assert db.session.get(Camera, camera_id).signage_class == "not_surveyed"
        assert dataset_version.current(db.session).number == version


def test_part_of_a_street_walked_is_not_a_survey_of_the_camera_beside_it(client, app, mod, tmp_path):
    town = make_town(app, tmp_path)
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    camera_id = approve_camera(client, mod, report(client, *offset(*SIDNEY_NODE, 10, 141), 1)["id"])
    today = datetime.now(UTC).date().isoformat()
    part = walk(client, area, sidney, today, from_fraction=0.0, to_fraction=0.1)
    assert part.status_code == 201, part.json
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
    assert walk(client, area, sidney, today).status_code == 201
    assert camera_signage(client, camera_id)["signage_class"] == "none_found"


def test_a_street_walked_in_parts_since_the_camera_was_seen_is_a_survey_of_it(client, app, mod, tmp_path):
    town = make_town(app, tmp_path)
    area, sidney = town["area_id"], town["streets"]["Sidney Street"]
    camera_id = approve_camera(client, mod, report(client, *offset(*SIDNEY_NODE, 10, 141), 1)["id"])
    today = datetime.now(UTC).date()
    yesterday = (today - timedelta(days=1)).isoformat()
    assert walk(client, area, sidney, yesterday, from_fraction=0.0, to_fraction=0.5).status_code == 201
    second = walk(client, area, sidney, today.isoformat(), from_fraction=0.5, to_fraction=1.0)
    assert second.status_code == 201
    # All of it walked, but half of it only before the camera was first seen (today).
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
    assert walk(client, area, sidney, today.isoformat(), from_fraction=0.0, to_fraction=0.5).status_code == 201
    assert camera_signage(client, camera_id)["signage_class"] == "none_found"
    undone = client.delete(f"/api/v1/areas/{area}/walks/{second.json['id']}", headers=mod)
    assert undone.status_code == 204
    assert camera_signage(client, camera_id)["signage_class"] == "not_surveyed"
