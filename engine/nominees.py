"""What the rules need to know about a nominee, read from the award history and yearly ratings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import AwardRecord, Dossier, PerformanceRecord, User
from engine.rules import eligibility as rules


def history_for(session: Session, dossier: Dossier) -> rules.History:
    """Return the nominee's awards and yearly facts, as the eligibility rules take them."""
    if dossier.nominee_kind == "individual":
        award_filter = AwardRecord.user_id == dossier.nominee_user_id
        facts_filter = PerformanceRecord.user_id == dossier.nominee_user_id
    else:
        award_filter = (AwardRecord.unit_id == dossier.nominee_unit_id) & (
            AwardRecord.nominee_kind == "collective"
        )
        facts_filter = PerformanceRecord.unit_id == dossier.nominee_unit_id
    awards = [
        rules.AwardRecord(year=a.year, title_code=a.title_code)
        for a in session.scalars(select(AwardRecord).where(award_filter))
    ]
    years = [
        rules.YearFacts(
            year=p.year,
            rating=p.rating,  # type: ignore[arg-type]  # checked by the table's constraint
            initiatives=p.initiatives,
            initiative_scope=p.initiative_scope,  # type: ignore[arg-type]
        )
        for p in session.scalars(select(PerformanceRecord).where(facts_filter))
    ]
    return rules.History(awards=awards, years=years)


def pending_titles(session: Session, dossier: Dossier) -> frozenset[str]:
    """Return the other titles the same nominee is nominated for in the same campaign."""
    same = (
        Dossier.nominee_user_id == dossier.nominee_user_id
        if dossier.nominee_kind == "individual"
        else Dossier.nominee_unit_id == dossier.nominee_unit_id
    )
    rows = session.scalars(
        select(Dossier.title_code).where(
            Dossier.campaign_id == dossier.campaign_id,
            same,
            Dossier.nominee_kind == dossier.nominee_kind,
            Dossier.status.not_in(("withdrawn", "cancelled", "rejected", "blocked")),
            Dossier.id != dossier.id,
        )
    )
    return frozenset(rows)


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
    nominee = rules.Nominee(
        kind=dossier.nominee_kind,  # type: ignore[arg-type]  # checked by the table's constraint
        campaign_year=dossier.year,
        pending_titles=pending_titles(session, dossier),
    )
    stats = (
        unit_stats_for(session, dossier.nominee_unit_id, dossier.year)
        if dossier.nominee_kind == "collective" and dossier.nominee_unit_id is not None
        else None
    )
    return rules.check_eligibility(
        dossier.title_code, dossier.legal_basis, nominee, history_for(session, dossier), stats
    )
