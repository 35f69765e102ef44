"""A generated city survey for the findings tests: cameras of every maker, operator, type, zone, status
and signage class, in and around the areas tests' town, with signs and removals in the audit trail."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from survey.extensions import db
from survey.models import AuditEvent, Camera, Sign
from tests.areas.osmdata import BOUNDARY, NODES, make_town

# Spellings vary on purpose: the filters ignore case, the counts keep the stored value.
MAKERS = ("Hikvision", "Hikvision", "hikvision", "Dahua", "Axis", None)
OPERATORS = ("Cambridge City Council", "Cambridge City Council", "Grand Arcade", "Police", None)
TYPES = ("dome", "fixed", "panning", None)
ZONES = ("town", "traffic", "shop", "parking", None)
CLASSES = ("on_structure", "within_50m", "beyond_50m", "none_found", "not_surveyed")
STATUSES = ("active",) * 6 + ("removed", "removed", "withdrawn")
TOWN_BOX = (0.110, 52.200, 0.130, 52.210)  # the town's boundary, a rectangle


ON_STREETS = (1, 2, 3, 4, 5, 6, 11, 12, 13)  # town nodes on walkable streets: cameras a few metres off them


def _position(number: int, rng: random.Random) -> tuple[float, float]:
    """Every fourth camera by a street; of the rest, two thirds inside the town and a third up to 5 km round it."""
    if number % 4 == 0:
        lon, lat = NODES[ON_STREETS[(number // 4) % len(ON_STREETS)]]
        return lat + rng.uniform(-0.00005, 0.00005), lon + rng.uniform(-0.00005, 0.00005)
    if number % 3 != 2:
        return rng.uniform(52.2005, 52.2095), rng.uniform(0.1105, 0.1295)
    return rng.uniform(52.16, 52.25), rng.choice((rng.uniform(0.05, 0.105), rng.uniform(0.135, 0.2)))


def city_rows(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        lat, lon = _position(number, rng)
        first = date(2025, 1, 1) + timedelta(days=rng.randrange(540))
        signage = rng.choice(CLASSES)
        rows.append(
            {
                "lat": lat,
                "lon": lon,
                "status": rng.choice(STATUSES),
                "manufacturer": rng.choice(MAKERS),
                "model": None,
                "camera_type": rng.choice(TYPES),
                "zone": rng.choice(ZONES),
                "operator": rng.choice(OPERATORS),
                "first_seen": first if rng.random() > 0.05 else None,
                "last_confirmed": first + timedelta(days=rng.randrange(60)),
                "sightings_count": 1,
                "volunteers_count": 1,
                "signage_class": signage,
                "nearest_sign_m": None if signage == "not_surveyed" else rng.uniform(0, 200),
                "updated_at": datetime(2025, 9, 1, 8, tzinfo=UTC) + timedelta(days=number),
            }
        )
    return rows


def make_city(app, tmp_path, count: int = 240) -> dict:
    """The city in the database: {"area_id", "streets", "classes": {camera id: class}, "removed_on": {id: day}}."""
    town = make_town(app, tmp_path, name="City centre")
    rows = city_rows(count)
    with app.app_context():
        db.session.execute(insert(Camera), rows)
        cameras = db.session.execute(
            select(Camera.id, Camera.status, Camera.signage_class, Camera.updated_at).order_by(Camera.id)
        ).all()
        removed_on = _removals(cameras)
        _signs(cameras)
        db.session.commit()
    town["classes"] = {row.id: row.signage_class for row in cameras}
    town["removed_on"] = removed_on
    return town


def _removals(cameras) -> dict[int, date]:
    """An audit event for most removed cameras (the month they count in); the rest fall back to updated_at."""
    removed = [row.id for row in cameras if row.status == "removed"]
    cameras_by_id = {row.id: row for row in cameras}
    found = {}
    for i, camera_id in enumerate(removed):
        if i % 4 == 3:
            found[camera_id] = cameras_by_id[camera_id].updated_at.date()  # no event: its last change counts
            continue
        day = datetime(2025, 6, 1, 9, 30, tzinfo=UTC) + timedelta(days=6 * i)
        # An earlier removal (restored since) must not count: the last one does.
        db.session.add(AuditEvent(action="camera_removed", camera_id=camera_id, at=day - timedelta(days=90)))
        db.session.add(AuditEvent(action="camera_removed", camera_id=camera_id, at=day))
        found[camera_id] = day.date()
    return found


def _signs(cameras) -> None:
    rng = random.Random(3)
    for i in range(30):
        db.session.add(
            Sign(
                lat=rng.uniform(52.2005, 52.2095),
                lon=rng.uniform(0.1105, 0.1295),
                operator=rng.choice(OPERATORS),
                has_contact=rng.choice((True, False, None)),
                status="active" if i % 5 else "withdrawn",
                camera_id=cameras[i].id if i % 3 == 0 else None,
            )
        )


def town_bbox() -> str:
    assert BOUNDARY["coordinates"][0][0] == [TOWN_BOX[0], TOWN_BOX[1]]
    return ",".join(str(v) for v in TOWN_BOX)
