"""What the engine is plugged with, and how code that holds a session finds it.

The runtime builds one :class:`Wiring` (``engine.runtime.build_wiring``: every subscriber, form
field handler, script helper, completion-data provider, message route and listener, listed in
one function) and gives it to its session factory. Every session that factory makes carries it in
``session.info``, so an operation, a step or a subscriber reads its plugs with :func:`of` from the
session it was given: nothing registers itself at import time and there is no process-global
registry to fill or to reset. A test that wants other plugs builds another wiring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.calendar import ProcessCalendar
from engine.models import HumanTask, ProcessInstance

if TYPE_CHECKING:
    from engine.events import Subscriber
    from engine.notify.reminders import LadderCopy
    from engine.workflow.cache import WorkflowCache
    from engine.workflow.specs import SpecCache

#: Takes the value of a form field of its type and returns what the task data gets instead.
FieldHandler = Callable[[Session, HumanTask, Any], Any]
#: Data the system adds to every completion of one element (e.g. eligibility on submission).
CompletionData = Callable[[Session, ProcessInstance, HumanTask], dict[str, Any]]
#: Says which instances get a thrown message: (instance id, payload for it) pairs.
MessageRoute = Callable[[Session, ProcessInstance, Any], list[tuple[int, Any]]]
#: Returns a new task row's first reminder from its column values.
ReminderSchedule = Callable[[Session, dict[str, Any]], datetime | None]
#: Adjusts a new human_task's lane before it is inserted (conflicts of interest).
TaskRouter = Callable[[Session, dict[str, Any]], None]
#: Refuses (raises) a completion the actor may not make on this dossier.
ActGuard = Callable[[Session, Any, Any], None]
#: Called after commit with the ids of the new e-mails to send (the Celery enqueue).
Dispatcher = Callable[[list[int]], None]

_KEY = "tdkt_wiring"


@dataclass(frozen=True)
class Wiring:
    """The plugs of one runtime (see the module docstring)."""

    script_engine: Any
    #: What the runtime keeps between steps: parsed specs, kept workflows, the calendar in
    #: force and the reminder ladders (each read again as its docstring says).
    specs: SpecCache
    workflows: WorkflowCache
    calendar: ProcessCalendar
    ladders: LadderCopy
    subscribers: tuple[Subscriber, ...] = ()
    field_handlers: Mapping[str, FieldHandler] = field(default_factory=dict)
    completion_data: Mapping[str, CompletionData] = field(default_factory=dict)
    message_routes: Mapping[str, MessageRoute] = field(default_factory=dict)
    reminder_schedule: ReminderSchedule | None = None
    task_router: TaskRouter | None = None
    act_guard: ActGuard | None = None
    dispatchers: tuple[Dispatcher, ...] = ()
    #: How often a dossier may be returned for revision before the step refuses (TDKT_MAX_RETURNS).
    max_returns: int = 3
    #: The key of the ballot box's sheet HMAC (from the secret key; engine.domain.council).
    ballot_key: bytes = b""

    def session_info(self) -> dict[str, Any]:
        """Return the ``info`` a session factory gives each of its sessions."""
        return {_KEY: self}


def of(session: Session) -> Wiring:
    """Return the wiring of the runtime whose factory made ``session``."""
    wiring: Wiring | None = session.info.get(_KEY)
    if wiring is None:
        raise RuntimeError(
            "this session was not made by a runtime's session factory "
            "(engine.runtime.build_runtime, or engine.db.make_session_factory with a wiring)"
        )
    return wiring
