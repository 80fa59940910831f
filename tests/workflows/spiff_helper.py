"""Run the project's BPMN/DMN in memory with raw SpiffWorkflow 3.2 (no database, no engine).

This is the only place under tests/ and engine/rules/ that imports SpiffWorkflow: it stands in
for the engine until the engine lands, and shows the exact calls the engine needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.domain.rules.tally import tally_session
from engine.workflow import spiff as engine_spiff

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
START = datetime(2025, 11, 3, 8, 0, tzinfo=UTC)


def parser() -> SpiffBpmnParser:
    """Return a validating parser loaded with every BPMN and DMN file of workflows/."""
    spiff_parser = SpiffBpmnParser(validator=VALIDATOR)
    spiff_parser.add_bpmn_files(sorted(str(p) for p in WORKFLOWS.glob("*.bpmn")))
    spiff_parser.add_dmn_files(sorted(str(p) for p in WORKFLOWS.glob("*.dmn")))
    return spiff_parser


class Run:
    """One in-memory instance of a process with a controllable clock."""

    def __init__(self, process_id: str, data: Mapping[str, Any]) -> None:
        spiff_parser = parser()
        self.now = START
        helpers: dict[str, Callable[..., Any]] = {
            # Test doubles: calendar days stand in for the real working-day calendar.
            "working_days_ahead": lambda n: (self.now + timedelta(days=int(n))).isoformat(),
            "now_iso": lambda: self.now.isoformat(),
            "tally_session": tally_session,
            # The engine fills unconfirmed rows from RuleSetting; in memory nothing is set.
            "agency_vote_rules": lambda dossiers, vote_rules: vote_rules,
        }
        # The engine's restricted script environment, so these tests run the scripts as deployed.
        engine = engine_spiff.script_engine(helpers)
        self.wf = BpmnWorkflow(
            spiff_parser.get_spec(process_id),
            spiff_parser.get_subprocess_specs(process_id),
            script_engine=engine,
        )
        start = self.wf.get_tasks(state=TaskState.READY)[0]
        start.data.update(json.loads(json.dumps(data)))
        self.step()

    def step(self) -> None:
        """Run engine tasks at the current clock."""
        with time_machine.travel(self.now, tick=False):
            self.wf.refresh_timers()
            self.wf.do_engine_steps()

    def reload(self) -> None:
        """Save the instance to JSON and load it back, as the engine does between steps."""
        serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        engine = self.wf.script_engine
        self.wf = serializer.deserialize_json(serializer.serialize_json(self.wf))
        self.wf.script_engine = engine

    @property
    def data(self) -> dict[str, Any]:
        """Return the data of the last completed task (the instance's current data)."""
        return self.wf.last_task.data if self.wf.last_task else {}

    def ready(self) -> list[Task]:
        """Return the ready human tasks."""
        return self.wf.get_tasks(state=TaskState.READY, manual=True)

    def ready_ids(self) -> list[str]:
        """Return the bpmn ids of the ready human tasks, sorted."""
        return sorted(t.task_spec.bpmn_id for t in self.ready())

    def complete(self, bpmn_id: str, data: Mapping[str, Any] | None = None, **kw: Any) -> Task:
        """Complete the first ready human task with this bpmn id (``item`` picks an instance)."""
        item = kw.pop("item", None)
        candidates = [t for t in self.ready() if t.task_spec.bpmn_id == bpmn_id]
        if item is not None:
            candidates = [t for t in candidates if _mi_item(t) == item]
        assert candidates, f"{bpmn_id} is not ready; ready: {self.ready_ids()}"
        task = candidates[0]
        task.data.update(json.loads(json.dumps({**(data or {}), **kw})))
        task.run()
        self.step()
        return task

    def advance(self, days: float) -> None:
        """Move the clock forward and fire whatever timers are due."""
        self.now += timedelta(days=days)
        self.step()

    def send(self, name: str, payload: Any) -> None:
        """Deliver a message from outside, as the engine does."""
        self.wf.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))
        self.step()

    def thrown(self) -> list[BpmnEvent]:
        """Return (and clear) the events the instance threw that nothing inside caught."""
        return self.wf.get_events()

    @property
    def completed(self) -> bool:
        """Return whether the instance has ended."""
        return self.wf.completed

    def passed(self, bpmn_id: str) -> bool:
        """Return whether a task with this bpmn id completed."""
        return any(
            t.task_spec.bpmn_id == bpmn_id for t in self.wf.get_tasks(state=TaskState.COMPLETED)
        )


def _mi_item(task: Task) -> Any:
    for name in ("member", "absent_member"):
        if name in task.data:
            return task.data[name]["user_id"]
    return None
