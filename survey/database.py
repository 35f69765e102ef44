"""Engine settings: SQLite in WAL mode with write transactions that wait instead of failing."""
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from survey.extensions import db

SQLITE_BUSY_TIMEOUT_S = 30
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32-bit on PostgreSQL


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a number no id column can hold matches no route (404), instead of
    reaching the database and failing there (integer out of range on PostgreSQL, OverflowError on SQLite)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (below), so pysqlite must not.
    dbapi_connection.isolation_level = None
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes gets SQLITE_BUSY at once when another
    # writer got in between; taking the write lock up front makes it wait (busy_timeout) instead.
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write() -> None:
    """Start the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite)."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_immediate": True})


def engine_options(uri: str) -> dict:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def render_item(type_, obj, autogen_context):
    """Migrations spell our UTC column type as plain DateTime: the conversion lives in Python."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime()"
    return False


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId  # before any route is added
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    db.init_app(app)
