"""Wire the domain into the engine: ballot box, script helpers, completion data, subscribers.

Every process that runs engine operations (web, worker, beat, the CLI, tests) calls
:func:`install` once through ``build_runtime``; calling it again changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.domain import council, dossiers
from engine.workflow import cache as workflow_cache
from engine.workflow import spiff, stepping

log = logging.getLogger(__name__)


def install(settings: Settings) -> None:
    """Register the domain's hooks and apply the settings the engine reads."""
    import engine.notify  # noqa: F401 - importing it subscribes the notifications

    stepping.configure(settings.max_returns)
    workflow_cache.configure(settings.workflow_cache)
    council.install()
    dossiers.install()


def refresh_calendar(session: Session) -> None:
    """Give due dates and ``working_days_ahead`` the calendar with the administrators' overrides.

    The reminder ladders, which new tasks are scheduled with, are read again with it. Called at
    start-up, by every reminder sweep and (through :func:`refresh_calendar_if_stale`) by web
    requests and timer sweeps, so a change made in one process reaches the others within a
    minute.
    """
    from engine.notify import load_calendar, refresh_ladders

    try:
        spiff.set_calendar(load_calendar(session))
        refresh_ladders(session)
    except SQLAlchemyError:
        # Before the first migration there are no such tables yet: plain calendar, and the
        # ladders are read at their first use.
        log.debug("calendar overrides or reminder ladders not loaded", exc_info=True)
        session.rollback()


#: How long a process may use its copies of the calendar and the ladders before reading them again.
CALENDAR_MAX_AGE_SECONDS = 60.0
_calendar_loaded_at = 0.0
_calendar_lock = threading.Lock()


def refresh_calendar_if_stale(factory: sessionmaker[Session]) -> None:
    """Reload the calendar and the ladders when this process's copies are older than a minute."""
    global _calendar_loaded_at
    if time.monotonic() - _calendar_loaded_at < CALENDAR_MAX_AGE_SECONDS:
        return
    with _calendar_lock:
        if time.monotonic() - _calendar_loaded_at < CALENDAR_MAX_AGE_SECONDS:
            return
        with factory() as session:
            refresh_calendar(session)
        _calendar_loaded_at = time.monotonic()
