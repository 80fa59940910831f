"""The organisation: units, users, roles scoped to units, council terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.text import N_


@dataclass(frozen=True)
class RoleDef:
    code: str
    name: str
    unit_scoped: bool


#: The roles of the procedure. Lane names in the BPMN are these codes.
ROLES: tuple[RoleDef, ...] = (
    RoleDef("unit_clerk", N_("Cán bộ phụ trách TĐKT đơn vị"), unit_scoped=True),
    RoleDef("unit_head", N_("Trưởng đơn vị"), unit_scoped=True),
    RoleDef("secretariat", N_("Thường trực Hội đồng TĐKT"), unit_scoped=False),
    RoleDef("council_member", N_("Thành viên Hội đồng TĐKT"), unit_scoped=False),
    RoleDef("director", N_("Giám đốc Sở"), unit_scoped=False),
    RoleDef("admin", N_("Quản trị hệ thống"), unit_scoped=False),
)
UNIT_SCOPED_ROLES = frozenset(r.code for r in ROLES if r.unit_scoped)


class OrgUnit(Base):
    """An organisational unit (đơn vị): a room, an inspectorate, a sub-department, a centre."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])


class User(Base):
    """A person who logs in; full names keep their Vietnamese diacritics."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("email_mode IN ('immediate', 'digest')", name="email_mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    position: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: immediate: one e-mail per notification; digest: one e-mail a day with all of them.
    email_mode: Mapped[str] = mapped_column(
        String(10), default="immediate", server_default="immediate"
    )
    #: The language the user chose with the switch or on the notifications page ("vi", "en"):
    #: pages and e-mails follow it; None until chosen (pages follow the browser's
    #: Accept-Language, e-mails are Vietnamese).
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit | None] = relationship()
    memberships: Mapped[list[RoleMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def has_role(self, role: str, unit_id: int | None = None) -> bool:
        """Return whether the user holds ``role`` (for ``unit_id`` when the role is unit-scoped)."""
        return any(
            m.role_code == role and (unit_id is None or m.unit_id in (None, unit_id))
            for m in self.memberships
        )


class Role(Base):
    """A role (group) of the procedure; seeded by the first migration from ROLES."""

    __tablename__ = "role"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    unit_scoped: Mapped[bool] = mapped_column(Boolean, default=False)


class RoleMembership(Base):
    """A user's role, limited to one unit for unit-scoped roles (NULL unit: agency-wide)."""

    __tablename__ = "role_membership"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "role_code", "unit_id", name="uq_role_membership_user_role_unit"
        ),
        # Candidate lookups for a lane: "who holds role R for unit U" (engine task projection).
        Index("ix_role_membership_role_unit", "role_code", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))

    user: Mapped[User] = relationship(back_populates="memberships")


class CouncilTerm(Base):
    """A term (nhiệm kỳ) of the agency's emulation-and-commendation council."""

    __tablename__ = "council_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    decision_no: Mapped[str | None] = mapped_column(String(80))

    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="CouncilMember.id"
    )


COUNCIL_POSITIONS = ("chair", "vice_chair", "secretary", "member")


class CouncilMember(Base):
    """A member of a council term, with the position held in it."""

    __tablename__ = "council_member"
    __table_args__ = (
        UniqueConstraint("term_id", "user_id", name="uq_council_member_term_user"),
        CheckConstraint(
            "position IN ('chair', 'vice_chair', 'secretary', 'member')", name="position"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("council_term.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    position: Mapped[str] = mapped_column(String(20), default="member")

    term: Mapped[CouncilTerm] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
