"""Migration 0015 works out streets.last_walked for the walks recorded before it, and its downgrade
keeps every walk."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from survey import create_app
from survey.extensions import db
from tests.dbtools import empty_database

LINE = '{"type":"MultiLineString","coordinates":[[[0.1,52.2],[0.101,52.2]]]}'
# street: its walks as (day, from, to); what 0015 must store
STREETS = {
    1: ([("2026-05-01", None, None), ("2026-09-01", 0.0, 0.5)], date(2026, 5, 1)),
    2: ([("2026-06-01", 0.0, 0.5), ("2026-07-01", 0.5, 1.0)], date(2026, 6, 1)),
    3: ([("2026-06-01", 0.0, 0.4), ("2026-07-01", 0.6, 1.0)], None),
    4: ([], None),
}


def test_0015_fills_last_walked_from_the_walks_already_recorded(tmp_path):
    with empty_database(tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate"})
        with app.app_context():
            upgrade(revision="0014")
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO survey_areas (id, name, boundary, created_at, min_lon, min_lat, max_lon, max_lat)"
                        " VALUES (1, 'Old town', '{}', '2026-01-01 00:00:00', 0, 52, 1, 53)"
                    )
                )
                for street_id, (walks, _) in STREETS.items():
                    conn.execute(
                        text(
                            "INSERT INTO streets (id, area_id, source_key, geometry, length_m,"
                            " min_lon, min_lat, max_lon, max_lat) VALUES (:id, 1, :key, :line, 68.2, 0.1, 52.2, 0.101, 52.2)"
                        ),
                        {"id": street_id, "key": f"way:{street_id}", "line": LINE},
                    )
                    for n, (day, start, end) in enumerate(walks):
                        conn.execute(
                            text(
                                "INSERT INTO walks (street_id, day, client_id, from_fraction, to_fraction)"
                                " VALUES (:street, :day, :client, :start, :end)"
                            ),
                            {"street": street_id, "day": date.fromisoformat(day), "client": f"{street_id}-{n}",
                             "start": start, "end": end},
                        )  # fmt: skip
            upgrade()
            with db.engine.connect() as conn:
                stored = dict(conn.execute(text("SELECT id, last_walked FROM streets")).all())
            assert {k: _day(v) for k, v in stored.items()} == {k: want for k, (_, want) in STREETS.items()}
            downgrade(revision="0014")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM walks")).scalar() == 6
                columns = conn.execute(text("SELECT * FROM streets")).keys()
            assert "last_walked" not in columns
            db.engine.dispose()


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value
