"""Shared fixtures: a migrated database and a Redis per test session, an app, role users.

PostgreSQL and a Redis server are used when TDKT_TEST_DATABASE_URL / TDKT_TEST_REDIS_URL are set
(CI); otherwise a SQLite file and the embedded Redis. Every test starts from empty tables (the
schema itself is built once, with ``alembic upgrade head``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings, load_settings
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.redis_service import client_url, start_embedded, stop_embedded
from engine.runtime import build_wiring, listen
from engine.wiring import Wiring

pytest_plugins = ["tests.notify_helpers"]

# Tables whose rows are part of the schema (seeded by migrations) and survive the per-test reset.
SEEDED_TABLES = {"alembic_version", "role"}


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tdkt")


@pytest.fixture(scope="session")
def database_url(session_dir: Path) -> str:
    return os.environ.get("TDKT_TEST_DATABASE_URL") or f"sqlite:///{session_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def redis_url(session_dir: Path) -> Iterator[str]:
    url = os.environ.get("TDKT_TEST_REDIS_URL")
    if url:
        yield url
        return
    yield start_embedded(session_dir / "redis")
    stop_embedded()


@pytest.fixture(scope="session")
def settings(session_dir: Path, database_url: str, redis_url: str) -> Settings:
    return load_settings(
        {},
        data_dir=str(session_dir / "data"),
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key",
        demo=True,
        # Tests move the clock by weeks (posting periods); a session must outlive the jump.
        session_idle_minutes=525_600,
    )


@pytest.fixture(scope="session")
def db_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.db_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _reset(engine: Engine) -> None:
    tables = [t for t in inspect(engine).get_table_names() if t not in SEEDED_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            if tables:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608 - names from the schema


@pytest.fixture
def clean_db(db_engine: Engine, redis_url: str) -> Engine:
    """Give the test empty tables and an empty Redis database."""
    empty_database(db_engine, redis_url)
    return db_engine


def empty_database(db_engine: Engine, redis_url: str) -> None:
    """Empty the tables and the Redis database.

    What a runtime keeps between steps (parsed specs, kept workflows, ladders, the calendar)
    lives in its wiring, and every test builds its own, so nothing else needs resetting.
    """
    _reset(db_engine)
    client = redis.Redis.from_url(client_url(redis_url))
    client.flushdb()
    client.close()


@pytest.fixture
def wiring(settings: Settings) -> Wiring:
    """The engine's plugs as every process has them; a module overrides this to plug doubles."""
    return build_wiring(settings)


@pytest.fixture
def session_factory(clean_db: Engine, wiring: Wiring) -> sessionmaker[Session]:
    """A session factory wired like a runtime's (its sessions carry ``wiring``)."""
    factory = make_session_factory(clean_db, wiring)
    listen(factory)
    return factory


@pytest.fixture
def db_session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def app(settings: Settings, clean_db: Engine) -> Iterator[Flask]:
    from web.app import create_app

    flask_app = create_app({"TESTING": True}, settings=settings)
    yield flask_app
    flask_app.extensions["tdkt"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
