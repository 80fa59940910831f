"""What the rules need to know about a nominee, read from the award history and yearly ratings."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.models import AwardRecord, Dossier, PerformanceRecord, User
from engine.rules import eligibility as rules

# Built once, per kind of nominee, reading only the columns the rules take: the check runs inside
# the clerk's submission step, where building the statements and loading whole records cost
# more than the reads (bench/engine.py).
_AWARDS = {
    "individual": select(AwardRecord.year, AwardRecord.title_code).where(
        AwardRecord.user_id == bindparam("user_id")
    ),
    "collective": select(AwardRecord.year, AwardRecord.title_code).where(
        AwardRecord.unit_id == bindparam("unit_id"), AwardRecord.nominee_kind == "collective"
    ),
}
_FACTS_COLUMNS = (
    PerformanceRecord.year,
    PerformanceRecord.rating,
    PerformanceRecord.initiatives,
    PerformanceRecord.initiative_scope,
)
_FACTS = {
    "individual": select(*_FACTS_COLUMNS).where(PerformanceRecord.user_id == bindparam("user_id")),
    "collective": select(*_FACTS_COLUMNS).where(PerformanceRecord.unit_id == bindparam("unit_id")),
}
_LIVE = ("withdrawn", "cancelled", "rejected", "blocked")
_PENDING = {
    kind: select(Dossier.title_code).where(
        Dossier.campaign_id == bindparam("campaign_id"),
        same,
        Dossier.nominee_kind == kind,
        Dossier.status.not_in(_LIVE),
        Dossier.id != bindparam("dossier_id"),
    )
    for kind, same in (
        ("individual", Dossier.nominee_user_id == bindparam("user_id")),
        ("collective", Dossier.nominee_unit_id == bindparam("unit_id")),
    )
}


def _kind(dossier: Dossier) -> str:
    return "individual" if dossier.nominee_kind == "individual" else "collective"


def _nominee(dossier: Dossier) -> dict[str, int | None]:
    return {"user_id": dossier.nominee_user_id, "unit_id": dossier.nominee_unit_id}


def history_for(session: Session, dossier: Dossier) -> rules.History:
    """Return the nominee's awards and yearly facts, as the eligibility rules take them."""
    kind, nominee = _kind(dossier), _nominee(dossier)
    awards = [
        rules.AwardRecord(year=year, title_code=title_code)
        for year, title_code in session.execute(_AWARDS[kind], nominee)
    ]
    years = [
        rules.YearFacts(
            year=year,
            rating=rating,  # type: ignore[arg-type]  # checked by the table's constraint
            initiatives=initiatives,
            initiative_scope=scope,  # type: ignore[arg-type]
        )
        for year, rating, initiatives, scope in session.execute(_FACTS[kind], nominee)
    ]
    return rules.History(awards=awards, years=years)


def pending_titles(session: Session, dossier: Dossier) -> frozenset[str]:
    """Return the other titles the same nominee is nominated for in the same campaign."""
    params = {**_nominee(dossier), "campaign_id": dossier.campaign_id, "dossier_id": dossier.id}
    return frozenset(session.scalars(_PENDING[_kind(dossier)], params))


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
