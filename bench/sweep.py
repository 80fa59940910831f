"""Time the reminder sweep against many open tasks, and firing due timers with 2 processes.

SQLite (a temporary file) by default; PostgreSQL when TDKT_DATABASE_URL is set, in a schema of
its own (``bench_sweep``, dropped and recreated) so the database's other data is left alone.

    python bench/sweep.py
    TDKT_DATABASE_URL=postgresql://postgres@127.0.0.1/notify_dev python bench/sweep.py

The timer part fires real workflows with ``engine.workflow.operations.fire_due_timers``: one
instance of ``bench/data/timer.bpmn`` is started waiting on a timer that is already due, and its
saved state is copied into the other instances, so every sweep loads, fires and saves a real
workflow.
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, bench/ is first on the path and bench/http.py would hide the standard
# library's http (urllib, the webhooks): drop it, as the other benchmarks do.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

import bench
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import HumanTask, ProcessInstance, WorkflowSpec
from engine.notify import run_reminder_sweep

SCHEMA = "bench_sweep"
TASK_COUNTS = (10_000, 100_000)
TIMERS = 10_000
WORKERS = 2


def _wired_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory wired as every real process's (engine.runtime.build_wiring)."""
    from engine.runtime import build_wiring, listen

    factory = make_session_factory(engine, build_wiring(bench.settings()))
    listen(factory)
    return factory


def _url() -> URL:
    configured = os.environ.get("TDKT_DATABASE_URL")
    if not configured:
        path = Path(tempfile.mkdtemp(prefix="tdkt-bench-")) / "bench.sqlite3"
        return make_url(f"sqlite:///{path}")
    url = make_url(configured)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return make_engine(url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    return make_engine(url)


def _fresh_schema(url: URL, name: str) -> tuple[URL, Engine]:
    """Return an empty migrated database: a new SQLite file, or the PostgreSQL bench schema."""
    if url.get_backend_name() == "sqlite":
        url = url.set(database=str(Path(str(url.database)).with_name(f"{name}.sqlite3")))
    else:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        admin.dispose()
    engine = _engine(url)
    upgrade(engine)
    return url, engine


def _instance(engine: Engine) -> int:
    with engine.begin() as conn:
        spec_id = conn.execute(
            insert(WorkflowSpec)
            .values(
                process_id="bench",
                name="bench",
                version=1,
                content_hash=uuid.uuid4().hex,
                serialized="{}",
                sources={},
                deployed_at=datetime.now(UTC),
            )
            .returning(WorkflowSpec.id)
        ).scalar_one()
        return int(
            conn.execute(
                insert(ProcessInstance)
                .values(
                    spec_id=spec_id,
                    process_id="bench",
                    status="running",
                    state="{}",
                    revision=0,
                    created_at=datetime.now(UTC),
                    updated_at=datetime.now(UTC),
                )
                .returning(ProcessInstance.id)
            ).scalar_one()
        )


def _add_open_tasks(engine: Engine, instance_id: int, count: int, now: datetime) -> None:
    """Add ``count`` open tasks whose next rung is days away, plus as many completed ones."""
    rows: list[dict[str, Any]] = []
    for i in range(count * 2):
        open_ = i % 2 == 0
        rows.append(
            {
                "task_uuid": str(uuid.uuid4()),
                "instance_id": instance_id,
                "element_id": "unit_review",
                "name": "Bình xét tại đơn vị",
                "candidate_role": "unit_head",
                "form": [],
                "status": "ready" if open_ else "completed",
                "created_at": now - timedelta(days=1),
                "due_at": now + timedelta(days=5 + i % 20),
                "next_reminder_at": now + timedelta(days=2 + i % 20) if open_ else None,
                "completed_at": None if open_ else now,
            }
        )
        if len(rows) == 10_000:
            with engine.begin() as conn:
                conn.execute(insert(HumanTask), rows)
            rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(HumanTask), rows)
    # What autovacuum would have done by the time a sweep meets these rows in production.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE human_task"))
        else:
            conn.exec_driver_sql("ANALYZE")


def bench_reminder_sweep(url: URL) -> None:
    url, engine = _fresh_schema(url, "sweep")
    factory = _wired_factory(engine)
    instance_id = _instance(engine)
    now = datetime.now(UTC)
    have = 0
    print("reminder sweep, no task due (median of 50 sweeps):")
    for count in TASK_COUNTS:
        _add_open_tasks(engine, instance_id, count - have, now)
        have = count
        run_reminder_sweep(factory, now)  # warm the connection pool and caches
        timings = []
        for _ in range(50):
            start = time.perf_counter()
            result = run_reminder_sweep(factory, now)
            timings.append(time.perf_counter() - start)
            assert result.tasks == 0
        with factory() as s:
            open_tasks = s.scalar(
                select(func.count()).select_from(HumanTask).where(HumanTask.completed_at.is_(None))
            )
        print(
            f"  {open_tasks:>7} open tasks: {statistics.median(timings) * 1000:7.3f} ms "
            f"(p90 {statistics.quantiles(timings, n=10)[-1] * 1000:.3f} ms)"
        )
    engine.dispose()


DUE_DOSSIERS = int(os.environ.get("TDKT_BENCH_DUE_DOSSIERS", "5000"))


def bench_due_reminders(url: URL) -> None:
    """Reminders that have come due: the demo agency with DUE_DOSSIERS dossiers loaded by
    bench/datagen.py (clones shifted back by weeks, so most open tasks have a rung due), then
    sweeps of 1,000 tasks timed as the beat runs them (goal: >= 500 reminders/s per worker)."""
    from bench import datagen
    from tests.common.procedure import deploy_demo

    url, engine = _fresh_schema(url, "due")
    factory = _wired_factory(engine)
    campaign_id = deploy_demo(factory)
    datagen.load(engine, factory, DUE_DOSSIERS, campaign_id=campaign_id, progress=False)
    now = datetime.now(UTC)
    print(f"reminder sweep with rungs due ({DUE_DOSSIERS:,} dossiers, sweeps of 1,000 tasks):")
    for n in range(3):
        profiler = _profiler() if n == 0 else None
        start = time.perf_counter()
        result = run_reminder_sweep(factory, now, limit=1000)
        seconds = time.perf_counter() - start
        _report(profiler)
        if result.tasks == 0:
            break
        print(
            f"  {result.tasks:>5} tasks, {result.sent:>5} reminders in {seconds:6.2f} s: "
            f"{result.tasks / seconds:6.0f} tasks/s, {result.sent / seconds:6.0f} reminders/s"
            + (f", {result.failed} failed" if result.failed else "")
        )
    engine.dispose()


#: TDKT_BENCH_PROFILE=1: pyinstrument over the first reminder sweep and one timer process.
PROFILE = bool(os.environ.get("TDKT_BENCH_PROFILE"))


def _profiler() -> Any:
    if not PROFILE:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    return profiler


def _report(profiler: Any) -> None:
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=True))


def _timer_worker(url_text: str, now: datetime, results: Any, profile: bool = False) -> None:
    from engine.workflow.operations import fire_due_timers

    engine = _engine(make_url(url_text))
    factory = _wired_factory(engine)
    fired = 0
    profiler = _profiler() if profile else None
    while True:
        count = fire_due_timers(factory, now, limit=100)
        fired += count
        if count == 0:
            break
    _report(profiler)
    engine.dispose()
    results.put(fired)


def bench_timers(url: URL) -> None:
    from engine.workflow import operations

    url, engine = _fresh_schema(url, "timers")
    factory = _wired_factory(engine)
    now = datetime.now(UTC)
    with factory() as session:
        operations.deploy(session, [Path(__file__).resolve().parent / "data" / "timer.bpmn"])
    with factory() as session:
        # Due a moment from now: a timer already past would fire during the start itself.
        due = (now + timedelta(seconds=3)).isoformat()
        first = operations.start(session, "bench_timer", data={"due": due})
        first_id = first.id
    with engine.begin() as conn:
        row = conn.execute(
            select(
                ProcessInstance.spec_id, ProcessInstance.state, ProcessInstance.next_timer_at
            ).where(ProcessInstance.id == first_id)
        ).one()
        assert row.next_timer_at is not None, "the bench workflow waits on its timer"
        conn.execute(
            insert(ProcessInstance),
            [
                {
                    "spec_id": row.spec_id,
                    "process_id": "bench_timer",
                    "status": "running",
                    "state": row.state,
                    "revision": 1,
                    "next_timer_at": row.next_timer_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for _ in range(TIMERS - 1)
            ],
        )
    engine.dispose()
    time.sleep(max(0.0, (datetime.fromisoformat(due) - datetime.now(UTC)).total_seconds()) + 0.5)
    now = datetime.now(UTC)
    what = "engine.workflow.operations.fire_due_timers on real workflows"
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    url_text = url.render_as_string(hide_password=False)
    procs = [
        context.Process(target=_timer_worker, args=(url_text, now, results, PROFILE and n == 0))
        for n in range(WORKERS)
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    counts = [results.get() for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    engine = _engine(url)
    with engine.begin() as conn:
        # Started = revision 1, fired once = 2: anything above was advanced twice.
        twice = conn.scalar(
            select(func.count()).select_from(ProcessInstance).where(ProcessInstance.revision > 2)
        )
        completed = conn.scalar(
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.status == "completed")
        )
        left = conn.scalar(
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.next_timer_at.is_not(None))
        )
    engine.dispose()
    print(f"firing {TIMERS} due timers with {WORKERS} processes ({what}):")
    print(
        f"  {sum(counts)} fired ({' + '.join(map(str, counts))}) in {elapsed:.2f} s "
        f"(including process start): {sum(counts) / elapsed:,.0f} per second; "
        f"completed: {completed}, fired twice: {twice}, left due: {left}"
    )


#: Which parts run (TDKT_BENCH_PARTS, comma-separated): idle, due, timers.
PARTS = os.environ.get("TDKT_BENCH_PARTS", "idle,due,timers").split(",")


def main() -> None:
    url = _url()
    print(f"database: {url.get_backend_name()} ({url.render_as_string(hide_password=True)})")
    print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}")
    if "idle" in PARTS:
        bench_reminder_sweep(url)
    if "due" in PARTS:
        bench_due_reminders(url)
    if "timers" in PARTS:
        bench_timers(url)
    print(f"load average at end: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
