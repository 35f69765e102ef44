"""The likelihood of a merge candidate, from hand-made cases: no app, no database."""

import pytest

from survey import vocab
from survey.likelihood import (
    FLOOR_M,
    CameraSignals,
    SightingSignals,
    angle_between,
    camera_sigma,
    heading_term,
    likelihood,
)

LAT, LON = 52.2053, 0.1218
M = 1 / 111_195  # degrees of latitude in a metre
ATTRS = {
    "manufacturer": "Hikvision",
    "model": "DS-2CD2143",
    "camera_type": "dome",
    "mount": "pole",
    "operator": "Council",
}


def north(metres: float, lon: float = LON) -> tuple[float, float]:
    return LAT + metres * M, lon


def test_close_matching_camera_is_very_likely_the_same_with_reasons():
    camera = CameraSignals(*north(0), direction=0, attributes=ATTRS)
    sighting = SightingSignals(
        *north(4), accuracy_m=10, heading=180, attributes={"manufacturer": "hikvision", "mount": "pole"}
    )
    found = likelihood(sighting, camera)
    assert found.kind == vocab.LIKELY_SAME and found.label == "very likely the same"
    assert found.reasons == ["same maker and mount", "heading matches", "4 m"]
    assert found.score > 0.9


def test_two_cameras_one_metre_apart_facing_opposite_ways_are_told_apart_by_heading():
    facing_north = CameraSignals(*north(0), direction=0, attributes=ATTRS)
    facing_south = CameraSignals(*north(1), direction=180, attributes=ATTRS)
    # Standing north of the pole, looking south at the camera that faces north.
    sighting = SightingSignals(*north(12), accuracy_m=15, heading=185, attributes={"mount": "pole"})
    right, wrong = likelihood(sighting, facing_north), likelihood(sighting, facing_south)
    assert right.score > wrong.score + 0.4
    assert right.kind == vocab.LIKELY_SAME and wrong.kind != vocab.LIKELY_SAME
    assert "faces another way" in wrong.reasons and "heading matches" in right.reasons


def test_merged_headings_count_when_the_camera_has_no_direction():
    merged = ((*north(3), 90.0, 10.0), (*north(-2), 100.0, None))
    camera = CameraSignals(*north(0), merged=merged)
    along = likelihood(SightingSignals(*north(2), accuracy_m=10, heading=95), camera)
    across = likelihood(SightingSignals(*north(2), accuracy_m=10, heading=275), camera)
    assert along.score > across.score and "heading matches" in along.reasons


def test_distance_counts_against_the_combined_uncertainty():
    camera = CameraSignals(*north(0))
    precise = likelihood(SightingSignals(*north(30), accuracy_m=5), camera)
    vague = likelihood(SightingSignals(*north(30), accuracy_m=40), camera)
    assert vague.score > precise.score
    assert precise.kind == vocab.NEIGHBOUR and precise.reasons == ["30 m"]
    # Merged sightings as far off as their own accuracies say: the camera's place is as good as its floor.
    explained = CameraSignals(*north(0), merged=((*north(12), None, 15.0), (*north(-10), None, 15.0)))
    assert camera_sigma(explained) == FLOOR_M
    # Precise fixes 60 m either side: the camera was placed from a poor one, so a gap counts for less.
    vaguely = CameraSignals(*north(0), merged=((*north(60), None, 5.0), (*north(-60), None, 5.0)))
    assert camera_sigma(vaguely) > 30
    assert likelihood(SightingSignals(*north(30), accuracy_m=5), vaguely).score > precise.score


def test_disagreeing_attributes_count_against():
    camera = CameraSignals(*north(0), attributes=ATTRS)
    agreeing = likelihood(SightingSignals(*north(8), accuracy_m=10, attributes={"manufacturer": "Hikvision"}), camera)
    silent = likelihood(SightingSignals(*north(8), accuracy_m=10), camera)
    disagreeing = likelihood(
        SightingSignals(*north(8), accuracy_m=10, attributes={"manufacturer": "Dahua", "camera_type": "fixed"}), camera
    )
    assert agreeing.score > silent.score > disagreeing.score
    assert disagreeing.reasons == ["different maker and type", "8 m"]


def test_a_neighbour_far_off_with_other_attributes_is_a_neighbour():
    camera = CameraSignals(*north(0), direction=90, attributes=ATTRS)
    sighting = SightingSignals(
        *north(45), accuracy_m=8, heading=90, attributes={"mount": "wall", "manufacturer": "Axis"}
    )
    found = likelihood(sighting, camera)
    assert found.kind == vocab.NEIGHBOUR and found.score < 0.05
    assert found.reasons[0] == "different maker and mount" and found.reasons[-1] == "45 m"


def test_no_accuracy_and_no_heading_still_scores():
    found = likelihood(SightingSignals(*north(10)), CameraSignals(*north(0), direction=45))
    assert 0 < found.score < 1 and found.reasons == ["10 m"]


@pytest.mark.parametrize(("a", "b", "angle"), [(0, 0, 0), (350, 10, 20), (10, 350, 20), (0, 180, 180), (90, 271, 179)])
def test_angle_between(a, b, angle):
    assert angle_between(a, b) == pytest.approx(angle)


def test_the_heading_term_is_flat_where_a_volunteer_stands_and_falls_beyond():
    dead_on, side, across, behind = (heading_term(off) for off in (0, 30, 90, 180))
    assert dead_on > 1 and dead_on - side < 0.3  # anywhere in front of the camera is as good
    assert across < -3 and behind == across  # floored: a compass can be wildly off
    assert heading_term(60) < 0 < heading_term(50)


def test_the_heading_says_where_the_volunteer_stood():
    camera = CameraSignals(*north(0), direction=0)
    # 8 m north, looking south: right where one stands to photograph it; 8 m south, looking south:
    # the volunteer would have the camera behind them.
    in_front = likelihood(SightingSignals(*north(8), accuracy_m=6, heading=180), camera)
    behind = likelihood(SightingSignals(*north(-8), accuracy_m=6, heading=180), camera)
    assert in_front.score > behind.score
