"""Designer group names (lanes, candidate and starter groups) mapped to roles, per process.

A spiff-arena lane "Manager" or a Camunda ``candidateGroups="management"`` is no role of the
procedure; an administrator maps it here (docs/process-design.md). The projection reads the
mapping when a task becomes ready, and the deploy check refuses a name nobody mapped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit
from engine.admin.common import require, text_field
from engine.errors import ValidationFailed
from engine.models import ProcessGroupRole, Role, User, WorkflowSpec
from engine.unit_of_work import unit_of_work
from engine.workflow import specs


@dataclass(frozen=True)
class GroupRow:
    """One designer name of a process and the role it stands for (None: not mapped)."""

    name: str
    role: str | None
    is_role: bool


def processes(session: Session) -> list[tuple[str, str]]:
    """Return (process id, name) of every deployed process, current names."""
    found: dict[str, str] = {}
    for process_id, name in session.execute(
        select(WorkflowSpec.process_id, WorkflowSpec.name).order_by(WorkflowSpec.version)
    ):
        found[process_id] = name
    return sorted(found.items())


def group_rows(session: Session, process_id: str, extra: list[str] | None = None) -> list[GroupRow]:
    """Return the designer names of ``process_id``'s current version, the mapped ones and
    ``extra``."""
    mapped = specs.group_roles(session, process_id)
    latest = specs.latest_spec(session, process_id)
    names = set((latest.design or {}).get("groups", []) if latest is not None else [])
    names.update(mapped)
    names.update(n.strip() for n in extra or [] if n.strip())
    return [
        GroupRow(name, specs.resolve_group(name, mapped), name in specs.ROLE_CODES)
        for name in sorted(names)
    ]


def set_group_roles(
    session: Session, actor: User, process_id: str, mapping: dict[str, str]
) -> list[GroupRow]:
    """Replace ``process_id``'s mapping with ``mapping`` ({name: role code}; "" unmaps)."""
    with unit_of_work(session):
        require(actor, "versions")
        process_id = text_field(process_id, "process_id", "Mã quy trình", max_len=120)
        roles = set(session.scalars(select(Role.code)))
        errors = {}
        cleaned: dict[str, str] = {}
        for raw_name, role in mapping.items():
            name = text_field(raw_name, "name", "Tên nhóm/làn", required=False)
            if not name or name in specs.ROLE_CODES or not role:
                continue
            if role not in roles:
                errors[f"role:{name}"] = "Vai trò không tồn tại."
            cleaned[name] = role
        if errors:
            raise ValidationFailed("Vai trò không hợp lệ.", errors)
        session.execute(delete(ProcessGroupRole).where(ProcessGroupRole.process_id == process_id))
        for name, role in sorted(cleaned.items()):
            session.add(ProcessGroupRole(process_id=process_id, group_name=name, role_code=role))
        audit.record(
            session,
            "process_groups_set",
            actor_id=actor.id,
            summary={"process_id": process_id, "mapping": cleaned},
        )
        session.flush()
        return group_rows(session, process_id)
