"""Database engine and sessions: one session per request or job, one commit per unit of work."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.wiring import Wiring

#: The largest id a row can have: ids are INTEGER columns, 32-bit in PostgreSQL, which refuses a
#: larger value in a query (SQLite does not, so the bound is checked before the query, for both).
MAX_ID = 2**31 - 1


def is_id(value: int) -> bool:
    """Whether ``value`` can be a row's id (1 … MAX_ID); anything else names no row."""
    return 1 <= value <= MAX_ID


def as_id(text: str | None) -> int | None:
    """Return the row id ``text`` names (ASCII digits, 1 … MAX_ID), else None (names no row)."""
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or not is_id(int(value)):
        return None
    return int(value)


class DatabaseUnavailable(Exception):
    """The configured database cannot be reached."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web, the worker and beat read while one of them writes; busy_timeout makes a
    # writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the application
    # loses nothing and the file is never corrupted; a power cut may lose the last commits.
    # FULL cost an fsync (~0.5 ms) on every engine step (bench/engine.py).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # SQLite has no SELECT … FOR UPDATE: BEGIN IMMEDIATE takes the database write lock at the
    # start of every transaction, which serialises engine steps the way a row lock would.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: URL, **kwargs: Any) -> Engine:
    """Create the SQLAlchemy engine for ``url`` with the project's connection settings."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
        event.listen(
            engine, "connect", lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None)
        )
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_idle_connections(engine)
    return engine


#: A pooled connection that has been idle this long (seconds) is pinged before it is used.
PING_AFTER_IDLE = 5.0


def ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out; replace it if it is dead.

    SQLAlchemy's pool_pre_ping pings on every checkout: one more round trip in every engine
    step (about an eighth of a PostgreSQL completion, bench/engine.py), not counted among its
    statements. A connection used moments ago is known to be alive; one that sat idle may
    have been cut by a database restart or a firewall, so only that one is pinged. If the
    database goes away between two busy steps, the step that meets the broken connection fails
    and rolls back, and SQLAlchemy then replaces every pooled connection.
    """

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure means the pool must open a fresh connection
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a one-line reason if the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(reason) from None


def make_session_factory(engine: Engine, wiring: Wiring | None = None) -> sessionmaker[Session]:
    """Return the session factory; objects stay readable after commit for rendering.

    Its sessions carry ``wiring`` (engine.wiring), which every engine step needs; a factory
    without one serves only plain reads and writes (migrations, schema checks).
    """
    info = wiring.session_info() if wiring is not None else None
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)
