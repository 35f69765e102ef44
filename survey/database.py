"""Engine settings: SQLite in WAL mode with write transactions that wait, briefly, instead of failing;
PostgreSQL with connect, lock and statement timeouts, so a stuck database is a quick 503, not a hung worker.
"""

import os
import socket
import sqlite3
import threading
import time

from flask import Flask
from sqlalchemy import Select, TextClause, event, exc
from sqlalchemy.engine import Dialect, Engine

from survey.extensions import db


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
    # For begin_write: whether this transaction holds the write lock, and the changes made before it.
    connection.info["sqlite_begun"] = (bool(immediate), connection.connection.dbapi_connection.total_changes)


def begin_write() -> None:
    """Start the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    A SQLite read transaction that has written nothing is ended and begun again with the lock, so
    a request may read (a GET's token check) on the connection it later writes on.
    """
    session = db.session()
    if session.in_transaction():
        if not _sqlite_plain_read(session):
            return
        session.rollback()
    db.session.connection(execution_options={"sqlite_immediate": True})


def _sqlite_plain_read(session) -> bool:
    """True while the session's transaction is a SQLite deferred BEGIN with nothing written or pending."""
    if session.get_bind().dialect.name != "sqlite" or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    immediate, changes = connection.info.get("sqlite_begun", (True, None))
    return not immediate and connection.connection.dbapi_connection.total_changes == changes


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


def engine_options(uri: str, config: dict) -> dict:
    if uri.startswith("sqlite"):
        # pysqlite's timeout is SQLite's busy timeout: a held write lock makes writers wait this long,
        # then fail (503), rather than queue every request behind it.
        return {"connect_args": {"timeout": config["SQLITE_BUSY_TIMEOUT_S"], "check_same_thread": False}}
    # No JIT: the planner's guess for a page's candidate boxes (a VALUES list joined to the cameras)
    # passes jit_above_cost, and compiling took 6 ms of a 20 ms queue page for a 2 ms query. Our
    # queries are short lookups and streamed exports, which JIT does not speed up.
    options = "-c jit=off" + "".join(
        f" -c {name}={config[key]}"
        for name, key in (("statement_timeout", "DB_STATEMENT_TIMEOUT_MS"), ("lock_timeout", "DB_LOCK_TIMEOUT_MS"))
    )
    return {
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": config["DB_CONNECT_TIMEOUT_S"],  # all connections busy: 503 rather than a queue
        "connect_args": {"options": options, "connect_timeout": config["DB_CONNECT_TIMEOUT_S"]},
    }


class Watchdog:
    """Shuts the socket of a PostgreSQL call that outlives its deadline, so the blocked call fails.

    The server's statement_timeout needs a server that runs; one that accepted the connection and
    then stopped (SIGSTOP, a frozen VM) never answers, and the kernel keeps acknowledging, so only
    the client can give up. A shut socket makes psycopg raise OperationalError: a 503.
    """

    def __init__(self) -> None:
        self._deadlines: dict[int, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, dbapi_connection, seconds: float) -> None:
        with self._lock:
            self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()

    def release(self, dbapi_connection) -> None:
        with self._lock:
            self._deadlines.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            time.sleep(0.2)
            now = time.monotonic()
            with self._lock:
                late = [conn for key, (at, conn) in list(self._deadlines.items()) if at <= now]
                for conn in late:
                    self._deadlines.pop(id(conn), None)
            for conn in late:
                _shut(conn)


def _shut(dbapi_connection) -> None:
    try:
        with socket.socket(fileno=os.dup(dbapi_connection.pgconn.socket)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # closed meanwhile (psycopg raises its own error for that): nothing to unblock
        pass


WATCHDOG = Watchdog()


def _watch_postgres(engine: Engine, seconds: float, ping_seconds: float) -> None:
    """Every statement and every checkout ping on this engine gets a client-side deadline."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        WATCHDOG.watch(conn.connection.dbapi_connection, seconds)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        WATCHDOG.release(conn.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        if context.connection is not None and context.connection.connection.dbapi_connection is not None:
            WATCHDOG.release(context.connection.connection.dbapi_connection)

    from psycopg import pq  # PostgreSQL only: SQLite users need not load it

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, proxy):
        # pool_pre_ping's own ping runs outside the statement events, so a stuck server would hang it.
        WATCHDOG.watch(dbapi_connection, ping_seconds)
        try:
            # One round trip, straight through libpq: psycopg's own execute would open a transaction
            # that then needs a rollback (a second trip), and an open one forbids setting an isolation
            # level (a snapshot build reads in REPEATABLE READ).
            result = dbapi_connection.pgconn.exec_(b"SELECT 1")
            if result.status != pq.ExecStatus.TUPLES_OK:
                raise RuntimeError(result.get_error_message())
        except Exception as error:
            raise exc.DisconnectionError() from error  # the pool tries a fresh connection once more
        finally:
            WATCHDOG.release(dbapi_connection)


def render_item(type_, obj, autogen_context):
    """Migrations spell our UTC column type as plain DateTime: the conversion lives in Python."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime()"
    return False


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri, app.config))
    db.init_app(app)
    if not uri.startswith("sqlite"):
        with app.app_context():
            # A little past the server's own statement timeout, which answers first when it can.
            config = app.config
            _watch_postgres(db.engine, config["DB_STATEMENT_TIMEOUT_MS"] / 1000 + 1, config["DB_CONNECT_TIMEOUT_S"])
