"""Pages and API lists at 10,000 and 100,000 dossiers, through gunicorn on PostgreSQL.

For each size the schema is rebuilt and loaded by bench/datagen.py (templates through the
operations, the rest cloned). The web server then runs as in production (gunicorn; worker class
and counts from TDKT_WEB_WORKERS / TDKT_WEB_THREADS, default gthread 2 × 4), and each role signs
in and asks for its pages: both inboxes, the dossier list and a search, and for the managers the
dashboard and the statistics, plus the API lists. Each page is asked ``REPEAT`` times after a
warm-up; it prints p50/p95 ms, the page's size, SQL statements per request, and at the end the
worker's peak RSS and the growth ratio of each page from the smallest size to the largest.
Times are also given as multiples of the trivial GET (/healthz) measured in the same run.

    TDKT_DATABASE_URL=postgresql://… TDKT_REDIS_URL=redis://…/7 \
        .venv/bin/python bench/scale.py [10000,100000]

TDKT_BENCH_REUSE=1 keeps a database already loaded with at least that many dossiers (one size);
TDKT_BENCH_ONLY=dashboard,inbox limits the pages to those whose name contains a word.
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import html
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench
from bench import datagen, serving

ROLES = {
    "clerk": "vanthu.qlkh",
    "unit_head": "truongphong.qlkh",
    "secretariat": "thuky",
    "director": "giamdoc",
    "admin": "admin",
}
MANAGERS = ("secretariat", "director", "admin")
PAGES = (
    ("inbox mine", "/tasks/mine", None),
    ("inbox group", "/tasks/group", None),
    ("inbox group p40", "/tasks/group?page=40", None),
    # The same page reached as the pager links it: the cursor of page 39's "next" link.
    ("inbox group c40", "next-of:/tasks/group?page=39", None),
    ("dossier list", "/dossiers", None),
    ("search", "/dossiers?q=nguyen", None),
    ("dashboard", "/dashboard/", None),
    ("statistics", "/awards/statistics", MANAGERS),
    ("API group", "/api/v1/tasks/group", None),
    ("API mine", "/api/v1/tasks/mine", None),
    ("API dossiers", "/api/v1/dossiers", None),
    ("API group p40", "/api/v1/tasks/group?page=40", None),
    ("API group c40", "next-of:/api/v1/tasks/group?page=39", None),
)
REPEAT = int(os.environ.get("TDKT_BENCH_REPEAT", "10"))
#: A page slower than this is asked fewer times (a 20 s dashboard is measured, not waited on).
BUDGET_SECONDS = 20.0
ONLY = [w for w in os.environ.get("TDKT_BENCH_ONLY", "").split(",") if w]


def _next_of(client: serving.Client, path: str) -> str | None:
    """Return the "next" link of a page: the pager's rel="next" or the API's next-cursor."""
    reply = client.get(path)
    if reply.status != 200:
        return None
    link = re.search(r'<[^>]*?(/api/[^>]+)>; rel="next-cursor"', reply.headers.get("Link", ""))
    if link is None:
        link = re.search(r'href="([^"]+)" rel="next"', reply.body.decode())
    return html.unescape(link.group(1)) if link else None


def _measure(client: serving.Client, path: str) -> dict[str, float] | None:
    if path.startswith("next-of:"):
        found = _next_of(client, path.removeprefix("next-of:"))
        if found is None:
            return None
        path = found
    first = client.get(path)
    if first.status in (403, 404):
        return None
    times, statements = [], []
    spent = 0.0
    for _ in range(REPEAT):
        reply = client.get(path)
        times.append(reply.seconds * 1000)
        statements.append(reply.statements)
        spent += reply.seconds
        if spent > BUDGET_SECONDS:
            break
    return {
        "status": first.status,
        "p50": serving.percentile(times, 50),
        "p95": serving.percentile(times, 95),
        "bytes": len(first.body),
        "statements": serving.percentile(statements, 50),
        "n": len(times),
        "cold": first.seconds * 1000,
    }


def run_size(url: str, size: int) -> dict[tuple[str, str], dict[str, float]]:
    from engine.runtime import build_runtime
    from tests.common.procedure import deploy_demo

    if os.environ.get("TDKT_BENCH_REUSE") and serving.dossier_count(url) >= size:
        print(f"\n== {serving.dossier_count(url):,} dossiers (kept from the last run)")
    else:
        serving.rebuild_schema(url)
        runtime = build_runtime(bench.settings(database_url=url))
        campaign_id = deploy_demo(runtime.session_factory)
        loaded = datagen.load(
            runtime.engine, runtime.session_factory, size, campaign_id=campaign_id, progress=False
        )
        runtime.dispose()
        print(f"\n== {loaded.dossiers:,} dossiers (loaded in {loaded.seconds:.0f} s)")
    _filing(url)
    server = serving.Server.start(
        worker_class=os.environ.get("TDKT_WEB_WORKER_CLASS", "gthread"),
        workers=int(os.environ.get("TDKT_WEB_WORKERS", "2")),
        threads=int(os.environ.get("TDKT_WEB_THREADS", "4")),
        background=False,
    )
    results: dict[tuple[str, str], dict[str, float]] = {}
    try:
        floor_client = serving.Client(server.port)
        floor = [floor_client.get("/healthz").seconds * 1000 for _ in range(50)]
        floor_p50 = serving.percentile(floor, 50)
        print(f"trivial GET /healthz p50 {floor_p50:.2f} ms (the floor)")
        print(
            f"{'role':<12} {'page':<17} {'p50 ms':>8} {'p95 ms':>8} {'×floor':>7} "
            f"{'KB':>7} {'SQL':>4} {'n':>3}"
        )
        peak_rss = 0.0
        for role, username in ROLES.items():
            client = serving.Client(server.port)
            client.login(username, "demo1234")
            for name, path, only in PAGES:
                if only is not None and role not in only:
                    continue
                if ONLY and not any(word in name for word in ONLY):
                    continue
                measured = _measure(client, path)
                peak_rss = max(peak_rss, server.worker_rss_mb())
                if measured is None:
                    continue
                results[(role, name)] = measured
                print(
                    f"{role:<12} {name:<17} {measured['p50']:>8.1f} {measured['p95']:>8.1f} "
                    f"{measured['p50'] / floor_p50:>7.1f} {measured['bytes'] / 1024:>7.1f} "
                    f"{measured['statements']:>4.0f} {measured['n']:>3.0f} {measured['cold']:>9.1f}"
                    + ("" if measured["status"] == 200 else f"  HTTP {measured['status']:.0f}")
                )
        print(f"gunicorn worker peak RSS {peak_rss:.0f} MB")
    finally:
        server.stop()
    return results


FILINGS = 20


def _filing(url: str) -> None:
    """Time filing a dossier and its submission (file_dossier + the clerk's completion) through
    the operations at this size, for new nominees (goal: <= 20 ms, flat with size)."""
    from sqlalchemy import func, select

    from engine.models import Campaign, User
    from engine.runtime import build_runtime

    runtime = build_runtime(bench.settings(database_url=url))
    factory = runtime.session_factory
    with factory() as session:
        users = datagen._users(session)
        campaign_id = session.scalars(select(func.min(Campaign.id))).one()
        unit_id = _a_unit(users)
        datagen._holder(users, "unit_clerk", unit_id)  # the unit has a clerk to file with
        like = datagen._eligible_like(factory, [u for u in users.values() if u.unit_id == unit_id])
        stamp = session.scalar(select(func.count(User.id)))
    with runtime.engine.begin() as conn:
        ids = datagen.Ids.of(
            conn,
            [
                datagen.Base.metadata.tables["app_user"],
                datagen.Base.metadata.tables["performance_record"],
            ],
        )
        people = datagen.add_nominees(conn, ids, unit_id, FILINGS + 2, like, f"f{stamp}")
        datagen.fix_sequences(conn)
    with factory() as session:
        users = datagen._users(session)
    times = []
    for n, person in enumerate(people):
        # who files and submits: the benchmark's scan of every user, not the application's
        actors = datagen.actors(users, person.user_id, "unit_review")
        started = time.perf_counter()
        datagen.advance(factory, actors, campaign_id, person.user_id, "unit_review")
        if n >= 2:  # the first ones warm the caches
            times.append((time.perf_counter() - started) * 1000)
    runtime.dispose()
    print(
        f"filing + submission through the operations: p50 {serving.percentile(times, 50):.1f} ms,"
        f" p95 {serving.percentile(times, 95):.1f} ms ({len(times)} dossiers)"
    )


def _a_unit(users: dict[str, Any]) -> int:
    return next(
        m.unit_id
        for u in sorted(users.values(), key=lambda u: u.id)
        for m in u.memberships
        if m.role_code == "unit_clerk" and m.unit_id is not None
    )


def main() -> None:
    url = serving.database_url()
    if url is None:
        return
    sizes = [
        int(s)
        for s in (
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TDKT_BENCH_SIZES", "10000,100000")
        ).split(",")
    ]
    print(f"bench/scale.py: sizes {sizes}; {serving.uptime()}")
    started = time.perf_counter()
    by_size = {size: run_size(url, size) for size in sizes}
    if len(sizes) > 1:
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        print(f"\n== growth p50 {sizes[0]:,} → {sizes[-1]:,} dossiers (goal ≤ 1.2 ×)")
        for key, figures in small.items():
            if key in large:
                print(f"{key[0]:<12} {key[1]:<17} {large[key]['p50'] / figures['p50']:>6.2f} ×")
    print(f"\n(scale bench took {time.perf_counter() - started:.0f} s; {serving.uptime()})")


if __name__ == "__main__":
    main()
