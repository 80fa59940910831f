"""The front door: the one way a state change opens, commits and rolls back its transaction.

Every operation that writes (an engine step, a domain or admin operation, a sweep's item) runs
inside ``with unit_of_work(session):``. The outermost block commits when it ends and rolls back
on any exception, which then propagates; a block inside another joins it, so an operation that
calls another (filing a dossier starts its workflow) is still one commit. Nothing else in the
code base calls ``commit()`` or ``rollback()``: views, API endpoints and Celery tasks call
operations, and reads never commit (the request's session is closed at teardown).

Reads a request made before the operation (the signed-in user, the page's checks) belong to the
same transaction; rows locked by the operation are read afresh (``populate_existing``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

_DEPTH = "tdkt_unit_of_work_depth"


@contextmanager
def unit_of_work(target: Session | sessionmaker[Session]) -> Iterator[Session]:
    """Run the block as one unit of work and yield its session.

    ``target`` is a session (a request's, a test's) or a session factory, whose new session is
    closed after the block (a sweep's item, a Celery job).
    """
    if isinstance(target, sessionmaker):
        with target() as session, unit_of_work(session):
            yield session
        return
    session = target
    depth: int = session.info.get(_DEPTH, 0)
    if depth:
        session.info[_DEPTH] = depth + 1
        try:
            yield session
        finally:
            session.info[_DEPTH] = depth
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("rows were changed outside a unit of work")
    session.info[_DEPTH] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_DEPTH, None)


def in_unit_of_work(session: Session) -> bool:
    """Return whether ``session`` is inside a unit of work (a step's helpers require one)."""
    return bool(session.info.get(_DEPTH))
