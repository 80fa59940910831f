"""The engine's pinned clock (engine.models.base.pinned_clock), which the demo replays its
campaigns with, holds for every time the engine writes and for SpiffWorkflow's timers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask
from engine.models.base import pinned_clock, utcnow
from engine.workflow import operations
from tests.common.procedure import START, Procedure


def test_a_posting_period_replayed_in_the_past_ends_on_its_date_not_at_once(
    world: Procedure,
) -> None:
    month_ago = START - timedelta(days=30)
    with pinned_clock(month_ago) as move:
        dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
        world.to_council(dossier_id)
        # The period (5 working days) is over by the wall clock, not by the pinned one.
        assert world.dossier(dossier_id).stage == "posting"
        assert operations.fire_due_timers(world.factory, utcnow()) == 0
        assert world.dossier(dossier_id).stage == "posting"
        move(month_ago + timedelta(days=10))
        assert operations.fire_due_timers(world.factory, utcnow()) == 1
    assert world.dossier(dossier_id).stage == "council"
    with world.factory() as session:
        posting = session.scalars(
            select(HumanTask).where(
                HumanTask.dossier_id == dossier_id, HumanTask.element_id == "posting"
            )
        ).one()
    assert posting.created_at == month_ago
    assert posting.completed_at == month_ago + timedelta(days=10)
    assert utcnow() == START, "the wall clock (here time-machine's) is back after the block"
