"""What the rules need to know about a nominee, read from the award history and yearly ratings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from engine.domain.rules import eligibility as rules
from engine.models import AwardRecord, Dossier, PerformanceRecord, User

# Built once, per kind of nominee, reading only the columns the rules take, all in one
# statement: the check runs inside the clerk's submission step, where three reads and building
# them cost more than the rest of the step's SQL (bench/engine.py). Each row says what it is:
# another title the nominee is nominated for in this campaign, an award, or a year's facts.
_PENDING, _AWARD, _YEAR = "pending", "award", "year"
_LIVE = ("withdrawn", "cancelled", "rejected", "blocked")


def _history_statement(kind: str) -> Any:
    if kind == "individual":
        award_of = AwardRecord.user_id == bindparam("user_id")
        facts_of = PerformanceRecord.user_id == bindparam("user_id")
        dossier_of = Dossier.nominee_user_id == bindparam("user_id")
    else:
        award_of = and_(
            AwardRecord.unit_id == bindparam("unit_id"), AwardRecord.nominee_kind == "collective"
        )
        facts_of = PerformanceRecord.unit_id == bindparam("unit_id")
        dossier_of = Dossier.nominee_unit_id == bindparam("unit_id")
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    pending: Any = select(
        literal_column(f"'{_PENDING}'"), no_int, Dossier.title_code, no_text, no_int, no_text
    ).where(
        Dossier.campaign_id == bindparam("campaign_id"),
        dossier_of,
        Dossier.nominee_kind == kind,
        Dossier.status.not_in(_LIVE),
        Dossier.id != bindparam("dossier_id"),
    )
    awards: Any = select(
        literal_column(f"'{_AWARD}'"),
        AwardRecord.year,
        AwardRecord.title_code,
        no_text,
        no_int,
        no_text,
    ).where(award_of)
    years: Any = select(
        literal_column(f"'{_YEAR}'"),
        PerformanceRecord.year,
        no_text,
        PerformanceRecord.rating,
        PerformanceRecord.initiatives,
        PerformanceRecord.initiative_scope,
    ).where(facts_of)
    return union_all(pending, awards, years)


_HISTORY = {kind: _history_statement(kind) for kind in ("individual", "collective")}


def _kind(dossier: Dossier) -> str:
    return "individual" if dossier.nominee_kind == "individual" else "collective"


def nominee_facts(session: Session, dossier: Dossier) -> tuple[frozenset[str], rules.History]:
    """Return the other titles the nominee is nominated for in the dossier's campaign, and the
    nominee's awards and yearly facts, as the eligibility rules take them."""
    params = {
        "user_id": dossier.nominee_user_id,
        "unit_id": dossier.nominee_unit_id,
        "campaign_id": dossier.campaign_id,
        "dossier_id": dossier.id,
    }
    pending: set[str] = set()
    awards: list[rules.AwardRecord] = []
    years: list[rules.YearFacts] = []
    for source, year, title_code, rating, initiatives, scope in session.execute(
        _HISTORY[_kind(dossier)], params
    ):
        if source == _PENDING:
            pending.add(title_code)
        elif source == _AWARD:
            awards.append(rules.AwardRecord(year=year, title_code=title_code))
        else:
            years.append(
                rules.YearFacts(
                    year=year,
                    rating=rating,
                    initiatives=initiatives,
                    initiative_scope=scope,
                )
            )
    return frozenset(pending), rules.History(awards=awards, years=years)


def history_for(session: Session, dossier: Dossier) -> rules.History:
    """Return the nominee's awards and yearly facts, as the eligibility rules take them."""
    return nominee_facts(session, dossier)[1]


def unit_stats_for(session: Session, unit_id: int, year: int) -> rules.UnitStats:
    """Return a collective's figures for ``year``: members, ratings and titles of its staff."""
    member_ids = select(User.id).where(User.unit_id == unit_id, User.active.is_(True))
    members = session.scalar(select(func.count()).select_from(member_ids.subquery())) or 0
    complete = (
        session.scalar(
            select(func.count())
            .select_from(PerformanceRecord)
            .where(
                PerformanceRecord.user_id.in_(member_ids),
                PerformanceRecord.year == year,
                PerformanceRecord.rating != "incomplete",
            )
        )
        or 0
    )

    def holders(title: str) -> int:
        awarded = select(AwardRecord.user_id).where(
            AwardRecord.user_id.in_(member_ids),
            AwardRecord.year == year,
            AwardRecord.title_code == title,
        )
        nominated = select(Dossier.nominee_user_id).where(
            Dossier.nominee_user_id.in_(member_ids),
            Dossier.year == year,
            Dossier.title_code == title,
            Dossier.status.in_(("active", "awarded")),
        )
        people = awarded.union(nominated).subquery()
        return session.scalar(select(func.count()).select_from(people)) or 0

    return rules.UnitStats(
        members=members, complete_duties=complete, ldtt=holders("LDTT"), cstdcs=holders("CSTDCS")
    )


def check(session: Session, dossier: Dossier) -> rules.EligibilityResult:
    """Check the dossier's nominee against its title's prerequisites under its legal basis."""
    pending, history = nominee_facts(session, dossier)
    nominee = rules.Nominee(
        kind=dossier.nominee_kind,  # type: ignore[arg-type]  # checked by the table's constraint
        campaign_year=dossier.year,
        pending_titles=pending,
    )
    stats = (
        unit_stats_for(session, dossier.nominee_unit_id, dossier.year)
        if dossier.nominee_kind == "collective" and dossier.nominee_unit_id is not None
        else None
    )
    return rules.check_eligibility(dossier.title_code, dossier.legal_basis, nominee, history, stats)
