from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.demo import UNITS, load_demo
from engine.models import (
    Campaign,
    CouncilMember,
    CouncilTerm,
    OrgUnit,
    RoleMembership,
    User,
)


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (OrgUnit, User, RoleMembership, CouncilTerm, CouncilMember, Campaign)
    }


def test_demo_organisation_is_realistic(db_session: Session) -> None:
    load_demo(db_session, today=date(2026, 11, 24))
    db_session.commit()
    counts = _counts(db_session)
    assert counts["org_unit"] == len(UNITS) == 7
    assert 55 <= counts["app_user"] <= 70
    names = {u.full_name for u in db_session.scalars(select(User))}
    assert "Nông Văn Thắng" in names
    assert len(names) == counts["app_user"], "every demo person has a distinct name"
    term = db_session.scalars(select(CouncilTerm)).one()
    positions = sorted(m.position for m in term.members)
    assert len(term.members) == 7
    assert positions.count("chair") == 1
    campaign = db_session.scalars(select(Campaign)).one()
    assert campaign.year == 2026
    assert campaign.legal_basis == "ND152_2025"


def test_demo_unit_heads_are_scoped_to_their_unit(db_session: Session) -> None:
    load_demo(db_session)
    db_session.commit()
    head = db_session.scalars(select(User).where(User.username == "truongphong.qlkh")).one()
    assert head.unit is not None
    assert head.has_role("unit_head", head.unit_id)
    assert head.unit_id is not None
    assert not head.has_role("unit_head", head.unit_id + 1)


def test_loading_demo_twice_changes_nothing(db_session: Session) -> None:
    first = load_demo(db_session)
    db_session.commit()
    before = _counts(db_session)
    second = load_demo(db_session)
    db_session.commit()
    assert sum(first.values()) > 0
    assert set(second.values()) == {0}
    assert _counts(db_session) == before


def test_the_log_in_lists_secretary_is_the_council_terms(db_session: Session) -> None:
    """Issue 15: the minutes named the term's secretary, the log-in list another person."""
    from engine.demo import DEMO_ACCOUNTS
    from engine.documents.context import minutes_context
    from engine.models import CouncilSession

    load_demo(db_session, today=date(2026, 11, 24))
    db_session.flush()
    term = db_session.scalars(select(CouncilTerm)).one()
    campaign = db_session.scalars(select(Campaign)).one()
    sitting = CouncilSession(
        campaign_id=campaign.id, term_id=term.id, meeting_date=date(2026, 12, 2)
    )
    db_session.add(sitting)
    db_session.commit()
    labelled = [a.full_name for a in DEMO_ACCOUNTS if "Thư ký Hội đồng" in a.role_label]
    assert labelled == [minutes_context(db_session, sitting.id, {})["secretary"]]


def test_demo_awards_name_the_persons_unit(db_session: Session) -> None:
    """Issue 15: "Đơn vị" was empty for every imported award."""
    from engine.models import AwardRecord

    load_demo(db_session, today=date(2026, 11, 24))
    db_session.commit()
    rows = db_session.execute(
        select(AwardRecord.unit_name, OrgUnit.name)
        .join(User, User.id == AwardRecord.user_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
    ).all()
    assert rows
    assert all(unit_name == unit for unit_name, unit in rows)
