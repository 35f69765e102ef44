"""Engine settings: SQLite in WAL mode with write transactions that wait instead of failing."""

import sqlite3

from flask import Flask
from sqlalchemy import Select, TextClause, event
from sqlalchemy.engine import Dialect, Engine

from survey.extensions import db

SQLITE_BUSY_TIMEOUT_S = 30


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (below), so pysqlite must not.
    dbapi_connection.isolation_level = None
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}",
    ):
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


def plain_rows(statement: Select | TextClause, params: dict) -> list[tuple]:
    """Run a Core select in the session's transaction straight on the DBAPI cursor; rows as tuples.

    For hot lookups only (no type conversion of results): SQLAlchemy's result set-up reads
    cursor.description, which psycopg builds column by column, a third of a 0.25 ms lookup.
    """
    connection = db.session.connection()
    sql, order = _compiled(statement, connection.dialect)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, params if order is None else [params[name] for name in order])
        return cursor.fetchall()
    finally:
        cursor.close()


# (id of statement, dialect) -> (statement, SQL, parameter order); holding the statement keeps its id unique.
_COMPILED: dict[tuple[int, str], tuple[Select | TextClause, str, tuple | None]] = {}


def _compiled(statement: Select | TextClause, dialect: Dialect) -> tuple[str, tuple | None]:
    """SQL text for the dialect, and the parameter order when its paramstyle is positional."""
    key = (id(statement), dialect.name)
    if key not in _COMPILED:
        compiled = statement.compile(dialect=dialect)
        order = tuple(compiled.positiontup) if compiled.positional else None
        _COMPILED[key] = (statement, str(compiled), order)
    return _COMPILED[key][1:]


def engine_options(uri: str) -> dict:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}}
    # No JIT: the planner's guess for a page's candidate boxes (a VALUES list joined to the cameras)
    # passes jit_above_cost, and compiling took 6 ms of a 20 ms queue page for a 2 ms query. Our
    # queries are short lookups and streamed exports, which JIT does not speed up.
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10, "connect_args": {"options": "-c jit=off"}}


def render_item(type_, obj, autogen_context):
    """Migrations spell our UTC column type as plain DateTime: the conversion lives in Python."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime()"
    return False


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    db.init_app(app)
