"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from survey.extensions import db


def test_migrated_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_every_table_exists_with_its_alembic_version(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"sightings", "cameras", "photos", "users", "api_tokens", "audit_events", "alembic_version"} <= tables


def test_sqlite_runs_in_wal_mode(app):
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            return
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
