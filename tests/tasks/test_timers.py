"""The beat's timer sweep fires due BPMN timers through the engine operation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from flask import Flask

from engine.models import ProcessInstance
from engine.workflow import operations
from tasks.timers import sweep_timers

TIMER_BPMN = Path(__file__).resolve().parents[2] / "bench" / "data" / "timer.bpmn"


def test_sweep_fires_a_due_timer_once_and_leaves_others_waiting(app: Flask) -> None:
    factory = app.extensions["tdkt"].session_factory
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    with app.app_context(), time_machine.travel(start, tick=False) as clock:
        with factory() as session:
            operations.deploy(session, [TIMER_BPMN])
        with factory() as session:
            soon = operations.start(
                session, "bench_timer", data={"due": (start + timedelta(hours=1)).isoformat()}
            ).id
        with factory() as session:
            later = operations.start(
                session, "bench_timer", data={"due": (start + timedelta(days=3)).isoformat()}
            ).id
        assert sweep_timers() == 0
        clock.move_to(start + timedelta(hours=2))
        assert sweep_timers() == 1
        assert sweep_timers() == 0
        with factory() as session:
            fired = session.get(ProcessInstance, soon)
            waiting = session.get(ProcessInstance, later)
            assert fired is not None
            assert waiting is not None
            assert (fired.status, fired.next_timer_at) == ("completed", None)
            assert waiting.status == "running"
            assert waiting.next_timer_at == start + timedelta(days=3)
