"""Which instance a running step belongs to, for script helpers that read the database.

Script tasks run inside SpiffWorkflow, which knows nothing of our session. The operation that
loads an instance binds it here; a helper such as ``tally_session`` reads it back and works in
the operation's own transaction.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy.orm import Session

from engine.models import ProcessInstance

_current: ContextVar[tuple[Session, ProcessInstance] | None] = ContextVar("tdkt_step", default=None)


def bind(session: Session, instance: ProcessInstance) -> None:
    """Record that scripts run from now on belong to ``instance`` in ``session``."""
    _current.set((session, instance))


def current() -> tuple[Session, ProcessInstance]:
    """Return the session and instance of the step being run; RuntimeError outside a step."""
    bound = _current.get()
    if bound is None:
        raise RuntimeError("no engine step is running: this helper works only inside a script")
    return bound
