"""Extra throwaway databases for tests that need more than the session's one (restore, load)."""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url


@contextmanager
def postgres_database(base_url: str, prefix: str = "survey_extra"):
    """A fresh database on the PostgreSQL server of `base_url`, dropped (even if in use) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def empty_database(tmp_dir: Path):
    """A new, empty database URL of the same kind as the test run's (SQLite file or PostgreSQL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_dir / f'extra-{uuid.uuid4().hex[:8]}.db'}"
        return
    with postgres_database(base) as url:
        yield url


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
            return {
                name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
                for name, table in meta.tables.items()
            }
    finally:
        engine.dispose()


def _pg_tool(name: str) -> str:
    import glob
    import shutil

    from tests.conftest import require_tool

    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    return found or require_tool(name, "postgresql")


class ThrowawayPostgres:
    """A private PostgreSQL cluster (initdb into a temp dir, its own port) that a test may stop.

    The shared server at 5432 is never touched. The cluster runs as the `postgres` user when
    the tests run as root, since PostgreSQL refuses to run as root.
    """

    def __init__(self):
        import pwd
        import socket
        import tempfile

        # Not under pytest's tmp_path: that is private to root and the server runs as postgres.
        self.directory = directory = Path(tempfile.mkdtemp(prefix="survey-pg-"))
        self.data, self.sockets = directory / "pgdata", directory / "pgsock"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        for path in (directory, self.sockets):
            path.mkdir(parents=True, exist_ok=True)
            if self.user:
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._run(_pg_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, *command: str) -> None:
        import subprocess

        if self.user:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_pg_tool("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w", "start")

    def stop(self) -> None:
        self._run(_pg_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def __enter__(self) -> "ThrowawayPostgres":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        import shutil

        try:
            self.stop()
        except Exception:
            pass  # already stopped by the test
        shutil.rmtree(self.directory, ignore_errors=True)
