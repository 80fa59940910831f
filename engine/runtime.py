"""The runtime, and the wiring: every plug of the engine, listed in one place.

Web, the Celery worker and beat, the CLI, tests and the benchmarks build a :class:`Runtime`
with :func:`build_runtime`. It holds the settings, the database engine, the session factory and
the Redis URL, and the :class:`~engine.wiring.Wiring` its sessions carry. Nothing registers
itself at import time: whatever the engine calls back (event subscribers, form-field handlers,
script helpers, completion data, message routes, the first reminder of a new task, the e-mail
enqueue, the session listeners) is named in :func:`build_wiring` and :func:`build_runtime`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine import calendar, notify
from engine.calendar import ProcessCalendar
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.domain import conflicts, council, dossiers
from engine.files import FileStore, build_store
from engine.notify import subscribers, webhooks
from engine.redis_service import start_embedded
from engine.wiring import Dispatcher, Wiring
from engine.workflow import spiff
from engine.workflow.cache import WorkflowCache
from engine.workflow.specs import SpecCache

log = logging.getLogger(__name__)


def build_wiring(
    settings: Settings,
    *,
    dispatchers: Sequence[Dispatcher] = (),
    script_helpers: dict[str, Callable[..., Any]] | None = None,
    **replace: Any,
) -> Wiring:
    """Return the engine's plugs for ``settings``.

    ``dispatchers`` are called after commit with the ids of new e-mails (the web and the worker
    pass the Celery enqueue). ``script_helpers`` and ``replace`` (any other field of
    :class:`Wiring`) let a test or a benchmark plug a double in explicitly.
    """
    process_calendar = ProcessCalendar(notify.current_config().tz)
    helpers: dict[str, Callable[..., Any]] = {
        **spiff.standard_helpers(process_calendar.current),
        # The council session's script: the tally from the sealed ballots, and the agency's
        # vote rules filled into DMN rows the legal text leaves open.
        "tally_session": council.tally_helper,
        "agency_vote_rules": council.agency_vote_rules,
        **(script_helpers or {}),
    }
    plugs: dict[str, Any] = {
        "ballot_key": hashlib.sha256(
            b"tdkt-ballot-sheet:" + settings.resolved_secret_key().encode()
        ).digest(),
        "script_engine": spiff.script_engine(helpers),
        "specs": SpecCache(),
        "workflows": WorkflowCache(settings.workflow_cache),
        "calendar": process_calendar,
        "ladders": notify.LadderCopy(),
        # In this order: notifications first, then the award history of a decided dossier,
        # then the webhook deliveries (engine.notify.webhooks).
        "subscribers": (subscribers.on_events, dossiers.record_awards, webhooks.on_events),
        # A ballot's votes are sealed by the ballot box; the task data keeps only a receipt.
        "field_handlers": {"ballot": council.ballot_field_handler},
        # Submitting the dossier checks its eligibility again from the award history.
        "completion_data": {"prepare_dossier": dossiers.refresh_eligibility},
        # A council session's result goes to each of its dossiers' instances.
        "message_routes": {"council_result": council.council_result_route},
        # A new task's first reminder is written in its INSERT.
        "reminder_schedule": notify.first_reminder_at,
        # Nobody reviews, approves, posts or decides their own dossier (domain.conflicts).
        "task_router": conflicts.route_task,
        "act_guard": conflicts.refuse_own,
        "dispatchers": tuple(dispatchers),
        "max_returns": settings.max_returns,
    }
    plugs.update(replace)
    return Wiring(**plugs)


def listen(factory: sessionmaker[Session]) -> None:
    """Attach the engine's session listeners to ``factory`` (never to SQLAlchemy's Session)."""
    # E-mails leave after commit; a rolled-back step sends none.
    event.listen(factory, "after_commit", notify.dispatch_after_commit)
    event.listen(factory, "after_rollback", notify.forget_after_rollback)
    # A saved reminder ladder is read again once it is committed.
    event.listen(factory, "after_commit", notify.forget_saved_ladder)
    event.listen(factory, "after_rollback", notify.keep_ladders_after_rollback)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis_url: str
    wiring: Wiring
    #: Where attachments, generated documents and import uploads live (TDKT_FILE_STORE).
    files: FileStore

    def dispose(self) -> None:
        """Close every pooled database connection."""
        self.engine.dispose()

    def refresh_calendar(self) -> None:
        """Read the calendar overrides and the reminder ladders again into this process.

        Called at start-up and by every reminder sweep; :meth:`refresh_calendar_if_stale` by web
        requests and timer sweeps, so a change made in one process reaches the others within a
        minute.
        """
        with self.session_factory() as session:
            try:
                self.wiring.calendar.load(session)
                self.wiring.ladders.refresh(session)
            except SQLAlchemyError:
                # Before the first migration there are no such tables yet: plain calendar, and
                # the ladders are read at their first use. Closing the session rolls back.
                log.debug("calendar overrides or reminder ladders not loaded", exc_info=True)

    def refresh_calendar_if_stale(self) -> None:
        """Do :meth:`refresh_calendar` when this process's copy is older than a minute."""
        if self.wiring.calendar.claim_refresh():
            self.refresh_calendar()


def build_runtime(
    settings: Settings, *, dispatchers: Sequence[Dispatcher] = (), **replace: Any
) -> Runtime:
    """Create the engine, the wired session factory; start the embedded Redis when none is set."""
    calendar.warm_up()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    notify.configure(
        notify.NotifyConfig(
            base_url=settings.public_url,
            email=bool(settings.smtp_host),
            digest_hour=settings.digest_hour,
        )
    )
    wiring = build_wiring(settings, dispatchers=dispatchers, **replace)
    engine = make_engine(settings.db_url)
    redis_url = settings.redis_url or start_embedded(settings.data_dir)
    factory = make_session_factory(engine, wiring)
    listen(factory)
    runtime = Runtime(
        settings, engine, factory, redis_url, wiring, build_store(settings.file_store, engine)
    )
    runtime.refresh_calendar()
    # Pool nothing opened at start-up: Celery and gunicorn fork after this, and a connection
    # shared by two processes corrupts both (SQLAlchemy docs, "Using Connection Pools with
    # Multiprocessing or os.fork()").
    engine.dispose()
    return runtime
