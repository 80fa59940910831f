"""Moving a live instance to a new version, and the append-only audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden
from engine.models import AuditEvent, HumanTask
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import DATA, review_data

REVIEW = (DATA / "review.bpmn").read_text()


def _deploy(session: Session, folder: Path, text_: str) -> int:
    (folder / "review.bpmn").write_text(text_)
    (folder / "route.dmn").write_text((DATA / "route.dmn").read_text())
    (spec,) = operations.deploy(session, [folder])
    return spec.id


def _open(session: Session, instance_id: int) -> list[tuple[str, int]]:
    rows = session.execute(
        select(HumanTask.element_id, HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "ready"
        )
    ).all()
    session.commit()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_migrate_when_only_tasks_ahead_changed(
    tmp_path: Path, db_session: Session, world: World
) -> None:
    _deploy(db_session, tmp_path, REVIEW)
    instance_id = operations.start(db_session, "review", data=review_data(world)).id
    v2 = _deploy(
        db_session, tmp_path, REVIEW.replace('"label": "Lý do"', '"label": "Lý do trả lại"')
    )
    assert operations.check_migration(db_session, instance_id, v2) == operations.MigrationCheck(
        True, []
    )
    with pytest.raises(Forbidden):
        operations.migrate(db_session, instance_id, v2, world.secretary)
    migrated = operations.migrate(db_session, instance_id, v2, world.admin)
    assert migrated.spec_id == v2
    [(element, prepare)] = _open(db_session, instance_id)
    assert element == "prepare"
    operations.complete(db_session, prepare, world.clerk_a, {"title": "x"})
    [(element, approve)] = _open(db_session, instance_id)
    form = db_session.get_one(HumanTask, approve).form
    db_session.commit()
    assert form[1]["label"] == "Lý do trả lại"


def test_migration_is_refused_when_a_changed_task_already_ran(
    tmp_path: Path, db_session: Session, world: World
) -> None:
    _deploy(db_session, tmp_path, REVIEW)
    instance_id = operations.start(db_session, "review", data=review_data(world)).id
    [(_e, prepare)] = _open(db_session, instance_id)
    operations.complete(db_session, prepare, world.clerk_a, {"title": "x"})
    v2 = _deploy(db_session, tmp_path, REVIEW.replace('"label": "Tiêu đề"', '"label": "Tên"'))
    check = operations.check_migration(db_session, instance_id, v2)
    assert not check.ok
    assert check.reasons == ["Bước «prepare» đã chạy và đã thay đổi trong phiên bản mới."]
    with pytest.raises(Conflict, match="prepare"):
        operations.migrate(db_session, instance_id, v2, world.admin)


def test_audit_trail_is_append_only_on_postgresql(db_session: Session) -> None:
    db_session.add(AuditEvent(action="probe", summary={}))
    db_session.commit()
    dialect = db_session.get_bind().dialect.name
    for statement in ("UPDATE audit_event SET action = 'changed'", "DELETE FROM audit_event"):
        if dialect == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"):
                db_session.execute(text(statement))
            db_session.rollback()
        else:
            # SQLite has no such trigger (the embedded, single-office shape); nothing refuses.
            db_session.execute(text(statement))
            db_session.rollback()
    assert db_session.scalars(select(AuditEvent.action)).all() == ["probe"]
