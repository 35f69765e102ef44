"""survey.signage.classify and is_surveyed: the rule for one camera, with no database."""

from datetime import date

import pytest

from survey.signage import SignPoint, StreetLines, classify, is_surveyed, same_operator
from tests.signs.flow import metres_between, offset

CAMERA = (51.5, -0.12)


def _sign(sign_id, metres, bearing=0.0, operator=None, camera_id=None, at=CAMERA) -> SignPoint:
    lat, lon = offset(*at, metres, bearing)
    return SignPoint(sign_id, lat, lon, operator, camera_id)


@pytest.mark.parametrize(
    ("signs", "surveyed", "want"),
    [
        ([], False, ("not_surveyed", None, None, None)),
        ([], True, ("none_found", None, None, None)),
        ([_sign(1, 49)], False, ("within_50m", 1, 49.0, None)),
        ([_sign(1, 51)], True, ("beyond_50m", 1, 51.0, None)),
        ([_sign(1, 50)], False, ("within_50m", 1, 50.0, None)),  # 50 m is within
        ([_sign(1, 201)], True, ("none_found", None, None, None)),  # beyond the search: not measured
        ([_sign(1, 300, camera_id=7)], False, ("on_structure", None, None, None)),  # linked, wherever it is
        ([_sign(1, 20, operator="Acme"), _sign(2, 120, 90, "lambeth council")], False, ("within_50m", 1, 20.0, 120.0)),
        ([_sign(2, 10), _sign(1, 10, 180)], False, ("within_50m", 1, 10.0, None)),  # a tie goes to the lower id
    ],
)
def test_classify(signs, surveyed, want):
    got = classify(7, *CAMERA, "Lambeth Council", signs, surveyed)
    assert (got.signage_class, got.nearest_sign_id, got.nearest_sign_m, got.operator_sign_m) == want


def test_classify_across_the_antimeridian():
    camera = (-17.7, 179.9999)
    sign = SignPoint(1, -17.7, -179.9999, None, None)
    got = classify(1, *camera, None, [sign], False)
    assert got.signage_class == "within_50m"
    assert got.nearest_sign_m == pytest.approx(metres_between(camera, (sign.lat, sign.lon)), abs=0.06)


def test_same_operator_ignores_case_and_spacing_but_not_blanks():
    assert same_operator("Lambeth  Council ", "lambeth council")
    assert not same_operator(None, None) and not same_operator("", "") and not same_operator("Acme", "Lambeth")


def _street(street_id, metres, walked, bearing=90.0):
    """A 100 m street passing `metres` from the camera, walked on `walked`."""
    mid = offset(*CAMERA, metres, bearing)
    a, b = offset(*mid, 50, bearing + 90), offset(*mid, 50, bearing - 90)
    return StreetLines(street_id, [[[a[1], a[0]], [b[1], b[0]]]], walked)


def test_surveyed_needs_every_street_within_50m_walked_since_first_seen():
    seen = date(2026, 5, 1)
    assert not is_surveyed(*CAMERA, seen, [])  # no streets known: not surveyed
    assert is_surveyed(*CAMERA, seen, [_street(1, 10, date(2026, 5, 1))])  # walked on the day
    assert not is_surveyed(*CAMERA, seen, [_street(1, 10, date(2026, 4, 30))])  # walked before it was seen
    assert not is_surveyed(*CAMERA, seen, [_street(1, 10, date(2026, 6, 1)), _street(2, 40, None, 270)])
    assert is_surveyed(*CAMERA, seen, [_street(1, 10, date(2026, 6, 1)), _street(2, 60, None, 270)])  # 60 m: not near
    assert is_surveyed(*CAMERA, None, [_street(1, 10, date(2020, 1, 1))])
