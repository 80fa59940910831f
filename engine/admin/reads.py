"""What the admin pages list: units, users, terms, campaigns, versions and their instances.

Reads only; nothing here changes a row. Lists read indexed tables and never load a workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine.domain import rule_settings
from engine.models import (
    AuditEvent,
    Campaign,
    CouncilTerm,
    OrgUnit,
    ProcessInstance,
    ReminderLadderRow,
    RuleSetting,
    User,
    WorkflowSpec,
)


def units(session: Session) -> list[OrgUnit]:
    """Return every unit, active first, by name."""
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.active.desc(), OrgUnit.name)))


def users(session: Session) -> list[User]:
    """Return every user with their roles, active first, by name."""
    return list(
        session.scalars(
            select(User)
            .options(selectinload(User.memberships), selectinload(User.unit))
            .order_by(User.active.desc(), User.full_name)
        )
    )


def active_users(session: Session) -> list[User]:
    """Return the active users by name (the pickers)."""
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)))


def council_terms(session: Session) -> list[CouncilTerm]:
    """Return the council terms, newest first, with their members."""
    return list(
        session.scalars(
            select(CouncilTerm)
            .options(selectinload(CouncilTerm.members))
            .order_by(CouncilTerm.starts_on.desc())
        )
    )


def campaigns(session: Session) -> list[Campaign]:
    """Return the campaigns, newest first."""
    return list(
        session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    )


@dataclass(frozen=True)
class VersionRow:
    spec: WorkflowSpec
    running: int
    latest: bool


def versions(session: Session) -> list[VersionRow]:
    """Return every deployed version with how many running instances it carries."""
    counts = dict(
        session.execute(
            select(ProcessInstance.spec_id, func.count())
            .where(ProcessInstance.status == "running")
            .group_by(ProcessInstance.spec_id)
        ).all()
    )
    specs = list(
        session.scalars(
            select(WorkflowSpec).order_by(WorkflowSpec.process_id, WorkflowSpec.version.desc())
        )
    )
    newest: dict[str, int] = {}
    for spec in specs:
        newest.setdefault(spec.process_id, spec.id)
    return [VersionRow(s, int(counts.get(s.id, 0)), newest[s.process_id] == s.id) for s in specs]


def movable_instances(session: Session, spec: WorkflowSpec) -> list[tuple[ProcessInstance, int]]:
    """Return the running instances of the same process on other versions, with their version."""
    rows = session.execute(
        select(ProcessInstance, WorkflowSpec.version)
        .join(WorkflowSpec, WorkflowSpec.id == ProcessInstance.spec_id)
        .where(
            ProcessInstance.process_id == spec.process_id,
            ProcessInstance.status == "running",
            ProcessInstance.spec_id != spec.id,
        )
        .order_by(ProcessInstance.id)
    ).all()
    return [(r[0], int(r[1])) for r in rows]


def diagram_file(spec: WorkflowSpec) -> str | None:
    """Return the name of the version's BPMN file that defines its process."""
    bpmn = sorted(name for name in spec.sources if name.lower().endswith(".bpmn"))
    marker = f'id="{spec.process_id}"'
    return next((n for n in bpmn if marker in spec.sources[n]), bpmn[0] if bpmn else None)


def dmn_source(session: Session, file_name: str) -> str | None:
    """Return the newest deployed text of a DMN file (the rules in force), if any."""
    for spec in session.scalars(select(WorkflowSpec).order_by(WorkflowSpec.id.desc())):
        if file_name in spec.sources:
            return spec.sources[file_name]
    return None


def decision_tables(session: Session) -> list[rule_settings.DecisionTable]:
    """Return the decision tables of every deployed DMN file, newest text of each."""
    names: set[str] = set()
    for sources in session.scalars(select(WorkflowSpec.sources)):
        names.update(n for n in sources if n.lower().endswith(".dmn"))
    tables = []
    for name in sorted(names):
        text = dmn_source(session, name)
        if text:
            tables.extend(rule_settings.decision_tables(text))
    return tables


def step_limits(session: Session) -> list[tuple[str, str, str, str]]:
    """Return (process name, element id, name, dueWorkingDays) of the newest version of each
    process."""
    from xml.etree import ElementTree

    found = []
    seen: set[str] = set()
    for spec in session.scalars(select(WorkflowSpec).order_by(WorkflowSpec.id.desc())):
        if spec.process_id in seen:
            continue
        seen.add(spec.process_id)
        name = diagram_file(spec)
        if name is None:
            continue
        root = ElementTree.fromstring(spec.sources[name])  # noqa: S314 - deployed, trusted
        process_name = next(
            (
                e.get("name") or spec.process_id
                for e in root.iter()
                if e.tag.endswith("}process") and e.get("id") == spec.process_id
            ),
            spec.process_id,
        )
        for element in root.iter():
            if not element.tag.endswith("}userTask"):
                continue
            for prop in element.iter():
                if prop.tag.endswith("}property") and prop.get("name") == "dueWorkingDays":
                    found.append(
                        (
                            process_name,
                            element.get("id") or "",
                            element.get("name") or "",
                            prop.get("value") or "",
                        )
                    )
    return found


def settings(session: Session) -> list[RuleSetting]:
    """Return the agency's rule settings by basis, title and key."""
    return list(
        session.scalars(
            select(RuleSetting).order_by(
                RuleSetting.legal_basis, RuleSetting.title_code, RuleSetting.key
            )
        )
    )


def ladders(session: Session) -> list[ReminderLadderRow]:
    """Return the stored reminder ladders."""
    return list(session.scalars(select(ReminderLadderRow).order_by(ReminderLadderRow.task_type)))


def history(session: Session, actions: tuple[str, ...], limit: int = 50) -> list[AuditEvent]:
    """Return the latest audit events of ``actions`` (who changed what, when)."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Return {user id: full name} for the given ids."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all()
    return {int(r[0]): str(r[1]) for r in rows}
