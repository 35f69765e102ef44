"""The whole flow through the HTTP API: cameras and signs reported, reviewed, and every camera's measured
signage checked against distances the test works out itself (49 m and 51 m, another operator, a sign fixed
to its camera, a pair across the antimeridian, a camera approved after its sign, a sign withdrawn)."""

import pytest

from tests.signs.flow import (
    API,
    approve_camera,
    approve_sign,
    camera_signage,
    expected_signage,
    log_sign,
    metres_between,
    offset,
    report,
)

COUNCIL = "Lambeth Council"


def _camera(client, mod, at, seed, operator=COUNCIL, **fields) -> dict:
    sent = report(client, *at, seed, operator=operator, signage="none", **fields)
    return {"id": approve_camera(client, mod, sent["id"]), "at": at, "operator": operator, "sighting": sent["id"]}


def _sign(client, mod, at, seed, operator=COUNCIL, camera=None, **fields) -> dict:
    extra = {"sign_camera_id": camera} if camera else {}
    sent = log_sign(client, *at, seed, operator=operator, sign_purpose="Crime prevention", **extra, **fields)
    decision = approve_sign(client, mod, sent["id"])
    return {"id": decision["sign"]["id"], "at": at, "operator": operator, "camera": camera, "sighting": sent["id"],
            "changed": decision["cameras_changed"]}  # fmt: skip


@pytest.fixture
def town(client, app, mod):
    """Cameras a kilometre or more apart, each with the signs its case needs."""
    cameras, signs = {}, []
    a = (51.5000, -0.1200)
    cameras["at_49"] = _camera(client, mod, a, 1)
    cameras["at_51"] = _camera(client, mod, (51.5100, -0.1200), 2)
    cameras["other_operator"] = _camera(client, mod, (51.5200, -0.1200), 3)
    cameras["fixed"] = _camera(client, mod, (51.5300, -0.1200), 4)
    cameras["alone"] = _camera(client, mod, (51.5400, -0.1200), 5)
    cameras["fiji"] = _camera(client, mod, (-17.7000, 179.99985), 6, operator="Suva City Council")
    signs.append(_sign(client, mod, offset(*a, 49, 0), 11))
    signs.append(_sign(client, mod, offset(51.5100, -0.1200, 51, 90), 12))
    signs.append(_sign(client, mod, offset(51.5200, -0.1200, 20, 180), 13, operator="Acme Security Ltd"))
    signs.append(_sign(client, mod, offset(51.5200, -0.1200, 120, 270), 14, operator="lambeth  council"))
    signs.append(_sign(client, mod, offset(51.5300, -0.1200, 12, 45), 15, camera=cameras["fixed"]["id"]))
    signs.append(_sign(client, mod, (-17.7000, -179.99990), 16, operator="Suva City Council"))
    # A sign first, then the camera 30 m from it: the camera's own approval measures it.
    later = (51.5500, -0.1200)
    signs.append(_sign(client, mod, offset(*later, 30, 300), 17))
    cameras["after_sign"] = _camera(client, mod, later, 7)
    return {"cameras": cameras, "signs": signs}


def _check_every_camera(client, town) -> dict:
    found = {}
    for name, cam in town["cameras"].items():
        got, want = camera_signage(client, cam["id"]), expected_signage(cam, town["signs"])
        assert got["signage"] == "none", name  # the volunteer's answer stays beside the measured class
        assert got["signage_class"] == want["signage_class"], name
        for field in ("nearest_sign_m", "operator_sign_m"):
            if want[field] is None:
                assert got[field] is None, (name, field)
            else:
                assert got[field] == pytest.approx(want[field], abs=0.11), (name, field)
        found[name] = got["signage_class"]
    return found


def test_every_camera_is_classed_from_the_distances(client, town):
    classes = _check_every_camera(client, town)
    assert classes == {
        "at_49": "within_50m",
        "at_51": "beyond_50m",
        "other_operator": "within_50m",
        "fixed": "on_structure",
        "alone": "not_surveyed",
        "fiji": "within_50m",
        "after_sign": "within_50m",
    }
    cameras = town["cameras"]
    assert metres_between(cameras["fiji"]["at"], town["signs"][5]["at"]) < 50  # only the short way round
    other = camera_signage(client, cameras["other_operator"]["id"])
    assert other["nearest_sign_m"] == pytest.approx(20, abs=0.11)  # Acme's sign is nearest...
    assert other["operator_sign_m"] == pytest.approx(120, abs=0.11)  # ...the council's own is 120 m off
    assert camera_signage(client, cameras["at_51"]["id"])["operator_sign_m"] == pytest.approx(51, abs=0.11)


def test_each_sign_decision_changes_only_the_cameras_it_reaches(town):
    changed = [sign["changed"] for sign in town["signs"]]
    cameras = town["cameras"]
    assert changed[:6] == [
        [cameras["at_49"]["id"]],
        [cameras["at_51"]["id"]],
        [cameras["other_operator"]["id"]],
        [cameras["other_operator"]["id"]],  # the operator's own sign, farther away
        [cameras["fixed"]["id"]],
        [cameras["fiji"]["id"]],
    ]
    assert changed[6] == []  # no camera there yet


def test_withdrawing_a_sign_puts_the_classes_back(client, town, mod):
    first, cameras = town["signs"][0], town["cameras"]
    response = client.post(f"{API}/sightings/{first['sighting']}/reopen", json={"note": "wrong place"}, headers=mod)
    assert response.status_code == 200, response.json
    assert response.json["sighting"]["status"] == "pending"
    assert client.get(f"/api/v1/signs/{first['id']}").status_code == 404  # withdrawn: public nowhere
    first["public"] = False
    classes = _check_every_camera(client, town)
    assert classes["at_49"] == "not_surveyed" and classes["at_51"] == "beyond_50m"
    # Approved again as a new sign: the camera is within 50 m once more.
    again = approve_sign(client, mod, first["sighting"])
    town["signs"].append({**first, "id": again["sign"]["id"], "public": True})
    assert again["cameras_changed"] == [cameras["at_49"]["id"]]
    assert _check_every_camera(client, town)["at_49"] == "within_50m"


def test_camera_decisions_measure_the_camera(client, town, mod):
    cameras, signs = town["cameras"], town["signs"]
    alone = cameras["alone"]
    # Moved next to the 51 m sign's camera: 51 m from that sign becomes a few metres.
    moved = offset(*signs[1]["at"], 8, 0)
    response = client.patch(f"{API}/cameras/{alone['id']}", json={"lat": moved[0], "lon": moved[1]}, headers=mod)
    assert response.status_code == 200, response.json
    alone["at"] = moved
    assert _check_every_camera(client, town)["alone"] == "within_50m"
    # Withdrawn (its only confirmation reopened): gone from public view, and no sign is fixed to it any more.
    fixed = cameras.pop("fixed")
    assert client.post(f"{API}/sightings/{fixed['sighting']}/reopen", json={}, headers=mod).status_code == 200
    assert client.get(f"/api/v1/cameras/{fixed['id']}").status_code == 404
    sign = client.get(f"/api/v1/signs/{signs[4]['id']}").json
    assert sign["properties"]["camera_id"] is None  # a withdrawn camera is not named
    _check_every_camera(client, town)
