"""Temporary, migrated databases and apps for the benchmarks."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey import create_app
from survey.extensions import db
from tests.dbtools import postgres_database as throwaway_postgres


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


def postgres_database(base_url: str):
    """A fresh PostgreSQL database for one case, dropped afterwards."""
    return throwaway_postgres(base_url, prefix="survey_bench")


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
