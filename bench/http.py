"""Completions through the JSON API in the production shape: gunicorn, worker, beat, PostgreSQL.

The schema is rebuilt and loaded by bench/datagen.py (TDKT_BENCH_HTTP_DOSSIERS, default 3,000:
their open prepare, unit-review and completeness tasks are what the clients complete, each with
the token of a user of the task's lane). Then 1, 4 and 16 clients, each on its own keep-alive
connection, POST /api/v1/tasks/<id>/complete as fast as answers come back. It prints p50/p95/p99
ms, completions/s, SQL statements per request and server CPU per request (the worker thread's
own, from bench/gunicorn_probe.py, and gunicorn's processes' total over the run), and the
trivial GET (/healthz) of the same run as the floor the figures are divided by.

The web server's shape is TDKT_WEB_WORKER_CLASS (gthread), TDKT_WEB_WORKERS (2) and
TDKT_WEB_THREADS (4), as ``tdkt run`` starts it.

    TDKT_DATABASE_URL=postgresql://… TDKT_REDIS_URL=redis://…/7 .venv/bin/python bench/http.py
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import datagen, serving

CLIENTS = (1, 4, 16)
PER_CLIENT = {1: 60, 4: 30, 16: 15}


def _work(url: str) -> list[tuple[int, str, dict[str, Any]]]:
    """Load the database; return the open tasks to complete as (task id, token, data)."""
    from sqlalchemy import select

    from engine.config import load_settings
    from engine.domain.tokens import create_token
    from engine.models import HumanTask
    from engine.runtime import build_runtime
    from tests.common.procedure import deploy_demo

    serving.rebuild_schema(url)
    runtime = build_runtime(
        load_settings(
            {}, database_url=url, secret_key=os.environ.get("TDKT_SECRET_KEY", "tdkt-bench-key")
        )
    )
    factory = runtime.session_factory
    campaign_id = deploy_demo(factory)
    size = int(os.environ.get("TDKT_BENCH_HTTP_DOSSIERS", "3000"))
    datagen.load(runtime.engine, factory, size, campaign_id=campaign_id, progress=False)
    steps = {element: (role, data) for element, role, data in datagen.STEPS}
    with factory() as session:
        users = datagen._users(session)
        rows = session.execute(
            select(HumanTask.id, HumanTask.element_id, HumanTask.candidate_unit_id)
            .where(HumanTask.status == "ready", HumanTask.element_id.in_(steps))
            .order_by(HumanTask.id)
        ).all()
    tokens: dict[int, str] = {}
    work = []
    for task_id, element, unit_id in rows:
        role, data = steps[element]
        user = datagen._holder(users, role, unit_id)
        if user.id not in tokens:
            with factory() as session:
                tokens[user.id] = create_token(session, user, "bench")
        work.append((task_id, tokens[user.id], dict(data)))
    runtime.dispose()
    # Interleave the kinds of step, so that every client round meets each kind.
    work.sort(key=lambda w: hash((w[0] * 2654435761) % 2**32))
    return work


def _round(port: int, clients: int, work: list[tuple[int, str, dict[str, Any]]]) -> dict[str, Any]:
    per = PER_CLIENT[clients]
    chunks = [work[i * per : (i + 1) * per] for i in range(clients)]
    del work[: clients * per]
    replies: list[serving.Reply] = []
    failures: list[int] = []
    lock = threading.Lock()

    def client(chunk: list[tuple[int, str, dict[str, Any]]]) -> None:
        conns: dict[str, serving.Client] = {}
        for task_id, token, data in chunk:
            conn = conns.setdefault(token, serving.Client(port, token))
            reply = conn.post_json(f"/api/v1/tasks/{task_id}/complete", {"data": data})
            with lock:
                (replies if reply.status == 200 else failures).append(
                    reply if reply.status == 200 else reply.status  # type: ignore[arg-type]
                )

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = [r.seconds * 1000 for r in replies]
    return {
        "n": len(replies),
        "failed": failures,
        "wall": wall,
        "p50": serving.percentile(ms, 50),
        "p95": serving.percentile(ms, 95),
        "p99": serving.percentile(ms, 99),
        "rate": len(replies) / wall,
        "statements": serving.percentile([r.statements for r in replies], 50),
        "cpu": serving.percentile([r.cpu_ms for r in replies], 50),
    }


def main() -> None:
    url = serving.database_url()
    if url is None:
        return
    shape: dict[str, Any] = {
        "worker_class": os.environ.get("TDKT_WEB_WORKER_CLASS", "gthread"),
        "workers": int(os.environ.get("TDKT_WEB_WORKERS", "2")),
        "threads": int(os.environ.get("TDKT_WEB_THREADS", "4")),
    }
    print(f"bench/http.py: gunicorn {shape}; {serving.uptime()}")
    work = _work(url)
    needed = sum(c * PER_CLIENT[c] for c in CLIENTS)
    if len(work) < needed + 40:
        raise SystemExit(f"only {len(work)} open tasks; raise TDKT_BENCH_HTTP_DOSSIERS")
    server = serving.Server.start(**shape)
    try:
        floor_client = serving.Client(server.port)
        floor_ms = [floor_client.get("/healthz").seconds * 1000 for _ in range(200)]
        floor_cpu = serving.percentile([floor_client.get("/healthz").cpu_ms for _ in range(50)], 50)
        floor = serving.percentile(floor_ms, 50)
        print(f"trivial GET /healthz: p50 {floor:.2f} ms, {floor_cpu:.2f} ms CPU (the floor)")
        _round(server.port, 1, work[:40])  # warm-up: imports, caches, connections
        del work[:40]
        print(
            f"{'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'×floor':>7} {'/s':>7} "
            f"{'SQL':>4} {'CPU ms':>7} {'×floor':>7} {'proc CPU ms':>11}"
        )
        for clients in CLIENTS:
            before = server.cpu_seconds()
            r = _round(server.port, clients, work)
            proc_cpu = (server.cpu_seconds() - before) * 1000 / max(r["n"], 1)
            print(
                f"{clients:>7} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
                f"{r['p50'] / floor:>7.1f} {r['rate']:>7.1f} {r['statements']:>4.0f} "
                f"{r['cpu']:>7.2f} {r['cpu'] / max(floor_cpu, 0.01):>7.1f} {proc_cpu:>11.2f}"
                + (f"  failed: {r['failed'][:5]}" if r["failed"] else "")
            )
    finally:
        server.stop()
    print(f"({serving.uptime()})")


if __name__ == "__main__":
    main()
