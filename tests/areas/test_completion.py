"""The rule for a street walked completely, whole or in parts: the latest day since which its walks
cover all of it, gaps under GAP_M forgiven. Pure, no database."""

import random
from datetime import date, timedelta

import pytest

from survey.areas.completion import GAP_M, covers_all, last_walked_completely

D1, D2, D3 = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)


def test_no_walk_and_whole_walks():
    assert last_walked_completely([], 300) is None
    assert last_walked_completely([(D1, None, None)], 300) == D1
    assert last_walked_completely([(D1, None, None), (D3, None, None), (D2, None, None)], 300) == D3


def test_two_halves_count_since_the_earlier_day():
    # Every metre has been walked since D1, and the first half not since: D1, whatever the order given.
    assert last_walked_completely([(D2, 0.5, 1.0), (D1, 0.0, 0.5)], 300) == D1
    assert last_walked_completely([(D1, 0.0, 0.5), (D2, 0.5, 1.0)], 300) == D1
    # The first half walked again on D3: all of it walked since D2.
    assert last_walked_completely([(D1, 0.0, 0.5), (D2, 0.5, 1.0), (D3, 0.0, 0.5)], 300) == D2
    # Overlapping parts on one day.
    assert last_walked_completely([(D1, 0.3, 1.0), (D1, 0.0, 0.6)], 300) == D1


def test_a_gap_longer_than_gap_m_leaves_it_unwalked():
    assert last_walked_completely([(D1, 0.0, 0.4), (D2, 0.6, 1.0)], 300) is None
    assert last_walked_completely([(D1, 0.0, 0.95)], 1000) is None  # 50 m short of the end
    assert last_walked_completely([(D1, 0.05, 1.0)], 1000) is None  # 50 m short of the start


def test_the_tolerance_is_metres_not_a_share():
    halves = [(D1, 0.0, 0.495), (D2, 0.5, 1.0)]  # a gap of 0.5 % of the street
    assert last_walked_completely(halves, 1_000) == D1  # 5 m: a tap or a GPS fix off
    assert last_walked_completely(halves, 2 * GAP_M / 0.005) is None  # 20 m: a stretch not walked
    assert covers_all([(0.0, 1 - 0.9 * GAP_M / 400)], 400)
    assert not covers_all([(0.0, 1 - 1.1 * GAP_M / 400)], 400)
    # On a very long street the 4-decimal rounding of the ends still counts as walked, more does not.
    assert covers_all([(0.0, 0.4999), (0.5, 1.0)], 1_000_000)
    assert not covers_all([(0.0, 0.499), (0.5, 1.0)], 1_000_000)
    assert covers_all([(0.2, 0.3)], 0)  # a street of no length: any part is all of it


def test_an_older_whole_walk_is_completed_by_no_part_and_a_newer_one_wins():
    old, recent = date(2025, 1, 1), date(2026, 6, 1)
    # All of it walked on `old`; half since: the other half is still as old as that.
    assert last_walked_completely([(old, None, None), (recent, 0.0, 0.5)], 300) == old
    assert last_walked_completely([(old, 0.0, 0.5), (D1, 0.5, 1.0), (recent, None, None)], 300) == recent
    # A half walked long before the other: the street was last walked completely on the old day.
    assert last_walked_completely([(old, 0.0, 0.5), (recent, 0.5, 1.0)], 300) == old


@pytest.mark.parametrize("seed", range(20))
def test_the_day_found_is_the_latest_whose_walks_since_cover_it(seed):
    """Against the definition, day by day: the walks on or after the day found cover the street, and
    the walks on or after any later day do not."""
    rng = random.Random(seed)
    walks = []
    for _ in range(rng.randrange(1, 12)):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(60))
        if rng.random() < 0.08:
            walks.append((day, None, None))
        else:
            a, b = sorted(round(rng.random(), 4) for _ in range(2))
            walks.append((day, a, b) if b > a else (day, a, min(1.0, a + 0.1)))
    length = rng.choice((40, 300, 2_000))

    def covered_since(d):
        return any(w[0] >= d and w[1] is None for w in walks) or covers_all(
            [(w[1], w[2]) for w in walks if w[0] >= d and w[1] is not None], length
        )

    found = last_walked_completely(walks, length)
    later = sorted({w[0] for w in walks if found is None or w[0] > found})
    assert not any(covered_since(d) for d in later)
    if found is not None:
        assert covered_since(found) and found in {w[0] for w in walks}
