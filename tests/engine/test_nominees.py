"""Eligibility from the stored history: awards and yearly ratings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.demo import load_demo
from engine.domain import nominees
from engine.models import AwardRecord, Campaign, Dossier, PerformanceRecord, User
from engine.text import search_key


def _dossier(session: Session, user: User, title: str, basis: str = "ND152_2025") -> Dossier:
    campaign = session.scalars(select(Campaign)).one()
    dossier = Dossier(
        campaign_id=campaign.id,
        unit_id=user.unit_id,
        nominee_kind="individual",
        nominee_user_id=user.id,
        nominee_name=user.full_name,
        nominee_search=search_key(user.full_name),
        title_code=title,
        legal_basis=basis,
        year=2026,
    )
    session.add(dossier)
    session.flush()
    return dossier


def _fresh_person(session: Session) -> User:
    person = User(username="moi", full_name="Lục Văn Mới", email="moi@example.org", unit_id=1)
    session.add(person)
    session.flush()
    return person


def test_history_reads_awards_and_ratings_of_the_nominee_only(db_session: Session) -> None:
    load_demo(db_session, today=date(2026, 11, 24))
    person = db_session.scalars(select(User).where(User.username == "cb001")).one()
    history = nominees.history_for(db_session, _dossier(db_session, person, "BKT"))
    own_awards = db_session.scalars(
        select(AwardRecord).where(AwardRecord.user_id == person.id)
    ).all()
    assert len(history.awards) == len(own_awards) > 0
    assert {f.year for f in history.years} == set(range(2021, 2027))


def test_person_without_history_is_blocked_with_every_reason_in_vietnamese(
    db_session: Session,
) -> None:
    load_demo(db_session, today=date(2026, 11, 24))
    person = _fresh_person(db_session)
    result = nominees.check(db_session, _dossier(db_session, person, "CSTDT"))
    assert not result.eligible
    assert result.unmet
    assert all("Điều" in reason or "Luật" in reason or "NĐ" in reason for reason in result.unmet)


def test_three_consecutive_cstdcs_make_a_provincial_fighter_eligible_on_that_count(
    db_session: Session,
) -> None:
    load_demo(db_session, today=date(2026, 11, 24))
    person = _fresh_person(db_session)
    for year in (2023, 2024, 2025):
        db_session.add(
            PerformanceRecord(
                user_id=person.id,
                year=year,
                rating="excellent",
                initiatives=1,
                initiative_scope="province",
            )
        )
        for title in ("LDTT", "CSTDCS"):
            db_session.add(
                AwardRecord(
                    nominee_kind="individual",
                    user_id=person.id,
                    nominee_name=person.full_name,
                    nominee_search=search_key(person.full_name),
                    title_code=title,
                    year=year,
                )
            )
    db_session.flush()
    without = nominees.check(db_session, _dossier(db_session, _fresh_other(db_session), "CSTDT"))
    with_history = nominees.check(db_session, _dossier(db_session, person, "CSTDT"))
    assert any("Chưa đủ 3 năm liên tục" in r for r in without.unmet)
    assert any("toàn tỉnh" in r for r in without.unmet)
    assert with_history.eligible, with_history.unmet


def _fresh_other(session: Session) -> User:
    other = User(username="khac", full_name="Bế Thị Khác", email="khac@example.org", unit_id=1)
    session.add(other)
    session.flush()
    return other
