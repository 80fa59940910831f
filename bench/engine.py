"""Benchmark the engine's service layer against raw SpiffWorkflow on a 5-user-task process.

Prints steps/s for both and their ratio (target >= 0.5), p50/p95 ms per service step, SQL
statements and commits per completion (target <= 10 and exactly 1), and an instance's JSON size.
SQLite in a temporary folder by default; PostgreSQL when TDKT_DATABASE_URL is set (its schema is
dropped and rebuilt: point it at a scratch database). Each instance has its dossier, as in
production, so a step also updates the dossier's stage. The raw side serializes with the same
spec-less converter the service stores, so both sides do the same SpiffWorkflow work. The
engine's hooks are installed as every real process installs them (``engine.hooks.install``,
which loads the notification subscribers), so a completion's statements and time include
telling the next task's holders and scheduling its reminders.

    .venv/bin/python bench/engine.py [instances] [--profile]

``--profile`` then runs the service layer once more under pyinstrument and prints where a step's
time goes (the profiler slows it down several times: read the shares, not the milliseconds).
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

# This file is named like the package it measures: drop its folder from the import path first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from sqlalchemy import event, select, text

from engine import hooks, operations, specs, spiff
from engine.config import Settings, load_settings
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import (
    Campaign,
    Dossier,
    HumanTask,
    OrgUnit,
    ProcessInstance,
    RoleMembership,
    User,
)

BPMN = Path(__file__).with_name("five_steps.bpmn")
ROLES = ("unit_clerk", "unit_head", "secretariat", "director")
ROUNDS = 10


def _settings() -> Settings:
    url = os.environ.get("TDKT_DATABASE_URL")
    if url:
        return load_settings({}, database_url=url)
    return load_settings({}, data_dir=tempfile.mkdtemp(prefix="tdkt-bench-"))


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
        unit = OrgUnit(code="U1", name="Phòng 1")
        session.add(unit)
        session.flush()
        user = User(username="bench", full_name="Bench", email="bench@example.vn", unit_id=unit.id)
        for role in ROLES:
            user.memberships.append(
                RoleMembership(role_code=role, unit_id=unit.id if role.startswith("unit") else None)
            )
        session.add(user)
        session.commit()
        _ = list(user.memberships)
        return user


def _dossier(session: Any, actor: User) -> int:
    campaign_id = session.scalar(select(Campaign.id).where(Campaign.code == "BENCH"))
    if campaign_id is None:
        campaign = Campaign(
            code="BENCH",
            name="Bench",
            kind="annual",
            year=2026,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            registration_deadline=date(2026, 3, 31),
            nomination_deadline=date(2026, 11, 30),
            legal_basis="ND98_2023",
            title_codes=["LDTT"],
        )
        session.add(campaign)
        session.flush()
        campaign_id = campaign.id
    dossier = Dossier(
        campaign_id=campaign_id,
        unit_id=actor.unit_id,
        nominee_kind="individual",
        nominee_name="Bench",
        nominee_search="bench",
        title_code="LDTT",
        legal_basis="ND98_2023",
        year=2026,
    )
    session.add(dossier)
    session.commit()
    return dossier.id


def _service(factory: Any, engine: Any, actor: User, instances: int) -> dict[str, Any]:
    durations: list[float] = []
    counts = {"statements": 0, "commits": 0}
    per_step: list[tuple[int, int]] = []
    sizes: list[int] = []

    def _count(*_args: Any) -> None:
        counts["statements"] += 1

    def _commit(*_args: Any) -> None:
        counts["commits"] += 1

    # Removed again at the end, so that rounds do not pile up listeners on the timed path.
    event.listen(engine, "before_cursor_execute", _count)
    event.listen(engine, "commit", _commit)
    try:
        _run_service(factory, actor, instances, durations, counts, per_step, sizes)
    finally:
        event.remove(engine, "before_cursor_execute", _count)
        event.remove(engine, "commit", _commit)
    return {"durations": durations, "per_step": per_step, "sizes": sizes}


def _run_service(
    factory: Any,
    actor: User,
    instances: int,
    durations: list[float],
    counts: dict[str, int],
    per_step: list[tuple[int, int]],
    sizes: list[int],
) -> None:
    data = {"unit_id": actor.unit_id}
    form = {"decision": "approve", "note": "ok"}
    with factory() as session:
        for _ in range(instances):
            # Every real instance belongs to a dossier whose stage each step updates: measure it.
            dossier_id = _dossier(session, actor)
            instance_id = operations.start(
                session, "bench_five", data=data, dossier_id=dossier_id
            ).id
            for step in range(5):
                task_id = session.scalar(
                    select(HumanTask.id).where(
                        HumanTask.instance_id == instance_id, HumanTask.status == "ready"
                    )
                )
                session.commit()
                if step == 3:
                    state = session.scalar(
                        select(ProcessInstance.state).where(ProcessInstance.id == instance_id)
                    )
                    session.commit()
                    sizes.append(len(state or ""))
                counts["statements"] = counts["commits"] = 0
                began = time.perf_counter()
                operations.complete(session, task_id, actor, form)
                durations.append(time.perf_counter() - began)
                per_step.append((counts["statements"], counts["commits"]))


def _raw(instances: int) -> list[float]:
    bpmn, dmn = specs.read_sources([BPMN])
    (process,) = specs.validate(bpmn, dmn)
    durations = []
    for _ in range(instances):
        workflow = spiff.new_workflow(process.spec_set)
        spiff.set_start_data(workflow, {"unit_id": 1})
        spiff.do_engine_steps(workflow)
        state = spiff.dump_workflow(workflow)
        for _step in range(5):
            began = time.perf_counter()
            workflow = spiff.load_workflow(state, process.spec_set)
            task = spiff.ready_user_tasks(workflow)[0]
            spiff.run_task(task, {"decision": "approve", "note": "ok"})
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


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--profile"]
    instances = int(args[0]) if args else 200
    settings = _settings()
    engine = _database(settings)
    factory = make_session_factory(engine)
    # As engine.runtime.build_runtime does in web and worker processes: the domain's hooks and
    # the notification subscribers, then the administrators' calendar.
    hooks.install(settings)
    with factory() as session:
        hooks.refresh_calendar(session)
    actor = _actor(factory)
    with factory() as session:
        operations.deploy(session, [BPMN])
    # Warm up both paths alike (compiled-statement caches, the calendar's first year, imports),
    # so neither figure counts one-time costs.
    _raw(10)
    _service(factory, engine, actor, 10)
    # Alternate the two in rounds: on a shared machine the load changes within seconds, and
    # measuring one side after the other let that change skew the ratio either way.
    service: dict[str, list[Any]] = {"durations": [], "per_step": [], "sizes": []}
    raw: list[float] = []
    rounds = min(ROUNDS, instances)
    for i in range(rounds):
        share = instances // rounds + (1 if i < instances % rounds else 0)
        for key, values in _service(factory, engine, actor, share).items():
            service[key].extend(values)
        raw.extend(_raw(share))
    durations = sorted(service["durations"])
    service_rate = len(durations) / sum(durations)
    raw_rate = len(raw) / sum(raw)
    statements = [s for s, _c in service["per_step"]]
    commits = {c for _s, c in service["per_step"]}
    quantiles = statistics.quantiles(durations, n=100)
    where = engine.url.render_as_string(hide_password=True)
    print(f"database:                {engine.dialect.name} ({where})")
    print(f"instances x steps:       {instances} x 5 = {len(durations)} completions")
    print(f"service layer:           {service_rate:8.1f} steps/s")
    print(f"raw SpiffWorkflow:       {raw_rate:8.1f} steps/s  (load, run, engine steps, dump)")
    print(f"ratio service/raw:       {service_rate / raw_rate:8.2f}  (target >= 0.5)")
    p50, p95 = quantiles[49] * 1000, quantiles[94] * 1000
    print(f"service p50 / p95:       {p50:.2f} / {p95:.2f} ms per step")
    print(f"raw p50:                 {statistics.median(raw) * 1000:.2f} ms per step")
    print(
        f"SQL per completion:      max {max(statements)}, "
        f"median {statistics.median(statements):.0f} statements (target <= 10)"
    )
    print(f"commits per completion:  {sorted(commits)} (target exactly 1)")
    print(
        f"instance JSON size:      {statistics.median(service['sizes']):.0f} bytes "
        "at the 4th (council) step, no spec"
    )
    if "--profile" in sys.argv[1:]:
        _profile(factory, engine, actor, instances)
    engine.dispose()


if __name__ == "__main__":
    main()
