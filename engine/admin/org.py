"""The organisation: units, users, role memberships and council terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine import audit, permissions
from engine.admin.common import (
    MIN_PASSWORD,
    date_field,
    get_row,
    require,
    text_field,
)
from engine.domain import sessions
from engine.domain.holders import role_holders
from engine.errors import Conflict, ValidationFailed
from engine.models import (
    CouncilMember,
    CouncilTerm,
    HumanTask,
    OrgUnit,
    Role,
    RoleMembership,
    User,
)
from engine.models.org import COUNCIL_POSITIONS, UNIT_SCOPED_ROLES
from engine.text import N_
from engine.unit_of_work import unit_of_work
from engine.workflow import operations

# --- units -------------------------------------------------------------------------------------


def _parent(session: Session, parent_id: int | None) -> OrgUnit | None:
    if parent_id is None:
        return None
    parent = session.get(OrgUnit, parent_id)
    if parent is None or not parent.active:
        message = N_("Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động.")
        raise ValidationFailed(message, {"parent_id": message})
    return parent


def create_unit(
    session: Session, actor: User, *, code: str, name: str, parent_id: int | None = None
) -> OrgUnit:
    """Create a unit, optionally under ``parent_id``."""
    require(actor, "org")
    code = text_field(code, "code", N_("Mã đơn vị"), 40)
    name = text_field(name, "name", N_("Tên đơn vị"))
    with unit_of_work(session):
        if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
            message = N_("Mã «%(code)s» đã được dùng cho đơn vị khác.", code=code)
            raise ValidationFailed(message, {"code": message})
        unit = OrgUnit(code=code, name=name, parent_id=_parent(session, parent_id) and parent_id)
        session.add(unit)
        session.flush()
        audit.record(
            session,
            "unit_created",
            actor_id=actor.id,
            summary={"unit_id": unit.id, "code": code, "name": name, "parent_id": parent_id},
        )
    return unit


def update_unit(
    session: Session, actor: User, unit_id: int, *, name: str, parent_id: int | None
) -> OrgUnit:
    """Rename a unit and/or move it under another parent; a unit cannot end up under itself."""
    require(actor, "org")
    name = text_field(name, "name", N_("Tên đơn vị"))
    with unit_of_work(session):
        unit: OrgUnit = get_row(session, OrgUnit, unit_id, N_("đơn vị"))
        ancestor = _parent(session, parent_id)
        while ancestor is not None:
            if ancestor.id == unit.id:
                message = N_("Không thể chuyển đơn vị vào chính nó hoặc một đơn vị trực thuộc nó.")
                raise ValidationFailed(message, {"parent_id": message})
            ancestor = ancestor.parent
        before = {"name": unit.name, "parent_id": unit.parent_id}
        unit.name, unit.parent_id = name, parent_id
        audit.record(
            session,
            "unit_updated",
            actor_id=actor.id,
            summary={"unit_id": unit.id, "before": before, "name": name, "parent_id": parent_id},
        )
    return unit


def deactivate_unit(session: Session, actor: User, unit_id: int) -> OrgUnit:
    """Stop a unit; refused while it has active sub-units, active staff or open tasks."""
    require(actor, "org")
    with unit_of_work(session):
        unit: OrgUnit = get_row(session, OrgUnit, unit_id, N_("đơn vị"))
        reasons = []
        if session.scalar(
            select(func.count()).where(OrgUnit.parent_id == unit.id, OrgUnit.active.is_(True))
        ):
            reasons.append(N_("còn đơn vị trực thuộc đang hoạt động"))
        if session.scalar(
            select(func.count()).where(User.unit_id == unit.id, User.active.is_(True))
        ):
            reasons.append(N_("còn người dùng đang hoạt động thuộc đơn vị"))
        if session.scalar(
            select(func.count()).where(
                HumanTask.candidate_unit_id == unit.id, HumanTask.status == "ready"
            )
        ):
            reasons.append(N_("còn việc đang chờ xử lý của đơn vị"))
        if reasons:
            raise Conflict(f"Chưa thể ngừng hoạt động đơn vị «{unit.name}»: {'; '.join(reasons)}.")
        unit.active = False
        audit.record(session, "unit_deactivated", actor_id=actor.id, summary={"unit_id": unit.id})
    return unit


# --- users and roles ---------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _password(value: str) -> str:
    if len(value or "") < MIN_PASSWORD:
        message = N_("Mật khẩu cần ít nhất %(MIN_PASSWORD)s ký tự.", MIN_PASSWORD=MIN_PASSWORD)
        raise ValidationFailed(message, {"password": message})
    return generate_password_hash(value)


def _unit_id(session: Session, unit_id: int | None, field: str = "unit_id") -> int | None:
    if unit_id is None:
        return None
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not unit.active:
        message = N_("Đơn vị không tồn tại hoặc đã ngừng hoạt động.")
        raise ValidationFailed(message, {field: message})
    return unit_id


def create_user(
    session: Session,
    actor: User,
    *,
    username: str,
    full_name: str,
    email: str,
    password: str,
    unit_id: int | None = None,
    position: str | None = None,
) -> User:
    """Create a user who can log in with ``password``."""
    require(actor, "org")
    username = text_field(username, "username", N_("Tên đăng nhập"), 80)
    full_name = text_field(full_name, "full_name", N_("Họ và tên"))
    email = text_field(email, "email", N_("Thư điện tử"))
    if not _EMAIL.match(email):
        raise ValidationFailed(
            N_("Địa chỉ thư không hợp lệ."), {"email": N_("Địa chỉ thư không hợp lệ.")}
        )
    password_hash = _password(password)
    with unit_of_work(session):
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            message = N_("Tên đăng nhập «%(username)s» đã có người dùng.", username=username)
            raise ValidationFailed(message, {"username": message})
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            message = N_("Thư điện tử «%(email)s» đã có người dùng.", email=email)
            raise ValidationFailed(message, {"email": message})
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            position=text_field(position, "position", N_("Chức vụ"), required=False) or None,
            unit_id=_unit_id(session, unit_id),
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            "user_created",
            actor_id=actor.id,
            summary={"user_id": user.id, "username": username, "unit_id": unit_id},
        )
    return user


def reset_password(session: Session, actor: User, user_id: int, password: str) -> None:
    """Set a new password for the user (the audit records that it changed, never the value)."""
    require(actor, "org")
    password_hash = _password(password)
    with unit_of_work(session):
        user: User = get_row(session, User, user_id, N_("người dùng"))
        user.password_hash = password_hash
        # Whoever knew the old password may hold a session: the new one starts from nothing.
        ended = sessions.end_all(session, user.id)
        audit.record(
            session,
            "password_reset",
            actor_id=actor.id,
            summary={"user_id": user.id, "sessions_ended": ended},
        )


def sign_out_everywhere(session: Session, actor: User, user_id: int) -> int:
    """End every open browser session of the user (a lost laptop, a copied cookie); return how
    many were open. API tokens are revoked separately."""
    require(actor, "org")
    with unit_of_work(session):
        user: User = get_row(session, User, user_id, N_("người dùng"))
        ended = sessions.end_all(session, user.id)
        audit.record(
            session,
            "sessions_ended",
            actor_id=actor.id,
            summary={"user_id": user.id, "sessions_ended": ended},
        )
    return ended


def change_user_unit(session: Session, actor: User, user_id: int, unit_id: int | None) -> User:
    """Move the user to another unit (their role scopes are changed separately)."""
    require(actor, "org")
    with unit_of_work(session):
        user: User = get_row(session, User, user_id, N_("người dùng"))
        previous = user.unit_id
        user.unit_id = _unit_id(session, unit_id)
        audit.record(
            session,
            "user_unit_changed",
            actor_id=actor.id,
            summary={"user_id": user.id, "from_unit_id": previous, "to_unit_id": unit_id},
        )
    return user


def _open_tasks_of(session: Session, user: User) -> list[HumanTask]:
    """Return the open tasks ``user`` may act on now (assigned, or as a role holder)."""
    roles = {m.role_code for m in user.memberships}
    rows = session.scalars(
        select(HumanTask)
        .where(
            HumanTask.status == "ready",
            or_(
                HumanTask.assignee_id == user.id,
                HumanTask.assignee_id.is_(None) & HumanTask.candidate_role.in_(roles),
            ),
        )
        .order_by(HumanTask.due_at, HumanTask.id)
    )
    return [t for t in rows if permissions.may_act(user, t)]


def has_actor(session: Session, task: HumanTask) -> bool:
    """Return whether some active user can act on the open ``task``."""
    if task.assignee_id is not None:
        assignee = session.get(User, task.assignee_id)
        return assignee is not None and assignee.active
    if task.candidate_role is None:
        return False
    unit = task.candidate_unit_id if task.candidate_role in UNIT_SCOPED_ROLES else None
    return any(
        permissions.may_act(u, task) for u in role_holders(session, task.candidate_role, unit)
    )


def tasks_left_without(session: Session, user_id: int) -> list[HumanTask]:
    """Return the open tasks nobody could act on if ``user_id`` left: deactivation must not."""
    user: User = get_row(session, User, user_id, N_("người dùng"))
    found = []
    for task in _open_tasks_of(session, user):
        if task.assignee_id == user.id:
            found.append(task)
            continue
        unit = task.candidate_unit_id if task.candidate_role in UNIT_SCOPED_ROLES else None
        others = [
            u
            for u in role_holders(session, task.candidate_role or "", unit)
            if u.id != user.id and permissions.may_act(u, task)
        ]
        if not others:
            found.append(task)
    return found


def _refuse_orphans(session: Session, tasks: Iterable[HumanTask], what: str) -> None:
    session.flush()
    session.expire_all()
    orphans = [t for t in tasks if session.get(HumanTask, t.id) and not has_actor(session, t)]
    if orphans:
        names = ", ".join(f"«{t.name}» (#{t.id})" for t in orphans)
        raise ValidationFailed(
            N_(
                "Không thể %(what)s: các việc sau sẽ không còn ai xử lý được: %(names)s. Hãy "
                "giao lại từng việc cho người khác trước.",
                what=what,
                names=names,
            ),
            {f"task_{t.id}": N_("Chọn người nhận việc này.") for t in orphans},
        )


def _hand_over(session: Session, actor: User, task: HumanTask, successor: User) -> None:
    """Give ``task`` to ``successor``, granting them the task's lane role first if they lack it."""
    if task.candidate_role is not None and not permissions.may_be_given(successor, task):
        scope = task.candidate_unit_id if task.candidate_role in UNIT_SCOPED_ROLES else None
        session.add(
            RoleMembership(user_id=successor.id, role_code=task.candidate_role, unit_id=scope)
        )
        session.flush()
        session.refresh(successor)
        audit.record(
            session,
            "role_granted",
            actor_id=actor.id,
            summary={
                "user_id": successor.id,
                "role": task.candidate_role,
                "unit_id": scope,
                "for_task_id": task.id,
            },
        )
    operations.reassign(session, task.id, actor, successor.id)


def deactivate_user(
    session: Session, actor: User, user_id: int, handovers: Mapping[int, int] | None = None
) -> User:
    """Deactivate a user after handing their open tasks over ({task id: successor id}).

    A successor who lacks the task's lane role receives it. Refused (ValidationFailed naming
    each task as ``task_<id>``) if any open task would be left with nobody able to act.
    """
    require(actor, "org")
    handovers = dict(handovers or {})
    with unit_of_work(session):
        user: User = get_row(session, User, user_id, N_("người dùng"))
        if user.id == actor.id:
            raise ValidationFailed(N_("Không thể tự ngừng hoạt động tài khoản của mình."))
        at_risk = tasks_left_without(session, user.id)
        for task_id, successor_id in sorted(handovers.items()):
            successor = session.get(User, successor_id)
            if successor is None or not successor.active or successor.id == user.id:
                message = N_(
                    "Người nhận không tồn tại, đã ngừng hoạt động hoặc chính là người rời đi."
                )
                raise ValidationFailed(message, {f"task_{task_id}": message})
            _hand_over(
                session, actor, get_row(session, HumanTask, task_id, N_("công việc")), successor
            )
        user.active = False
        _refuse_orphans(session, at_risk, f"ngừng hoạt động tài khoản «{user.full_name}»")
        ended = sessions.end_all(session, user.id)
        audit.record(
            session,
            "user_deactivated",
            actor_id=actor.id,
            summary={
                "user_id": user.id,
                "handovers": {str(k): v for k, v in handovers.items()},
                "sessions_ended": ended,
            },
        )
    return user


def grant_role(
    session: Session, actor: User, user_id: int, role_code: str, unit_id: int | None
) -> RoleMembership:
    """Give the user a role; unit-scoped roles need a unit, the others are agency-wide."""
    require(actor, "org")
    with unit_of_work(session):
        user: User = get_row(session, User, user_id, N_("người dùng"))
        if session.get(Role, role_code) is None:
            raise ValidationFailed(
                N_("Vai trò không hợp lệ."), {"role_code": N_("Vai trò không hợp lệ.")}
            )
        if role_code in UNIT_SCOPED_ROLES:
            if unit_id is None:
                message = N_("Vai trò này gắn với một đơn vị: hãy chọn đơn vị.")
                raise ValidationFailed(message, {"unit_id": message})
            _unit_id(session, unit_id)
        else:
            unit_id = None
        exists = session.scalar(
            select(RoleMembership.id).where(
                RoleMembership.user_id == user.id,
                RoleMembership.role_code == role_code,
                RoleMembership.unit_id.is_(None)
                if unit_id is None
                else RoleMembership.unit_id == unit_id,
            )
        )
        if exists is not None:
            raise ValidationFailed(
                N_("Người dùng đã có vai trò này."),
                {"role_code": N_("Người dùng đã có vai trò này.")},
            )
        membership = RoleMembership(user_id=user.id, role_code=role_code, unit_id=unit_id)
        session.add(membership)
        session.flush()
        audit.record(
            session,
            "role_granted",
            actor_id=actor.id,
            summary={"user_id": user.id, "role": role_code, "unit_id": unit_id},
        )
    return membership


def revoke_role(session: Session, actor: User, membership_id: int) -> None:
    """Take a role away; refused if an open task would be left with nobody able to act."""
    require(actor, "org")
    with unit_of_work(session):
        membership: RoleMembership = get_row(session, RoleMembership, membership_id, "vai trò")
        user = membership.user
        summary = {"user_id": user.id, "role": membership.role_code, "unit_id": membership.unit_id}
        at_risk = [t for t in tasks_left_without(session, user.id) if t.assignee_id != user.id]
        session.delete(membership)
        _refuse_orphans(session, at_risk, N_("thu hồi vai trò"))
        audit.record(session, "role_revoked", actor_id=actor.id, summary=summary)


# --- council terms -----------------------------------------------------------------------------


def _term_dates(starts_on: Any, ends_on: Any) -> tuple[date, date | None]:
    start = date_field(starts_on, "starts_on", N_("Ngày bắt đầu"))
    end = date_field(ends_on, "ends_on", N_("Ngày kết thúc"), required=False)
    assert start is not None
    if end is not None and end < start:
        message = N_("Ngày kết thúc phải sau ngày bắt đầu.")
        raise ValidationFailed(message, {"ends_on": message})
    return start, end


def save_council_term(
    session: Session,
    actor: User,
    term_id: int | None,
    *,
    name: str,
    starts_on: Any,
    ends_on: Any = None,
    decision_no: str | None = None,
) -> CouncilTerm:
    """Create (``term_id`` None) or change a council term's name, dates and decision."""
    require(actor, "org")
    name = text_field(name, "name", N_("Tên nhiệm kỳ"))
    decision_no = (
        text_field(decision_no, "decision_no", N_("Số quyết định"), 80, required=False) or None
    )
    start, end = _term_dates(starts_on, ends_on)
    with unit_of_work(session):
        if term_id is None:
            term = CouncilTerm(name=name, starts_on=start)
            session.add(term)
        else:
            term = get_row(session, CouncilTerm, term_id, N_("nhiệm kỳ"))
        term.name, term.starts_on, term.ends_on = name, start, end
        term.decision_no = decision_no
        session.flush()
        audit.record(
            session,
            "council_term_saved",
            actor_id=actor.id,
            summary={
                "term_id": term.id,
                "name": name,
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat() if end else None,
            },
        )
    return term


def set_council_member(
    session: Session, actor: User, term_id: int, user_id: int | None, position: str
) -> CouncilMember:
    """Add the user to the term (or change their position); one chair and one secretary."""
    require(actor, "org")
    if user_id is None:
        raise ValidationFailed(N_("Chọn người dùng."), {"user_id": N_("Chọn người dùng.")})
    if position not in COUNCIL_POSITIONS:
        raise ValidationFailed(
            N_("Chức danh không hợp lệ."), {"position": N_("Chức danh không hợp lệ.")}
        )
    with unit_of_work(session):
        term: CouncilTerm = get_row(session, CouncilTerm, term_id, N_("nhiệm kỳ"))
        user: User = get_row(session, User, user_id, N_("người dùng"))
        if not user.active:
            raise ValidationFailed(
                N_("Người dùng đã ngừng hoạt động."),
                {"user_id": N_("Người dùng đã ngừng hoạt động.")},
            )
        if position in ("chair", "secretary") and any(
            m.position == position and m.user_id != user.id for m in term.members
        ):
            label = N_("Chủ tịch") if position == "chair" else N_("Thư ký")
            message = N_("Nhiệm kỳ đã có %(label)s; đổi chức danh người đó trước.", label=label)
            raise ValidationFailed(message, {"position": message})
        member = next((m for m in term.members if m.user_id == user.id), None)
        if member is None:
            member = CouncilMember(term_id=term.id, user_id=user.id, position=position)
            session.add(member)
        member.position = position
        session.flush()
        audit.record(
            session,
            "council_member_set",
            actor_id=actor.id,
            summary={"term_id": term.id, "user_id": user.id, "position": position},
        )
    return member


def remove_council_member(session: Session, actor: User, member_id: int) -> None:
    """Take a member off a council term."""
    require(actor, "org")
    with unit_of_work(session):
        member: CouncilMember = get_row(session, CouncilMember, member_id, N_("thành viên"))
        summary = {"term_id": member.term_id, "user_id": member.user_id}
        session.delete(member)
        audit.record(session, "council_member_removed", actor_id=actor.id, summary=summary)
