"""Temporary, migrated databases and apps for the benchmarks."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.extensions import db


def bench_config(url: str, data_dir: Path | str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
    }


def migrated_app(url: str, data_dir: Path | str) -> Flask:
    """An app on `url`, upgraded to the newest migration."""
    from flask_migrate import upgrade

    app = create_app(bench_config(url, data_dir))
    with app.app_context():
        upgrade()
    return app


def sqlite_url(workdir: Path | str, name: str) -> str:
    return f"sqlite:///{Path(workdir) / name}"


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one case, dropped afterwards."""
    name = f"survey_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
