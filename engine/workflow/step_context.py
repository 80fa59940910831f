"""Which instance a running step belongs to, for script helpers that read the database; and the
reads a step keeps for its duration.

Script tasks run inside SpiffWorkflow, which knows nothing of our session. The operation that
loads an instance binds it here; a helper such as ``tally_session`` reads it back and works in
the operation's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

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


# --- reads kept for one step ---------------------------------------------------------------------

_KEPT = "tdkt.step.kept_reads"


@contextmanager
def keeping_reads(session: Session) -> Iterator[None]:
    """Keep, until the block ends, reads that nothing inside it changes (who holds a role).

    A step routes its new tasks past conflicts of interest, then notifies their lanes: both ask
    who holds the same lanes. Inside the block the first answer serves the second
    (:func:`kept_reads`). Nothing a step runs (scripts, subscribers) changes roles; the kept
    answers are dropped when the block ends, so a change made after it is read afresh. A
    nested block shares the outer one's reads.
    """
    if _KEPT in session.info:
        yield
        return
    session.info[_KEPT] = {}
    try:
        yield
    finally:
        session.info.pop(_KEPT, None)


def kept_reads(session: Session) -> dict[Any, Any] | None:
    """Return the reads kept by the enclosing :func:`keeping_reads` block, None outside one."""
    kept: dict[Any, Any] | None = session.info.get(_KEPT)
    return kept
