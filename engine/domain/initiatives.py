"""Initiatives and research (sáng kiến, đề tài) attached to a dossier.

The unit's clerk chooses, on the dossier page, which of the nominee's recognised initiatives the
dossier rests on (docs/agency-import.md, "Attaching initiatives to a dossier"):

- **Whose.** A person's dossier takes initiatives the person is an author of, recognised in the
  campaign year or the four years before it (the longest window a rule reads is three years,
  CSTĐ cấp tỉnh; the documents may list older work of a long-service form). A collective's
  dossier takes initiatives of its members **in the campaign year** (who belonged to the unit
  that year, ``nominees.members_in_year``), recognised for that year.
- **Once per title.** One achievement is not rewarded twice with the same form: an initiative
  already attached to another live or awarded dossier of the same title and nominee cannot be
  attached again (a withdrawn, refused or not selected dossier frees it). Co-authors may each
  cite it in their own dossiers.
- **When.** While the dossier is being prepared (its ``prepare_dossier`` step open): what the
  unit submits is what the council reads. Each change re-runs the eligibility check and is
  written to the audit trail (``initiatives_attached``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit, permissions
from engine.domain import nominees
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.models import Dossier, DossierInitiative, Initiative, InitiativeAuthor, User
from engine.models.base import utcnow
from engine.text import N_
from engine.unit_of_work import unit_of_work

#: A person's dossier offers initiatives of the campaign year and this many years before it.
YEARS_BEFORE = 4
#: Dossiers whose attached initiatives are taken: the others (withdrawn, refused, not selected…)
#: leave them free for another dossier of the same title.
_HOLDING = ("active", "awarded")
#: The most initiatives one dossier takes (a form with a checkbox per initiative).
MAX_ATTACHED = 50

LEVEL_NAMES = {
    "co_so": N_("cấp cơ sở"),
    "bo_tinh": N_("cấp bộ, ngành, tỉnh"),
    "toan_quoc": N_("toàn quốc"),
}
SCOPE_NAMES = {
    "unit": N_("trong đơn vị"),
    "province": N_("toàn tỉnh"),
    "national": N_("toàn quốc"),
}
KIND_NAMES = {"initiative": N_("Sáng kiến"), "research": N_("Đề tài")}


@dataclass(frozen=True)
class InitiativeView:
    """An initiative as the dossier page, the documents and the API show it."""

    id: int
    kind: str
    title: str
    year: int
    level: str
    scope: str
    decision_no: str | None
    decision_date: date | None
    issued_by: str | None
    authors: tuple[str, ...]
    #: The other dossier of the same title and nominee that holds it (None: it is free).
    held_by: int | None = None

    @property
    def decision(self) -> str:
        """The recognising decision, e.g. "QĐ 12/QĐ-SKHCN ngày 01/03/2024 (Sở KH&CN)"."""
        parts = []
        if self.decision_no:
            parts.append(self.decision_no)
        if self.decision_date:
            parts.append(f"{self.decision_date:%d/%m/%Y}")
        text = " — ".join(parts)
        if self.issued_by:
            text = f"{text} ({self.issued_by})" if text else self.issued_by
        return text

    def line(self) -> str:
        """One line for a document: "Sáng kiến «…» (2024, cấp cơ sở; QĐ …)"."""
        detail = f"{self.year}, {LEVEL_NAMES.get(self.level, self.level)}"
        if self.decision:
            detail += f"; {self.decision}"
        return f"{KIND_NAMES.get(self.kind, self.kind)} «{self.title}» ({detail})"


def _views(
    session: Session, rows: Sequence[Initiative], held: dict[int, int] | None = None
) -> list[InitiativeView]:
    ids = [row.id for row in rows]
    authors: dict[int, list[str]] = {}
    if ids:
        for initiative_id, name in session.execute(
            select(InitiativeAuthor.initiative_id, User.full_name)
            .join(User, User.id == InitiativeAuthor.user_id)
            .where(InitiativeAuthor.initiative_id.in_(ids))
            .order_by(InitiativeAuthor.id)
        ):
            authors.setdefault(initiative_id, []).append(name)
    return [
        InitiativeView(
            id=row.id,
            kind=row.kind,
            title=row.title,
            year=row.year,
            level=row.level,
            scope=row.scope,
            decision_no=row.decision_no,
            decision_date=row.decision_date,
            issued_by=row.issued_by,
            authors=tuple(authors.get(row.id, ())),
            held_by=(held or {}).get(row.id),
        )
        for row in rows
    ]


def _authors_of(dossier: Dossier, session: Session) -> list[int]:
    if dossier.nominee_kind == "individual":
        return [dossier.nominee_user_id] if dossier.nominee_user_id is not None else []
    if dossier.nominee_unit_id is None:
        return []
    return nominees.members_in_year(session, dossier.nominee_unit_id, dossier.year)


def _own(session: Session, dossier: Dossier) -> list[Initiative]:
    """The nominee's initiatives a dossier may take (the module's "Whose")."""
    authors = _authors_of(dossier, session)
    if not authors:
        return []
    first = dossier.year - YEARS_BEFORE if dossier.nominee_kind == "individual" else dossier.year
    ids = (
        select(InitiativeAuthor.initiative_id)
        .where(InitiativeAuthor.user_id.in_(authors))
        .distinct()
        .scalar_subquery()
    )
    return list(
        session.scalars(
            select(Initiative)
            .where(Initiative.id.in_(ids), Initiative.year.between(first, dossier.year))
            .order_by(Initiative.year.desc(), Initiative.title, Initiative.id)
        )
    )


def _held_elsewhere(session: Session, dossier: Dossier, ids: Iterable[int]) -> dict[int, int]:
    """Return {initiative id: other dossier id} for those a live or awarded dossier of the same
    title and nominee already rests on."""
    ids = list(ids)
    if not ids:
        return {}
    same_nominee = (
        Dossier.nominee_user_id == dossier.nominee_user_id
        if dossier.nominee_kind == "individual"
        else Dossier.nominee_unit_id == dossier.nominee_unit_id
    )
    rows = session.execute(
        select(DossierInitiative.initiative_id, DossierInitiative.dossier_id)
        .join(Dossier, Dossier.id == DossierInitiative.dossier_id)
        .where(
            DossierInitiative.initiative_id.in_(ids),
            DossierInitiative.dossier_id != dossier.id,
            Dossier.title_code == dossier.title_code,
            Dossier.nominee_kind == dossier.nominee_kind,
            same_nominee,
            Dossier.status.in_(_HOLDING),
        )
        .order_by(DossierInitiative.dossier_id)
    )
    held: dict[int, int] = {}
    for initiative_id, other in rows:
        held.setdefault(initiative_id, other)
    return held


def candidates(session: Session, dossier: Dossier) -> list[InitiativeView]:
    """Return the nominee's initiatives the clerk may choose from, newest year first; one held
    by another dossier of the same title says which (``held_by``)."""
    own = _own(session, dossier)
    return _views(session, own, _held_elsewhere(session, dossier, (i.id for i in own)))


def attached(session: Session, dossier_id: int) -> list[InitiativeView]:
    """Return the initiatives attached to the dossier, newest year first."""
    rows = session.scalars(
        select(Initiative)
        .join(DossierInitiative, DossierInitiative.initiative_id == Initiative.id)
        .where(DossierInitiative.dossier_id == dossier_id)
        .order_by(Initiative.year.desc(), Initiative.title, Initiative.id)
    )
    return _views(session, list(rows))


def attached_by_dossier(session: Session, dossier_ids: Sequence[int]) -> dict[int, list[str]]:
    """Return {dossier id: one line per attached initiative} for documents, in one query."""
    result: dict[int, list[str]] = {}
    if not dossier_ids:
        return result
    rows = session.execute(
        select(DossierInitiative.dossier_id, Initiative)
        .join(Initiative, Initiative.id == DossierInitiative.initiative_id)
        .where(DossierInitiative.dossier_id.in_(dossier_ids))
        .order_by(Initiative.year.desc(), Initiative.title, Initiative.id)
    ).all()
    views = {v.id: v for v in _views(session, [row[1] for row in rows])}
    for dossier_id, initiative in rows:
        result.setdefault(dossier_id, []).append(views[initiative.id].line())
    return result


def may_attach(user: User, dossier: Dossier) -> bool:
    """Return whether ``user`` may choose the dossier's initiatives: who may file for its unit."""
    return permissions.may_file(user, dossier.unit_id)


def attachable(dossier: Dossier) -> bool:
    """Return whether the dossier still takes changes: active and being prepared."""
    return dossier.status == "active" and dossier.stage == "prepare"


def set_attached(
    session: Session, actor: User, dossier_id: int, initiative_ids: Sequence[int]
) -> list[InitiativeView]:
    """Make ``initiative_ids`` the dossier's attached initiatives, re-check its eligibility and
    record the change; return the attached ones."""
    wanted = list(dict.fromkeys(initiative_ids))
    if len(wanted) > MAX_ATTACHED:
        message = N_("Chọn tối đa %(max)s sáng kiến, đề tài.", max=MAX_ATTACHED)
        raise ValidationFailed(message, {"initiatives": message})
    with unit_of_work(session):
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise NotFound(N_("Không tìm thấy hồ sơ #%(id)s.", id=dossier_id))
        if not may_attach(actor, dossier):
            raise Forbidden(
                N_("Chỉ cán bộ phụ trách TĐKT của đơn vị được chọn sáng kiến, đề tài cho hồ sơ.")
            )
        if not attachable(dossier):
            raise Conflict(
                N_(
                    "Hồ sơ #%(id)s đã nộp (hoặc đã kết thúc): chỉ chọn sáng kiến, đề tài khi "
                    "hồ sơ đang ở bước chuẩn bị.",
                    id=dossier.id,
                )
            )
        own = {i.id: i for i in _own(session, dossier)}
        foreign = [i for i in wanted if i not in own]
        if foreign:
            message = (
                N_(
                    "Chỉ chọn được sáng kiến, đề tài mà %(name)s là tác giả, được công nhận từ "
                    "năm %(first)s đến %(year)s.",
                    name=dossier.nominee_name,
                    first=dossier.year - YEARS_BEFORE,
                    year=dossier.year,
                )
                if dossier.nominee_kind == "individual"
                else N_(
                    "Chỉ chọn được sáng kiến, đề tài của cá nhân thuộc %(name)s trong năm "
                    "%(year)s, được công nhận năm %(year)s.",
                    name=dossier.nominee_name,
                    year=dossier.year,
                )
            )
            raise ValidationFailed(message, {"initiatives": message})
        held = _held_elsewhere(session, dossier, wanted)
        if held:
            first = next(iter(held))
            message = N_(
                "Sáng kiến, đề tài «%(title)s» đã dùng cho hồ sơ #%(other)s cùng danh hiệu của "
                "%(name)s: một thành tích không đề nghị khen hai lần cùng một hình thức.",
                title=own[first].title,
                other=held[first],
                name=dossier.nominee_name,
            )
            raise ValidationFailed(message, {"initiatives": message})
        before = set(
            session.scalars(
                select(DossierInitiative.initiative_id).where(
                    DossierInitiative.dossier_id == dossier.id
                )
            )
        )
        added = [i for i in wanted if i not in before]
        removed = sorted(before - set(wanted))
        if not added and not removed:
            return attached(session, dossier.id)
        if removed:
            session.execute(
                delete(DossierInitiative).where(
                    DossierInitiative.dossier_id == dossier.id,
                    DossierInitiative.initiative_id.in_(removed),
                )
            )
        now = utcnow()
        session.add_all(
            DossierInitiative(
                dossier_id=dossier.id, initiative_id=i, attached_by=actor.id, attached_at=now
            )
            for i in added
        )
        session.flush()
        result = nominees.check(session, dossier)
        dossier.eligibility = {
            **dossier.eligibility,
            **result.to_task_data(bool(dossier.eligibility.get("overridden"))),
            "checked": [c.description for c in result.checked],
        }
        dossier.updated_at = now
        titles = {i: own[i].title for i in added}
        names = select(Initiative.id, Initiative.title).where(Initiative.id.in_(removed))
        removed_titles: dict[int, str] = {row.id: row.title for row in session.execute(names)}
        audit.record(
            session,
            "initiatives_attached",
            actor_id=actor.id,
            dossier_id=dossier.id,
            summary={
                "initiative_ids": wanted,
                "added": [titles[i] for i in added],
                "removed": [removed_titles.get(i, str(i)) for i in removed],
                "eligible": result.eligible,
            },
        )
        return attached(session, dossier.id)
