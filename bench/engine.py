"""Benchmark the engine's service layer against raw SpiffWorkflow, on the same BPMN each time.

Two processes are measured, each in one run, service and raw alternating in rounds:

* **the procedure**: ``workflows/tdkt_nomination`` on the demo agency (``engine.demo``). Dossiers
  are filed as a clerk files them; the clerk's submission, the unit head's review and the
  secretariat's completeness check are the timed completions (with the eligibility check the
  submission runs against the award history); the posting timer is then fired to measure the
  instance's JSON size at the council step.
* **five user tasks**: ``bench/five_steps.bpmn``, a straight line of five user tasks, the scale
  of the spiff-arena figure the issue compares with (83 ms, ~77 statements, 5 commits).

For each it prints steps/s of both sides and their ratio (target >= 0.5), p50/p95 ms per service
step, SQL statements and commits per completion (target <= 10 and exactly 1). The service side
runs twice: as the process that saved the instance's previous step, which still holds its
workflow (engine.workflow.cache), and with that cache off, as a process that never saw the
instance and parses the stored JSON (a web worker other than the last one, a restarted worker).
It also prints the time a step spends inside the database driver, which bounds from below what
the service layer can reach on that database.

SQLite in a temporary folder by default; PostgreSQL when TDKT_DATABASE_URL is set (its schema is
dropped and rebuilt: point it at a scratch database). The raw side starts from the state the
service stored and serializes with the same spec-less converter, so both sides do the same
SpiffWorkflow work.
The engine is wired as every real process wires it (``engine.runtime.build_wiring``, with the
notification subscribers), so a completion includes telling the next task's holders and
scheduling its reminders.

    .venv/bin/python bench/engine.py [instances] [--profile]

``--profile`` then runs the five-task service layer once more under pyinstrument and prints
where a step's time goes (the profiler slows it down several times: read the shares).
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

# This file is named like the package it measures: drop its folder from the import path first,
# and put the repository's root there, for the test-data layer (tests.common) it builds with.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace

import time_machine
from sqlalchemy import event, select, text

import bench
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.domain import dossiers as dossier_domain
from engine.migrate import upgrade
from engine.models import (
    Campaign,
    Dossier,
    HumanTask,
    ProcessInstance,
    User,
)
from engine.runtime import build_wiring, listen
from engine.workflow import operations, specs, spiff
from engine.workflow.cache import WorkflowCache
from tests.common import campaigns, dossiers, people
from tests.common.procedure import WORKFLOWS, deploy_demo
from tests.common.worlds import World

BPMN = Path(__file__).with_name("five_steps.bpmn")
ROLES = ("unit_clerk", "unit_head", "secretariat", "director")
ROUNDS = 10


#: The script engine of the bench's wiring, which the raw side runs its workflows with too.
SCRIPT_ENGINE: list[Any] = []


def _settings() -> Settings:
    url = os.environ.get("TDKT_DATABASE_URL")
    if url:
        return bench.settings(database_url=url)
    return bench.settings(data_dir=tempfile.mkdtemp(prefix="tdkt-bench-"))


def _database(settings: Settings) -> Any:
    engine = make_engine(settings.db_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


def _actor(factory: Any) -> User:
    with factory() as session:
        unit = people.unit(session, "U1", "Phòng 1")
        user = people.user(
            session, "bench", unit=unit, roles=ROLES, full_name="Bench", email="bench@example.vn"
        )
        session.commit()
        _ = list(user.memberships)
        return user


def _dossier(session: Any, actor: User) -> int:
    campaign = session.scalar(select(Campaign).where(Campaign.code == "BENCH"))
    if campaign is None:
        campaign = campaigns.campaign(
            session,
            2026,
            code="BENCH",
            name="Bench",
            title_codes=("LDTT",),
            nomination_deadline=date(2026, 11, 30),
        )
    assert actor.unit_id is not None
    dossier = dossiers.dossier(
        session,
        actor.unit_id,
        campaign=campaign,
        nominee_name="Bench",
        title_code="LDTT",
        stage="prepare",
        achievements=None,
        eligibility=None,
    )
    session.commit()
    return int(dossier.id)


class Meter:
    """Times completions and counts the statements and commits each one sends.

    It also sums the time each completion spends inside the database driver (from a statement's
    ``before_cursor_execute`` to its ``after_cursor_execute``, and the commit): the part no
    change to the engine's Python can shorten.
    """

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.durations: list[float] = []
        self.driver: list[float] = []
        self.per_step: list[tuple[int, int]] = []
        self.sizes: list[int] = []
        self._counts = {"statements": 0, "commits": 0}
        self._in_driver = 0.0
        self._since = 0.0

    def __enter__(self) -> Meter:
        for name, listener in self._listeners():
            event.listen(self.engine, name, listener)
        return self

    def __exit__(self, *_exc: Any) -> None:
        # Removed again, so that rounds do not pile up listeners on the timed path.
        for name, listener in self._listeners():
            event.remove(self.engine, name, listener)

    def _listeners(self) -> list[tuple[str, Any]]:
        return [
            ("before_cursor_execute", self._statement),
            ("after_cursor_execute", self._statement_done),
            ("commit", self._commit),
        ]

    def _statement(self, *_args: Any) -> None:
        self._counts["statements"] += 1
        self._since = time.perf_counter()

    def _statement_done(self, *_args: Any) -> None:
        self._in_driver += time.perf_counter() - self._since

    def _commit(self, *_args: Any) -> None:
        self._counts["commits"] += 1
        self._since = time.perf_counter()

    def _committed(self, *_args: Any) -> None:
        self._in_driver += time.perf_counter() - self._since

    def complete(self, session: Any, task_id: int, actor: User, form: dict[str, Any]) -> None:
        self._counts["statements"] = self._counts["commits"] = 0
        self._in_driver = 0.0
        # Listened to and removed outside the timed span: neither is part of a step.
        event.listen(session, "after_commit", self._committed)
        try:
            began = time.perf_counter()
            operations.complete(session, task_id, actor, form)
            ended = time.perf_counter()
        finally:
            event.remove(session, "after_commit", self._committed)
        self.durations.append(ended - began)
        self.driver.append(self._in_driver)
        self.per_step.append((self._counts["statements"], self._counts["commits"]))

    def extend(self, other: Meter) -> None:
        self.durations += other.durations
        self.driver += other.driver
        self.per_step += other.per_step
        self.sizes += other.sizes


def _ready_task(session: Any, instance_id: int) -> int:
    task_id = session.scalar(
        select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "ready"
        )
    )
    session.commit()
    return int(task_id)


def _service(factory: Any, engine: Any, actor: User, instances: int) -> Meter:
    data = {"unit_id": actor.unit_id}
    form = {"decision": "approve", "note": "ok"}
    with Meter(engine) as meter, factory() as session:
        for _ in range(instances):
            # Every real instance belongs to a dossier whose stage each step updates: measure it.
            dossier_id = _dossier(session, actor)
            instance_id = operations.start(
                session, "bench_five", data=data, dossier_id=dossier_id
            ).id
            for step in range(5):
                task_id = _ready_task(session, instance_id)
                if step == 3:
                    meter.sizes.append(len(_state(session, instance_id)))
                meter.complete(session, task_id, actor, form)
    return meter


def _state(session: Any, instance_id: int) -> str:
    state = session.scalar(select(ProcessInstance.state).where(ProcessInstance.id == instance_id))
    session.commit()
    return str(state or "")


def _raw(instances: int) -> list[float]:
    bpmn, dmn = specs.read_sources([BPMN])
    (process,) = specs.validate(bpmn, dmn)
    durations = []
    for _ in range(instances):
        workflow = spiff.new_workflow(process.spec_set, SCRIPT_ENGINE[0])
        spiff.set_start_data(workflow, {"unit_id": 1})
        spiff.do_engine_steps(workflow)
        state = spiff.dump_workflow(workflow)
        for _step in range(5):
            began = time.perf_counter()
            workflow = spiff.load_workflow(state, process.spec_set, SCRIPT_ENGINE[0])
            task = spiff.ready_user_tasks(workflow)[0]
            spiff.run_task(task, {"decision": "approve", "note": "ok"})
            spiff.do_engine_steps(workflow)
            state = spiff.dump_workflow(workflow)
            durations.append(time.perf_counter() - began)
    return durations


# --- the procedure ------------------------------------------------------------------------------

#: The nomination's user tasks before the council: the role that does each and what it enters.
PROCEDURE_STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "prepare_dossier",
        "unit_clerk",
        {"achievement_report": "Báo cáo thành tích năm 2026", "initiative": None},
    ),
    (
        "unit_review",
        "unit_head",
        {
            "unit_decision": "approve",
            "unit_reason": None,
            "unit_minutes_no": "05/BB-DV",
            "unit_meeting_date": "2026-11-25",
        },
    ),
    (
        "completeness_check",
        "secretariat",
        {"completeness_decision": "accept", "completeness_reason": None},
    ),
)


def _agency(factory: Any) -> tuple[World, list[tuple[int, int]]]:
    """Load the demo agency, deploy the procedure; return it and the people eligible for LĐTT
    (user id, unit id), whom its clerks can file for."""
    campaign_id = deploy_demo(factory)
    with factory() as session:
        campaign = session.get(Campaign, campaign_id)
        demo_people = (User.active.is_(True), User.username != "bench")
        users = {u.username: u for u in session.scalars(select(User).where(*demo_people))}
        for user in users.values():
            _ = list(user.memberships)
        session.commit()
    agency = World(users=users, campaign_row=campaign)
    clerks = people.holders(users.values())
    # Nobody who reviews, checks or decides: a step's holder may not act on their own dossier
    # (engine.domain.conflicts), and the benchmark's actors are the first holder of each lane.
    deciders = {role for _element, role, _form in PROCEDURE_STEPS} - {"unit_clerk"}
    candidates = [
        (u.id, u.unit_id)
        for u in users.values()
        if u.unit_id is not None
        and ("unit_clerk", u.unit_id) in clerks
        and not any(m.role_code in deciders for m in u.memberships)
    ]
    filed = _file(factory, agency, candidates)
    eligible = [d.eligibility["eligible"] for d in filed]
    _withdraw(factory, agency, filed)
    return agency, [c for c, ok in zip(candidates, eligible, strict=True) if ok]


def _actor_for(agency: World, role: str, unit_id: int | None) -> User:
    return people.holder(people.holders(agency.users.values()), role, unit_id)


def _file(factory: Any, agency: World, nominees: list[tuple[int, int]]) -> list[Dossier]:
    with factory() as session:
        return [
            dossier_domain.file_dossier(
                session,
                _actor_for(agency, "unit_clerk", unit_id),
                campaign_id=agency.campaign.id,
                title_code="LDTT",
                nominee_user_id=user_id,
                achievements="Hoàn thành xuất sắc nhiệm vụ.",
            )
            for user_id, unit_id in nominees
        ]


def _withdraw(factory: Any, agency: World, filed: list[Dossier]) -> None:
    """Withdraw the round's dossiers, so their nominees can be filed again next round."""
    for dossier in filed:
        clerk = _actor_for(agency, "unit_clerk", dossier.unit_id)
        with factory() as session:
            dossier_domain.withdraw_dossier(session, clerk, dossier.id, "Đo hiệu năng")


def _procedure_service(
    factory: Any,
    engine: Any,
    agency: World,
    nominees: list[tuple[int, int]],
    *,
    last: bool,
) -> tuple[Meter, list[str]]:
    """File a dossier for each of ``nominees``, time their three completions; return the stored
    start states."""
    filed = _file(factory, agency, nominees)
    holders = people.holders(agency.users.values())
    starts = []
    with factory() as session:
        instances = {
            dossier_id: instance_id
            for instance_id, dossier_id in session.execute(
                select(ProcessInstance.id, ProcessInstance.dossier_id).where(
                    ProcessInstance.dossier_id.in_([d.id for d in filed]),
                    ProcessInstance.status == "running",
                )
            )
        }
        for dossier in filed:
            starts.append(json.dumps(json.loads(_state(session, instances[dossier.id]))["wf"]))
    with Meter(engine) as meter, factory() as session:
        for dossier in filed:
            for _element, role, form in PROCEDURE_STEPS:
                task_id = _ready_task(session, instances[dossier.id])
                actor = people.holder(holders, role, dossier.unit_id)
                meter.complete(session, task_id, actor, form)
    if last:
        # The posting period ends: the timer sweep takes every dossier to the council step.
        with time_machine.travel(datetime.now(UTC) + timedelta(days=30)):
            operations.fire_due_timers(factory, datetime.now(UTC))
        with factory() as session:
            meter.sizes += [len(_state(session, i)) for i in instances.values()]
            stages = set(session.scalars(select(Dossier.stage).where(Dossier.id.in_(instances))))
            session.commit()
        assert stages == {"council"}, f"expected every dossier at the council step: {stages}"
    _withdraw(factory, agency, filed)
    return meter, starts


@cache
def _nomination_spec() -> Any:
    bpmn, dmn = specs.read_sources([WORKFLOWS])
    return {p.process_id: p for p in specs.validate(bpmn, dmn)}["tdkt_nomination"].spec_set


def _procedure_raw(starts: list[str]) -> list[float]:
    """Run the same three completions in memory from the same stored states."""
    spec_set = _nomination_spec()
    durations = []
    for state in starts:
        for element, _role, form in PROCEDURE_STEPS:
            began = time.perf_counter()
            workflow = spiff.load_workflow(state, spec_set, SCRIPT_ENGINE[0])
            (task,) = spiff.ready_user_tasks(workflow)
            assert spiff.task_element(task)[0] == element
            spiff.run_task(task, form)
            spiff.do_engine_steps(workflow)
            state = spiff.dump_workflow(workflow)
            durations.append(time.perf_counter() - began)
    return durations


def _profile(factory: Any, engine: Any, actor: User, instances: int) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    with profiler:
        _service(factory, engine, actor, instances)
    print(profiler.output_text(unicode=True, color=False))


def _report(
    title: str, engine: Any, service: Meter, cold: Meter, raw: list[float], note: str
) -> None:
    durations = sorted(service.durations)
    service_rate = len(durations) / sum(durations)
    cold_rate = len(cold.durations) / sum(cold.durations)
    raw_rate = len(raw) / sum(raw)
    statements = [s for s, _c in service.per_step + cold.per_step]
    commits = {c for _s, c in service.per_step + cold.per_step}
    quantiles = statistics.quantiles(durations, n=100)
    cold_quantiles = statistics.quantiles(cold.durations, n=100)
    print(f"== {title}")
    print(f"completions:             {len(durations)} (and {len(cold.durations)} with no cache)")
    print(
        f"service layer:           {service_rate:8.1f} steps/s  (workflow kept from its last save)"
    )
    print(f"raw SpiffWorkflow:       {raw_rate:8.1f} steps/s  (load, run, engine steps, dump)")
    print(f"ratio service/raw:       {service_rate / raw_rate:8.2f}  (target >= 0.5)")
    p50, p95 = quantiles[49] * 1000, quantiles[94] * 1000
    print(f"service p50 / p95:       {p50:.2f} / {p95:.2f} ms per step")
    print(f"raw p50:                 {statistics.median(raw) * 1000:.2f} ms per step")
    driver = statistics.median(service.driver) * 1000
    print(f"in the database driver:  {driver:.2f} ms per step (median; statements and commit)")
    cold_p50, cold_p95 = cold_quantiles[49] * 1000, cold_quantiles[94] * 1000
    print(
        f"no workflow cache:       {cold_rate:8.1f} steps/s, ratio {cold_rate / raw_rate:.2f}, "
        f"p50 / p95 {cold_p50:.2f} / {cold_p95:.2f} ms  (TDKT_WORKFLOW_CACHE=0: every step parses)"
    )
    print(
        f"SQL per completion:      max {max(statements)}, "
        f"median {statistics.median(statements):.0f} statements (target <= 10)"
    )
    print(f"commits per completion:  {sorted(commits)} (target exactly 1)")
    print(f"instance JSON size:      {statistics.median(service.sizes):.0f} bytes {note}")


def _rounds(instances: int) -> list[int]:
    rounds = min(ROUNDS, instances)
    return [instances // rounds + (1 if i < instances % rounds else 0) for i in range(rounds)]


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--profile"]
    instances = int(args[0]) if args else 200
    settings = _settings()
    engine = _database(settings)
    # As engine.runtime.build_runtime does in web and worker processes: the engine's plugs and
    # the notification subscribers, then the administrators' calendar.
    wiring = build_wiring(settings)
    SCRIPT_ENGINE[:] = [wiring.script_engine]
    factory = make_session_factory(engine, wiring)
    listen(factory)
    with factory() as session:
        wiring.calendar.load(session)
    # A process that never saw the instances: every step parses the stored JSON.
    cold_factory = make_session_factory(engine, replace(wiring, workflows=WorkflowCache(0)))
    listen(cold_factory)
    print(f"database:                {engine.dialect.name} ({engine.url.render_as_string()})")

    # Five user tasks first, before the demo agency exists: its lanes' only holder is the bench
    # user, as in a small agency.
    actor = _actor(factory)
    with factory() as session:
        operations.deploy(session, [BPMN])
    # Warm up both paths alike (compiled-statement caches, the calendar's first year, imports),
    # so neither figure counts one-time costs.
    _raw(10)
    _service(factory, engine, actor, 10)
    # Alternate the two in rounds: on a shared machine the load changes within seconds, and
    # measuring one side after the other let that change skew the ratio either way.
    five, five_cold, five_raw = Meter(engine), Meter(engine), []
    for share in _rounds(instances):
        five.extend(_service(factory, engine, actor, share))
        five_cold.extend(_service(cold_factory, engine, actor, share))
        five_raw += _raw(share)

    agency, nominees = _agency(factory)
    per_round = nominees[: max(1, instances // ROUNDS)]
    _procedure_service(factory, engine, agency, nominees[:5], last=False)  # warm-up
    procedure, procedure_cold, procedure_raw = Meter(engine), Meter(engine), []
    for i in range(ROUNDS):
        meter, starts = _procedure_service(factory, engine, agency, per_round, last=i == ROUNDS - 1)
        procedure.extend(meter)
        procedure_cold.extend(
            _procedure_service(cold_factory, engine, agency, per_round, last=False)[0]
        )
        procedure_raw += _procedure_raw(starts)

    _report(
        "the procedure (tdkt_nomination: submit, unit review, completeness check)",
        engine,
        procedure,
        procedure_cold,
        procedure_raw,
        "at the council step, no spec",
    )
    _report(
        "five user tasks (bench/five_steps.bpmn)",
        engine,
        five,
        five_cold,
        five_raw,
        "at the 4th step, no spec",
    )
    if "--profile" in sys.argv[1:]:
        _profile(factory, engine, actor, instances)
    engine.dispose()


if __name__ == "__main__":
    main()
