"""Wire the domain into the engine: ballot box, script helpers, completion data, subscribers.

Every process that runs engine operations (web, worker, beat, the CLI, tests) calls
:func:`install` once through ``build_runtime``; calling it again changes nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine import council, dossiers, spiff, stepping
from engine.config import Settings

log = logging.getLogger(__name__)


def install(settings: Settings) -> None:
    """Register the domain's hooks and apply the settings the engine reads."""
    import engine.notify  # noqa: F401 - importing it subscribes the notifications

    stepping.configure(settings.max_returns)
    council.install()
    dossiers.install()


def refresh_calendar(session: Session) -> None:
    """Give due dates and ``working_days_ahead`` the calendar with the administrators' overrides.

    Called at start-up and by every reminder sweep, so a change made in one process reaches
    the others within a sweep interval.
    """
    from engine.notify import load_calendar

    try:
        spiff.set_calendar(load_calendar(session))
    except SQLAlchemyError:
        # Before the first migration there is no override table yet: plain calendar.
        log.debug("calendar overrides not loaded", exc_info=True)
        session.rollback()
