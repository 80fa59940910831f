"""A step asks who holds a lane twice (the conflict router, then the notification); it reads the
holders once, and a role given after the step is seen by the next one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.org import grant_role
from engine.models import Notification
from tests.common.procedure import deployed


def _holder_reads(action: Any) -> int:
    reads: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if "JOIN role_membership" in statement and statement.lstrip().startswith("SELECT"):
            reads.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(reads)


def _told(factory: sessionmaker[Session], user_id: int) -> list[str]:
    with factory() as session:
        return list(
            session.scalars(select(Notification.kind).where(Notification.user_id == user_id)).all()
        )


def test_a_step_reads_its_new_lanes_holders_once_and_a_later_role_is_seen(
    session_factory: sessionmaker[Session],
) -> None:
    with deployed(session_factory) as proc:
        first = proc.file("vanthu.qlkh", "cb004", "LDTT")
        second = proc.file("vanthu.qlkh", "cb011", "LDTT")
        proc.prepare(first)
        proc.prepare(second)
        # The unit head's approval opens the secretariat's completeness check: the router
        # checks its holders for a conflict of interest, the notification tells them.
        assert _holder_reads(lambda: proc.unit_review(first)) == 1
        assert proc.ready(first) == ["completeness_check"]
        # A secretariat member added now is told of the next dossier's step.
        newcomer = proc.user("vanthu.qlkh")
        with session_factory() as session:
            grant_role(session, proc.user("admin"), newcomer.id, "secretariat", None)
        before = _told(session_factory, newcomer.id).count("task_ready")
        proc.unit_review(second)
        assert _told(session_factory, newcomer.id).count("task_ready") == before + 1
