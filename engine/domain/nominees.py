"""What the rules need to know about a nominee, read from the award history and yearly ratings."""

from __future__ import annotations

from datetime import date
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
from engine.models import (
    AwardRecord,
    DisciplineRecord,
    Dossier,
    DossierInitiative,
    Initiative,
    InitiativeAuthor,
    OrgUnit,
    PerformanceRecord,
    StaffPeriod,
    User,
)
from engine.text import search_key

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


def nominee_facts(
    session: Session, dossier: Dossier, *, filing: bool = False
) -> tuple[frozenset[str], rules.History]:
    """Return the other titles the nominee is nominated for in the dossier's campaign, and the
    nominee's awards and yearly facts, as the eligibility rules take them.

    ``filing``: the dossier was inserted in this transaction, so no initiative is attached to it
    yet and their read is skipped (one statement less per filing)."""
    params = {
        "user_id": dossier.nominee_user_id,
        "unit_id": dossier.nominee_unit_id,
        "campaign_id": dossier.campaign_id,
        "dossier_id": dossier.id,
    }
    pending: set[str] = set()
    awards: list[rules.AwardRecord] = []
    years: list[rules.YearFacts] = []
    individual = dossier.nominee_kind == "individual" and dossier.nominee_user_id is not None
    # The initiatives the clerk attached, when any: only they count (and a year's figure from
    # the ratings is not added to them). Otherwise every recognised initiative of the person.
    chosen = (
        attached_by_year(session, dossier.id) if dossier.id is not None and not filing else None
    )
    recognised = (
        chosen
        if chosen is not None
        else initiatives_by_year(session, dossier.nominee_user_id)
        if individual and dossier.nominee_user_id is not None
        else {}
    )
    disciplined = (
        disciplined_years(session, dossier.nominee_user_id)
        if individual and dossier.nominee_user_id is not None
        else set()
    )
    for source, year, title_code, rating, initiatives, scope in session.execute(
        _HISTORY[_kind(dossier)], params
    ):
        if source == _PENDING:
            pending.add(title_code)
        elif source == _AWARD:
            awards.append(rules.AwardRecord(year=year, title_code=title_code))
        else:
            count, widest = recognised.get(year, (0, None))
            if chosen is not None:
                initiatives, scope = 0, None
            years.append(
                rules.YearFacts(
                    year=year,
                    rating=rating,
                    initiatives=initiatives + count,
                    initiative_scope=wider(scope, widest),
                    disciplined=year in disciplined,
                )
            )
    return frozenset(pending), rules.History(awards=awards, years=years)


_SCOPE_ORDER = {None: 0, "unit": 1, "province": 2, "national": 3}


def wider(a: str | None, b: str | None) -> Any:
    """Return the wider of two scopes of effect (None is the narrowest)."""
    return a if _SCOPE_ORDER.get(a, 0) >= _SCOPE_ORDER.get(b, 0) else b


def initiatives_by_year(session: Session, user_id: int) -> dict[int, tuple[int, str | None]]:
    """Return {year: (recognised initiatives and research, widest scope)} of a person."""
    result: dict[int, tuple[int, str | None]] = {}
    for year, scope in session.execute(
        select(Initiative.year, Initiative.scope)
        .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
        .where(InitiativeAuthor.user_id == user_id)
    ):
        count, widest = result.get(year, (0, None))
        result[year] = (count + 1, wider(widest, scope))
    return result


def attached_by_year(session: Session, dossier_id: int) -> dict[int, tuple[int, str | None]] | None:
    """Return {year: (count, widest scope)} of the initiatives attached to the dossier
    (engine.domain.initiatives); None when none is attached."""
    rows = session.execute(
        select(Initiative.year, Initiative.scope)
        .join(DossierInitiative, DossierInitiative.initiative_id == Initiative.id)
        .where(DossierInitiative.dossier_id == dossier_id)
    ).all()
    if not rows:
        return None
    result: dict[int, tuple[int, str | None]] = {}
    for year, scope in rows:
        count, widest = result.get(year, (0, None))
        result[year] = (count + 1, wider(widest, scope))
    return result


def disciplined_years(session: Session, user_id: int, warning_or_more: bool = False) -> set[int]:
    """Return the years in which a discipline of the person was in effect on some day."""
    years: set[int] = set()
    query = select(DisciplineRecord.effective_from, DisciplineRecord.effective_until).where(
        DisciplineRecord.user_id == user_id
    )
    if warning_or_more:
        query = query.where(DisciplineRecord.warning_or_more.is_(True))
    for start, until in session.execute(query):
        years.update(range(start.year, (until.year if until else start.year) + 1))
    return years


def members_in_year(session: Session, unit_id: int, year: int) -> list[int]:
    """Return who belonged to the unit at some time in ``year``.

    Staff periods (imported from the HR list) say it; a person with no period at all counts by
    today's unit while active, so an agency that has not imported its staff history still works.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    with_period = session.scalars(
        select(StaffPeriod.user_id).where(
            StaffPeriod.unit_id == unit_id,
            StaffPeriod.joined_on <= last,
            (StaffPeriod.left_on.is_(None)) | (StaffPeriod.left_on >= first),
        )
    )
    members = set(with_period)
    no_period = session.scalars(
        select(User.id).where(
            User.unit_id == unit_id,
            User.active.is_(True),
            ~select(StaffPeriod.id).where(StaffPeriod.user_id == User.id).exists(),
        )
    )
    members.update(no_period)
    return sorted(members)


def awarded_in_unit(session: Session, unit_id: int, year: int, title_code: str) -> int:
    """Return how many people of the unit hold ``title_code`` for ``year`` by a decision: the
    award history (decided dossiers and imported rows), never an undecided dossier. An imported
    row not linked to a person counts by the unit name it gives."""
    members = members_in_year(session, unit_id, year)
    linked = set(
        session.scalars(
            select(AwardRecord.user_id).where(
                AwardRecord.user_id.in_(members),
                AwardRecord.year == year,
                AwardRecord.title_code == title_code,
            )
        )
    )
    unit = session.get(OrgUnit, unit_id)
    unlinked = 0
    if unit is not None:
        unlinked = (
            session.scalar(
                select(func.count(func.distinct(AwardRecord.nominee_search))).where(
                    AwardRecord.user_id.is_(None),
                    AwardRecord.nominee_kind == "individual",
                    AwardRecord.unit_search == search_key(unit.name),
                    AwardRecord.year == year,
                    AwardRecord.title_code == title_code,
                )
            )
            or 0
        )
    return len(linked) + unlinked


def history_for(session: Session, dossier: Dossier) -> rules.History:
    """Return the nominee's awards and yearly facts, as the eligibility rules take them."""
    return nominee_facts(session, dossier)[1]


def unit_stats_for(session: Session, unit_id: int, year: int) -> rules.UnitStats:
    """Return a collective's figures for ``year``: its members in that year, their ratings,
    titles and disciplines (warning or heavier)."""
    member_list = members_in_year(session, unit_id, year)
    members = len(member_list)
    member_ids = select(User.id).where(User.id.in_(member_list))
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

    disciplined = sum(
        1 for user_id in member_list if year in disciplined_years(session, user_id, True)
    )
    return rules.UnitStats(
        members=members,
        complete_duties=complete,
        ldtt=holders("LDTT"),
        cstdcs=holders("CSTDCS"),
        disciplined=disciplined,
    )


def check(session: Session, dossier: Dossier, *, filing: bool = False) -> rules.EligibilityResult:
    """Check the dossier's nominee against its title's prerequisites under its legal basis
    (``filing``: see ``nominee_facts``)."""
    pending, history = nominee_facts(session, dossier, filing=filing)
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
