"""The demo's campaigns (issue 15, defect 17): last year's finished, this year's with a dossier at
every step, four ready for a council session on the first day, and step times that are not 0.0
— all written by the real operations on the real workflows/, at a replayed past."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import WorkingCalendar
from engine.demo import CURRENT_DOSSIERS, PAST_DOSSIERS, load_demo_dossiers
from engine.domain import council
from engine.models import (
    AwardRecord,
    Campaign,
    Dossier,
    HumanTask,
    ProcessInstance,
    User,
)
from engine.read.stats import time_per_step
from tests.common.procedure import START, deploy_demo

#: Where each promised state leaves a dossier: (stage, status, the task that waits, if any).
EXPECTED = {
    "prepare": ("prepare", "active", "prepare_dossier"),
    "returned": ("prepare", "active", "prepare_dossier"),
    "unit_review": ("unit_review", "active", "unit_review"),
    "completeness": ("completeness", "active", "completeness_check"),
    "posting": ("posting", "active", "posting"),
    "council": ("council", "active", None),
    "not_selected": ("archived", "not_selected", None),
    "decision": ("decision", "active", "director_decision"),
    "awarded": ("archived", "awarded", None),
    "submission": ("submission", "active", "prepare_submission"),
    "province": ("province", "active", "record_province_outcome"),
    "province_awarded": ("archived", "awarded", None),
}


@pytest.fixture
def demo(session_factory: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    with time_machine.travel(START, tick=False):
        deploy_demo(session_factory, START.date())
        assert load_demo_dossiers(session_factory, START.date()) == len(CURRENT_DOSSIERS) + len(
            PAST_DOSSIERS
        )
        assert load_demo_dossiers(session_factory, START.date()) == 0, "loading twice adds nothing"
        yield session_factory


def _by_nominee(session: Session, year: int) -> dict[tuple[str, str], Dossier]:
    rows = session.scalars(
        select(Dossier)
        .join(Campaign, Campaign.id == Dossier.campaign_id)
        .where(Campaign.year == year)
    )
    return {(d.nominee_name, d.title_code): d for d in rows}


def _name(session: Session, nominee: str) -> str:
    user = session.scalars(select(User).where(User.username == nominee)).first()
    if user is not None:
        return user.full_name
    from engine.models import OrgUnit

    return session.scalars(select(OrgUnit.name).where(OrgUnit.code == nominee)).one()


@pytest.mark.parametrize(("year", "items"), [(2026, CURRENT_DOSSIERS), (2025, PAST_DOSSIERS)])
def test_every_demo_dossier_is_where_the_demo_promises(
    demo: sessionmaker[Session], year: int, items: tuple[object, ...]
) -> None:
    with demo() as session:
        found = _by_nominee(session, year)
        assert len(found) == len(items)
        for item in items:
            dossier = found[(_name(session, item.nominee), item.title)]  # type: ignore[attr-defined]
            stage, status, waiting = EXPECTED[item.until]  # type: ignore[attr-defined]
            assert (dossier.stage, dossier.status) == (stage, status), item
            ready = list(
                session.scalars(
                    select(HumanTask.element_id).where(
                        HumanTask.dossier_id == dossier.id, HumanTask.status == "ready"
                    )
                )
            )
            assert ready == ([waiting] if waiting else []), item
            if status == "awarded":
                award = session.scalars(
                    select(AwardRecord).where(AwardRecord.dossier_id == dossier.id)
                ).one()
                assert award.year == year
                assert award.decision_no
    if year == 2025:
        with demo() as session:
            assert not session.scalar(
                select(func.count(Dossier.id))
                .join(Campaign, Campaign.id == Dossier.campaign_id)
                .where(Campaign.year == 2025, Dossier.status == "active")
            ), "last year's campaign is finished"


def test_one_dossier_was_returned_to_its_clerk(demo: sessionmaker[Session]) -> None:
    with demo() as session:
        # The return happened: the dossier is back with its clerk after a unit review.
        cb010 = session.scalars(select(User).where(User.username == "cb010")).one()
        dossier = session.scalars(select(Dossier).where(Dossier.nominee_user_id == cb010.id)).one()
        steps = list(
            session.scalars(
                select(HumanTask.element_id)
                .where(HumanTask.dossier_id == dossier.id)
                .order_by(HumanTask.id)
            )
        )
        assert steps == ["prepare_dossier", "unit_review", "prepare_dossier"]


def test_times_are_in_the_past_and_the_open_posting_ends_later(
    demo: sessionmaker[Session],
) -> None:
    with demo() as session:
        latest = session.scalar(select(func.max(HumanTask.created_at)))
        done = session.scalar(select(func.max(HumanTask.completed_at)))
        assert latest is not None
        assert done is not None
        assert max(latest, done) <= START
        timers = list(
            session.scalars(
                select(ProcessInstance.next_timer_at).where(
                    ProcessInstance.next_timer_at.is_not(None),
                    ProcessInstance.status == "running",
                )
            )
        )
        assert timers
        assert all(t is not None and t > START for t in timers), "no posting is overdue"


def test_the_dashboard_step_times_are_not_zero_and_some_are_late(
    demo: sessionmaker[Session],
) -> None:
    with demo() as session:
        steps = {
            s.stage: s
            for s in time_per_step(
                session, START - timedelta(days=90), START + timedelta(days=1), WorkingCalendar()
            )
        }
        last_year = time_per_step(
            session,
            datetime(2025, 10, 1, tzinfo=UTC),
            datetime(2026, 3, 1, tzinfo=UTC),
            WorkingCalendar(),
        )
    # Completed steps only (a posting period ends by its timer, not by a completion); members
    # vote on the meeting day itself, so only the session's opening takes days in "council".
    for stage in ("prepare", "unit_review", "completeness", "decision"):
        assert stage in steps, stage
        assert steps[stage].median > 0, stage
    assert steps["council"].p90 > 0
    assert steps["unit_review"].over_limit >= 1, "one unit review took longer than its limit"
    assert steps["decision"].over_limit >= 1, steps["decision"]
    past = {s.stage: s for s in last_year}
    assert set(past) >= {"prepare", "unit_review", "completeness", "decision", "submission"}
    assert all(past[s].median > 0 for s in ("prepare", "unit_review", "completeness", "decision"))


def test_the_tour_can_hold_a_council_session_on_day_one(demo: sessionmaker[Session]) -> None:
    """README tour steps 3–5: the secretariat opens a session over the waiting dossiers (from
    at least three units), every member votes, the director signs."""
    with time_machine.travel(START, tick=False), demo() as session:
        campaign_id = session.scalars(select(Campaign.id).where(Campaign.year == 2026)).one()
        waiting = council.dossiers_awaiting_council(session, campaign_id)
        assert len(waiting) >= 4
        assert len({d.unit_id for d in waiting}) >= 3
        thuky = session.scalars(select(User).where(User.username == "thuky")).one()
        _ = thuky.memberships
        sitting = council.open_session(session, thuky, campaign_id, date(2026, 11, 26))
        assert sorted(sitting.dossier_ids) == sorted(d.id for d in waiting)
