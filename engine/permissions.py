"""Who may do what: the one place every page, API endpoint and operation asks.

Plain functions over the models: a caller loads what a rule needs and asks here, then refuses
with its own message (Forbidden in the engine, 403 or 404 in the web); ``visible_dossier`` and
``visible_task`` load a row and refuse with NotFound what the user may not see. SQL filters that
restrict a list to what a user may see live with their queries (engine.read.queries) but take
their roles and units from here, so each rule is stated once.

This module imports only engine.models and engine.errors: the workflow machine, the domain and
the read side depend on it, never the other way round.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import Dossier, GeneratedDocument, HumanTask, ImportJob, User
from engine.models.org import UNIT_SCOPED_ROLES
from engine.text import N_

#: Roles that see every unit's dossiers at every stage (the secretariat, the director, admins).
AGENCY_WIDE_ROLES = frozenset({"secretariat", "director", "admin"})
#: A council member reads every unit's dossiers once they are put before the council: from the
#: public posting on (and those the council decided), never drafts a unit is still preparing.
COUNCIL_READING_STAGES = frozenset({"posting", "council", "decision", "submission", "province"})
#: Outcomes only a dossier that went before the council can have.
COUNCIL_READING_OUTCOMES = frozenset({"awarded", "not_selected", "not_approved"})
#: Roles that read the statistics, award lists and documents pages (the managers).
MANAGER_ROLES = frozenset({"director", "secretariat", "admin"})
#: Roles that file a dossier for any unit; a unit clerk files for their own units only.
FILE_FOR_ANY_UNIT_ROLES = frozenset({"secretariat", "admin"})

Section = Literal["org", "versions", "rules", "outbox", "campaigns", "calendar", "system"]
_ADMINS = frozenset({"admin"})
_ADMINS_AND_SECRETARIAT = frozenset({"admin", "secretariat"})
#: Who may use which part of administration: the organisation, workflow versions, rules and the
#: failed-mail outbox are the administrators'; campaigns and the calendar belong to the council
#: secretariat as well.
ADMINISTRATION: dict[Section, frozenset[str]] = {
    "org": _ADMINS,
    "versions": _ADMINS,
    "rules": _ADMINS,
    "outbox": _ADMINS,
    "campaigns": _ADMINS_AND_SECRETARIAT,
    "calendar": _ADMINS_AND_SECRETARIAT,
    # The system status page: web hosts' view of workers, beats, queues and the file store.
    "system": _ADMINS,
}


def _holds_any(user: User, roles: Collection[str]) -> bool:
    return any(m.role_code in roles for m in user.memberships)


# --- administration ----------------------------------------------------------------------------


def may_administer(user: User, section: Section | None = None) -> bool:
    """Return whether ``user`` may use the admin ``section`` (None: at least one section)."""
    if not user.active:
        return False
    roles = _ADMINS_AND_SECRETARIAT if section is None else ADMINISTRATION[section]
    return _holds_any(user, roles)


def may_see_reports(user: User) -> bool:
    """Return whether ``user`` may open the manager pages (dashboard, awards, documents)."""
    return _holds_any(user, MANAGER_ROLES)


#: Kinds of spreadsheet import the managers (MANAGER_ROLES) run themselves, from the award
#: history page; administrators (the "org" section) import every kind.
MANAGER_IMPORT_KINDS = frozenset({"awards"})


def may_import(user: User, kind: str) -> bool:
    """Return whether ``user`` may upload (and apply) an import of ``kind``."""
    if not user.active:
        return False
    return may_administer(user, "org") or (kind in MANAGER_IMPORT_KINDS and may_see_reports(user))


def may_follow_import(user: User, job: ImportJob) -> bool:
    """Return whether ``user`` may see an import job's progress and report and confirm it:
    administrators every job, a manager the award imports he asked for himself."""
    if may_administer(user, "org"):
        return True
    return job.requested_by == user.id and may_import(user, job.kind)


#: Unit roles that see their own units' figures on the dashboard ("Tổng hợp"), scoped to them.
UNIT_DASHBOARD_ROLES = frozenset({"unit_clerk", "unit_head"})


def may_see_dashboard(user: User) -> bool:
    """Return whether ``user`` may open the dashboard: the managers see every unit, a unit's
    clerk or head sees the dashboard of their units (:func:`dashboard_unit_ids`)."""
    if not user.active:
        return False
    return may_see_reports(user) or any(
        m.role_code in UNIT_DASHBOARD_ROLES and m.unit_id is not None for m in user.memberships
    )


def dashboard_unit_ids(user: User) -> frozenset[int] | None:
    """Return the units whose figures the dashboard shows ``user``; None means every unit."""
    if may_see_reports(user):
        return None
    return frozenset(
        m.unit_id
        for m in user.memberships
        if m.role_code in UNIT_DASHBOARD_ROLES and m.unit_id is not None
    )


def may_download(user: User, document: GeneratedDocument) -> bool:
    """Return whether ``user`` may see or download a generated document: who requested it."""
    # A document lists many dossiers at once; it stays with the manager who asked for it.
    return document.requested_by == user.id


# --- dossiers ----------------------------------------------------------------------------------


def may_see_all_dossiers(user: User) -> bool:
    """Return whether ``user`` holds a role that sees every unit's dossiers at every stage."""
    return _holds_any(user, AGENCY_WIDE_ROLES)


def reads_council_dossiers(user: User) -> bool:
    """Return whether ``user`` reads, besides their own units', the dossiers before the council
    (COUNCIL_READING_STAGES, COUNCIL_READING_OUTCOMES): an active council member."""
    return user.active and _holds_any(user, {"council_member"})


def before_the_council(dossier: Dossier) -> bool:
    """Return whether ``dossier`` has been put before the council (posted, voted or decided)."""
    return dossier.stage in COUNCIL_READING_STAGES or dossier.status in COUNCIL_READING_OUTCOMES


def visible_unit_ids(user: User) -> set[int]:
    """Return the units whose dossiers ``user`` sees: their own and those of their unit roles.

    Only meaningful when :func:`may_see_all_dossiers` is false; list queries filter on it.
    """
    units = {m.unit_id for m in user.memberships if m.unit_id is not None}
    if user.unit_id is not None:
        units.add(user.unit_id)
    return units


def may_see_dossier(user: User, dossier: Dossier) -> bool:
    """Return whether ``user`` may see ``dossier`` (the rule the dossier lists filter by)."""
    if may_see_all_dossiers(user) or dossier.unit_id in visible_unit_ids(user):
        return True
    return reads_council_dossiers(user) and before_the_council(dossier)


def filing_unit_ids(user: User) -> set[int | None] | None:
    """Return the units ``user`` may file dossiers for; None means every unit."""
    if _holds_any(user, FILE_FOR_ANY_UNIT_ROLES):
        return None
    return {m.unit_id for m in user.memberships if m.role_code == "unit_clerk"}


def may_file(user: User, unit_id: int) -> bool:
    """Return whether ``user`` may file a dossier for unit ``unit_id``."""
    return _holds_any(user, FILE_FOR_ANY_UNIT_ROLES) or user.has_role("unit_clerk", unit_id)


def may_withdraw(user: User, dossier: Dossier) -> bool:
    """Return whether ``user`` may withdraw ``dossier``: its unit's clerk or head, or the
    secretariat. Whether the dossier can still be withdrawn is the workflow's to say."""
    # Administrators are left out on purpose: withdrawing is the unit's decision.
    return (
        user.has_role("unit_clerk", dossier.unit_id)
        or user.has_role("unit_head", dossier.unit_id)
        or user.has_role("secretariat")
    )


def may_cancel(user: User, dossier_unit_id: int | None) -> bool:
    """Return whether ``user`` may cancel a process instance whose dossier belongs to
    ``dossier_unit_id`` (None: an instance without a dossier, such as a council session)."""
    if user.has_role("admin") or user.has_role("secretariat"):
        return True
    if dossier_unit_id is None:
        return False
    # Only a membership for that very unit counts, not an agency-wide one of a unit role.
    return any(
        m.role_code in UNIT_SCOPED_ROLES and m.unit_id == dossier_unit_id for m in user.memberships
    )


def may_override_eligibility(user: User) -> bool:
    """Return whether ``user`` may let an ineligible dossier go on (administrators only)."""
    return user.has_role("admin")


def may_open_council_session(user: User) -> bool:
    """Return whether ``user`` may open a council session (the secretariat, administrators)."""
    return user.has_role("secretariat") or user.has_role("admin")


# --- starting a process -----------------------------------------------------------------------


def may_start(user: User, roles: Collection[str], usernames: Collection[str]) -> bool:
    """Return whether ``user`` may start a process whose start names ``roles`` (role codes,
    any unit) and ``usernames``; a start that names nobody is the administrators' alone."""
    if not user.active:
        return False
    if not roles and not usernames:
        return user.has_role("admin")
    return user.username in usernames or _holds_any(user, roles)


# --- tasks -------------------------------------------------------------------------------------


def lanes(user: User) -> list[tuple[str, int | None]]:
    """Return the (role, unit) lanes ``user`` belongs to; unit None matches every unit.

    The inbox's SQL ("tasks of my groups") is built from this, :func:`may_be_given` reads it.
    """
    return [(m.role_code, m.unit_id) for m in user.memberships]


def may_be_given(user: User, task: HumanTask) -> bool:
    """Return whether ``task`` may be given to ``user``: an active member of its lane (for its
    unit when the lane is unit-scoped), whoever holds the task now."""
    if not user.active or task.candidate_role is None:
        return False
    return any(
        role == task.candidate_role and (unit is None or unit == task.candidate_unit_id)
        for role, unit in lanes(user)
    )


def may_act(user: User, task: HumanTask) -> bool:
    """Return whether ``user`` may work on the open ``task``: its assignee, or a lane member
    while nobody holds it.

    A claimed or assigned task belongs to its assignee alone. Administrators get no special
    right here: a secret ballot or a unit head's review is not theirs to give.
    """
    if task.completed_at is not None or task.status != "ready" or not user.active:
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return may_be_given(user, task)


def may_claim(user: User, task: HumanTask) -> bool:
    """Return whether ``user`` may take the open, unassigned ``task`` for themselves."""
    return task.assignee_id is None and may_act(user, task)


def may_reassign(user: User, task: HumanTask) -> bool:
    """Return whether ``user`` may hand ``task`` on: unit head (own unit), secretariat, admin."""
    if user.has_role("admin") or user.has_role("secretariat"):
        return True
    unit = task.candidate_unit_id
    # The head of the task's unit itself; an agency-wide unit_head membership does not count.
    return unit is not None and any(
        m.role_code == "unit_head" and m.unit_id == unit for m in user.memberships
    )


def may_unclaim(user: User, task: HumanTask) -> bool:
    """Return whether ``user`` may give the claimed ``task`` back: its assignee, or whoever may
    reassign it."""
    return task.assignee_id == user.id or may_reassign(user, task)


def may_see_task(user: User, task: HumanTask, dossier: Dossier | None) -> bool:
    """Return whether ``user`` may see ``task``; ``dossier`` is the task's (None without one).

    A task on a dossier is visible with its dossier; a task without one (a council ballot) only
    to whoever may act on it or did.
    """
    if task.dossier_id is not None:
        return dossier is not None and may_see_dossier(user, dossier)
    return may_act(user, task) or user.id in (task.assignee_id, task.completed_by)


# --- loading what a user may see ---------------------------------------------------------------


def visible_dossier(session: Session, user: User, dossier_id: int) -> Dossier:
    """Return the dossier, or raise NotFound when it does not exist or ``user`` may not see it."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not may_see_dossier(user, dossier):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return dossier


def visible_task(session: Session, user: User, task_id: int) -> HumanTask:
    """Return the task if ``user`` may see it (may_see_task), else raise NotFound."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(N_("Không tìm thấy việc."))
    if task.dossier_id is not None:
        # Refused as the dossier page refuses it: the dossier is what the user may not see.
        visible_dossier(session, user, task.dossier_id)
    elif not may_see_task(user, task, None):
        raise NotFound(N_("Không tìm thấy việc."))
    return task
