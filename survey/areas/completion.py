"""How much of a street its walks cover, and since which day all of it: the pure rules, and the stored
`streets.last_walked` they keep, which every reader (coverage, the public layer, OGC, findings,
signage) reads as a plain column.

A street was last walked completely on the latest day D such that the walks made on or after D,
whole or parts, together cover all of it. That is the day its least recently walked stretch was last
walked: "walked since D" holds for every metre, as it does for a whole walk on D. So a street walked
in halves on two days counts from the earlier one, becomes due again when that half does, and agrees
with `covered_fraction` of the walks within the resurvey window. The rule needs no resurvey window,
so the stored day stays right when RESURVEY_AFTER_DAYS changes; readers apply the window.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import groupby

from sqlalchemy import bindparam, select, update

from survey.models import Street, Walk

# A gap this short between parts (or at an end) counts as walked: a tap on the map or a GPS fix is a
# few metres off, and a volunteer who passed within 5 m of every point saw what the survey looks for
# (a camera is placed on a street within 30 m, a sign counts within 50 m).
GAP_M = 10.0
# Fractions are stored to 4 decimals: two rounded ends may leave a gap of 1e-4 on any length.
ROUNDING = 2e-4
BATCH = 500

STREETS, WALKS = Street.__table__, Walk.__table__
WalkSpan = tuple[date, float | None, float | None]  # day, from_fraction, to_fraction (None, None: all)


def covered_fraction(parts: Iterable[tuple[float, float]]) -> float:
    """How much of 0..1 the parts cover together, overlaps counted once."""
    total, reach = 0.0, 0.0
    for start, end in sorted(parts):
        start = max(start, reach)
        if end > start:
            total, reach = total + end - start, end
    return round(min(total, 1.0), 4)


def covers_all(parts: Iterable[tuple[float, float]], length_m: float) -> bool:
    """True when the parts leave no gap along the street (nor at its ends) longer than GAP_M."""
    slack = max(GAP_M / length_m, ROUNDING) if length_m > 0 else 1.0
    reach = 0.0
    for start, end in sorted(parts):
        if start - reach > slack:
            return False
        reach = max(reach, end)
    return 1.0 - reach <= slack


def last_walked_completely(walks: Iterable[WalkSpan], length_m: float) -> date | None:
    """The latest day since which the walks have covered the whole street; None if they never have."""
    parts: list[tuple[float, float]] = []
    for day, same_day in groupby(sorted(walks, key=lambda w: w[0], reverse=True), key=lambda w: w[0]):
        for _, start, end in same_day:
            if start is None:
                return day
            parts.append((start, end))
        if covers_all(parts, length_m):
            return day
    return None


_STORE = update(STREETS).where(STREETS.c.id == bindparam("street")).values(last_walked=bindparam("day"))


def refresh_last_walked(connection, street_ids: Iterable[int]) -> list[int]:
    """Store each street's last_walked from its walks, on this connection (the caller's transaction or a
    migration's); the ids whose day changed."""
    ids, changed = sorted(set(street_ids)), []
    s, w = STREETS.c, WALKS.c
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        walks: dict[int, list[WalkSpan]] = defaultdict(list)
        spans = select(w.street_id, w.day, w.from_fraction, w.to_fraction).where(w.street_id.in_(chunk))
        for street_id, *span in connection.execute(spans):
            walks[street_id].append(tuple(span))
        stored = connection.execute(select(s.id, s.length_m, s.last_walked).where(s.id.in_(chunk)))
        updates = [
            {"street": street_id, "day": day}
            for street_id, length_m, before in stored
            if (day := last_walked_completely(walks[street_id], length_m)) != before
        ]
        if updates:
            connection.execute(_STORE, updates)
            changed += [u["street"] for u in updates]
    return changed
