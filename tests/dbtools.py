"""Extra throwaway databases for tests that need more than the session's one (restore, load)."""
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url


@contextmanager
def empty_database(tmp_dir: Path):
    """A new, empty database URL of the same kind as the test run's (SQLite file or PostgreSQL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_dir / f'extra-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"survey_extra_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def all_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, as plain tuples: two databases compare with ==."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()
