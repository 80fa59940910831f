"""Done when: a synthetic agency comes in through the public import commands only, then a
dossier of every processed title is filed and judged under each legal basis, and each result
and its cited article is what the law's rules give on the agency's own figures."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import admin
from engine.config import Settings
from engine.domain import dossiers, nominees, rule_settings
from engine.domain.rules import eligibility as rules
from engine.domain.rules.legal_basis import LEGAL_BASES, citation
from engine.domain.rules.titles import TITLES, processed_title_codes, title_code_for
from engine.errors import ValidationFailed
from engine.models import AwardRecord, OrgUnit, RoleMembership, User
from engine.read.stats import award_statistics
from tests.common import agency, people
from tests.test_cli import _tdkt

#: One campaign per legal basis, inside the basis's period.
CAMPAIGNS = {
    "ND91_2017": (date(2022, 1, 1), date(2022, 12, 31)),
    "ND98_2023": (date(2024, 1, 1), date(2024, 12, 31)),
    "ND152_2025": (date(2025, 7, 1), date(2025, 12, 31)),
}
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def _import_everything(settings: Settings, folder: Path, built: agency.Agency) -> None:
    env = {
        "TDKT_DATA_DIR": str(folder / "data"),
        "TDKT_DATABASE_URL": settings.db_url.render_as_string(hide_password=False),
        "TDKT_REDIS_URL": str(settings.redis_url),
        "TDKT_SECRET_KEY": "test-secret-key",
    }
    deployed = _tdkt("deploy", str(WORKFLOWS), env=env, timeout=120)
    assert deployed.returncode == 0, deployed.stderr
    paths = agency.write(built, folder / "files")
    for kind in ("units", "staff", "ratings", "discipline", "initiatives", "awards"):
        preview = _tdkt("import", kind, str(paths[kind]), env=env, timeout=120)
        assert preview.returncode == 0, preview.stderr
        assert preview.stdout.splitlines()[-1].startswith("xem trước:")
        applied = _tdkt("import", kind, str(paths[kind]), "--apply", env=env, timeout=120)
        assert applied.returncode == 0, (kind, applied.stderr[:2000])
        assert " 0 dòng lỗi" in applied.stdout


def _history(built: agency.Agency, person: agency.Person) -> rules.History:
    awards = [
        rules.AwardRecord(year, code)
        for name, kind, written, year in built.awards
        if kind == "cá nhân" and name == person.name and (code := title_code_for(written))
    ]
    counts: Counter[int] = Counter()
    widest: dict[int, str] = {}
    order = {"unit": 1, "province": 2, "national": 3}
    for email, year, scope in built.initiatives:
        if email == person.email:
            counts[year] += 1
            if order[scope] > order.get(widest.get(year, ""), 0):
                widest[year] = scope
    disciplined = built.warned.get(person.email, set()) | built.reprimanded.get(person.email, set())
    years = [
        rules.YearFacts(
            year,
            rating,  # type: ignore[arg-type]
            counts[year],
            widest.get(year),  # type: ignore[arg-type]
            year in disciplined,
        )
        for year, rating in person.ratings.items()
    ]
    return rules.History(awards=awards, years=years)


def _unit_stats(
    built: agency.Agency, code: str, year: int, filed: set[tuple[str, str]]
) -> rules.UnitStats:
    """The collective's figures; ``filed`` (name, title) are nominations of the same round,
    counted as the rules count a title nominated together with the collective's."""
    members = [p for p in built.people if p.unit == code]
    names = {p.name for p in members}

    def holders(title: str) -> int:
        awarded = {
            name
            for name, kind, written, y in built.awards
            if kind == "cá nhân"
            and name in names
            and y == year
            and title_code_for(written) == title
        }
        return len(awarded | {n for n, t in filed if t == title and n in names})

    return rules.UnitStats(
        members=len(members),
        complete_duties=sum(
            1 for p in members if p.ratings.get(year, "incomplete") != "incomplete"
        ),
        ldtt=holders("LDTT"),
        cstdcs=holders("CSTDCS"),
        disciplined=sum(1 for p in members if year in built.warned.get(p.email, set())),
    )


def _unit_history(built: agency.Agency, code: str) -> rules.History:
    name = next(n for c, n, _p in agency.UNITS if c == code)
    awards = [
        rules.AwardRecord(year, title)
        for who, kind, written, year in built.awards
        if kind == "tập thể" and who == name and (title := title_code_for(written))
    ]
    return rules.History(
        awards=awards, years=[rules.YearFacts(y, "excellent") for y in agency.YEARS]
    )


def test_a_synthetic_agency_is_imported_and_every_title_judged_under_each_basis(
    settings: Settings,
    session_factory: sessionmaker[Session],
    db_session: Session,
    tmp_path: Path,
) -> None:
    built = agency.build()
    assert len(built.people) >= 100
    assert len(built.awards) >= 500
    # Every catalogue form occurs, and under more than one spelling where it has aliases.
    written = {(title_code_for(w), w) for _n, _k, w, _y in built.awards}
    for title in TITLES:
        spellings = {w for code, w in written if code == title.code}
        assert spellings, title.code
        assert len(spellings) >= min(2, 1 + len(title.aliases)), title.code
    _import_everything(settings, tmp_path, built)

    session = db_session
    assert len(session.scalars(select(AwardRecord)).all()) == len(built.awards)
    units = {u.code: u for u in session.scalars(select(OrgUnit))}
    assert set(units) >= {code for code, _n, _p in agency.UNITS}
    # The people who file and administer are not staff of the units judged.
    head_office = units["SO"]
    clerk = people.user(session, "vanthu.so", unit=head_office, roles=())
    for code in agency.STAFF_UNITS:
        clerk.memberships.append(RoleMembership(role_code="unit_clerk", unit_id=units[code].id))
    manager = people.user(session, "quantri.so", unit=head_office, roles=("admin", "secretariat"))
    session.commit()
    for basis in LEGAL_BASES:  # the posting period each basis leaves to the agency
        rule_settings.save_setting(
            session, basis.code, "*", "posting_days", 5, "Quy chế TĐKT của Sở (thử)", manager.id
        )
    session.commit()

    # A basis outside its period is refused, with the period in the message.
    with pytest.raises(ValidationFailed) as wrong:
        admin.create_campaign(
            session, manager, _campaign("SAI", "ND91_2017", *CAMPAIGNS["ND98_2023"])
        )
    assert (
        "NĐ 91/2017 có hiệu lực từ 01/10/2017 đến 31/12/2023"
        in wrong.value.field_errors["legal_basis"]
    )

    by_email = {u.email: u for u in session.scalars(select(User))}
    judged = 0
    outcomes: set[bool] = set()
    for basis in LEGAL_BASES:
        start, end = CAMPAIGNS[basis.code]
        campaign = admin.create_campaign(
            session, manager, _campaign(f"TD-{basis.code}", basis.code, start, end)
        )
        year = campaign.year
        filed: set[tuple[str, str]] = set()
        for index, code in enumerate(processed_title_codes()):
            for kind in sorted(next(t for t in TITLES if t.code == code).nominee_kinds):
                if kind == "individual":
                    person = built.people[(index * 11 + year) % 118]
                    nominee_user = by_email[person.email]
                    dossier = dossiers.file_dossier(
                        session,
                        clerk,
                        campaign_id=campaign.id,
                        title_code=code,
                        nominee_user_id=nominee_user.id,
                    )
                    expected = rules.check_eligibility(
                        code, basis.code, rules.Nominee("individual", year), _history(built, person)
                    )
                    filed.add((person.name, code))
                else:
                    unit_code = agency.STAFF_UNITS[(index + year) % len(agency.STAFF_UNITS)]
                    dossier = dossiers.file_dossier(
                        session,
                        clerk,
                        campaign_id=campaign.id,
                        title_code=code,
                        nominee_unit_id=units[unit_code].id,
                    )
                    expected = rules.check_eligibility(
                        code,
                        basis.code,
                        rules.Nominee("collective", year),
                        _unit_history(built, unit_code),
                        _unit_stats(built, unit_code, year, filed),
                    )
                judged += 1
                outcomes.add(expected.eligible)
                assert dossier.legal_basis == basis.code
                assert dossier.eligibility["eligible"] == expected.eligible, (
                    basis.code,
                    code,
                    kind,
                )
                assert dossier.eligibility["unmet"] == expected.unmet, (basis.code, code, kind)
                cited = citation(basis.code, code)
                assert all(c.citation.startswith(cited) for c in expected.checked)
                checked = nominees.check(session, dossier).checked
                assert [c.citation for c in checked] == [c.citation for c in expected.checked]
                assert basis.law in cited
                assert basis.decree in cited
    assert judged == len(LEGAL_BASES) * sum(len(t.nominee_kinds) for t in TITLES if t.processed)
    assert outcomes == {True, False}  # the agency's figures give passes and refusals
    # The cited articles differ by basis where the laws do (spot checks against the texts).
    assert citation("ND91_2017", "CSTDCS").startswith("Luật TĐKT 2003 (sửa đổi 2013) Điều 23")
    assert citation("ND98_2023", "TTLDXS") == "Luật TĐKT 2022 Điều 27; NĐ 98/2023"
    assert citation("ND152_2025", "HCLD3").startswith("Luật TĐKT 2022 Điều 44; NĐ 152/2025")

    # The statistics reproduce the history: every form, totals computed from the rows.
    first = min(y for *_rest, y in built.awards)
    stats = award_statistics(session, first, 2025)
    expected_counts = Counter(title_code_for(w) for _n, _k, w, _y in built.awards)
    assert {code: stats.count(code) for code in expected_counts} == dict(expected_counts)
    _headers, body, totals = stats.table()
    assert totals[-1][-1] == sum(int(str(row[-1])) for row in body) == len(built.awards)


def _campaign(code: str, basis: str, start: date, end: date) -> dict[str, object]:
    return {
        "code": code,
        "name": f"Phong trào thi đua {code}",
        "kind": "annual",
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "registration_deadline": start.isoformat(),
        "nomination_deadline": end.isoformat(),
        "legal_basis": basis,
        "title_codes": processed_title_codes(),
    }
