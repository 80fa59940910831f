"""The process-wide runtime: settings, database engine, session factory and Redis URL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import hooks
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.redis_service import start_embedded


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis_url: str

    def dispose(self) -> None:
        """Close every pooled database connection."""
        self.engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    """Create the engine and session factory; start the embedded Redis when none is configured."""
    from engine import calendar, notify

    calendar.warm_up()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    notify.configure(
        notify.NotifyConfig(
            base_url=settings.public_url,
            email=bool(settings.smtp_host),
            digest_hour=settings.digest_hour,
        )
    )
    engine = make_engine(settings.db_url)
    redis_url = settings.redis_url or start_embedded(settings.data_dir)
    factory = make_session_factory(engine)
    hooks.install(settings)
    with factory() as session:
        hooks.refresh_calendar(session)
    # Pool nothing opened at start-up: Celery and gunicorn fork after this, and a connection
    # shared by two processes corrupts both (SQLAlchemy docs, "Using Connection Pools with
    # Multiprocessing or os.fork()").
    engine.dispose()
    return Runtime(settings, engine, factory, redis_url)
