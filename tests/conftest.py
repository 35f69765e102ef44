"""Fixtures: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set)."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from survey import create_app
from survey.extensions import db
from survey.publish import snapshots
from tests.dbtools import migrate, postgres_database
from tests.support import moderator

SHARED_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "photos"


def require_tool(name: str, package: str) -> str:
    """The tool's path; a skip naming the Debian package, or a failure in CI."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not found: install the Debian package {package}"
    if os.environ.get("SURVEY_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def corpus() -> Path:
    if not (SHARED_PHOTOS / "truth.json").is_file():
        pytest.skip(f"photo corpus not found at {SHARED_PHOTOS}")
    return SHARED_PHOTOS


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, migrated database for this test session."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'survey.db'}"
        migrate(url)
        yield url
        return
    with postgres_database(base, prefix="survey_test") as url:
        migrate(url)
        yield url


def test_config(database_url: str, data_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": str(data_dir),
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "SNAPSHOT_SETTLE_S": 0,  # build at once: tests wait for the build, they never time it
        "SNAPSHOT_CHECK_S": 0,  # and every download checks the data version
        "MAP_CHOICES_STALE_S": 0,  # each test's map offers its own cameras' makers, not an earlier test's
    }


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(test_config(database_url, tmp_path / "photos"))
    yield app
    with app.app_context():
        snapshots.wait_for_build()  # a download with PUBLIC_URL set may have started one
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        # The foreign-key cycles: cameras and signs name photos, and each other.
        conn.execute(text("UPDATE cameras SET photo_id = NULL, nearest_sign_id = NULL"))
        conn.execute(text("UPDATE signs SET photo_id = NULL, camera_id = NULL"))
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def mod(app) -> dict:
    """Headers carrying a moderator's API token (mod@example.org)."""
    return moderator(app)


@pytest.fixture
def admin(app) -> dict:
    """Headers carrying an admin's API token (admin@example.org)."""
    return moderator(app, "admin@example.org", role="admin")


@pytest.fixture
def live_server(app):
    """The app on a real loopback port (threads share the test database), for browsers and GDAL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)
    # Requests still running must finish before the next test empties the tables, or an upload
    # a closed page left in flight lands in the next test's database. Bounded, so nothing hangs CI.
    for handler in [t for t in threading.enumerate() if t.name.endswith("(process_request_thread)")]:
        handler.join(30)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    executable = require_tool("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def screenshot_path(name: str) -> Path:
    """Where a test saves a screenshot (tests/artifacts/, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
