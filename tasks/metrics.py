"""What each Celery task name costs: runs, seconds and failures, summed over every worker host.

Workers run on other machines than the web hosts, so a worker's figures cannot stay in its own
memory (nor in a PROMETHEUS_MULTIPROC_DIR, which only one host sees). Each finished run adds to
one Redis hash (:data:`KEY`), the broker every worker and web host already reaches:

- ``task_prerun``/``task_postrun`` (tasks.celery_app) time a run in the pool process that ran it
  and :func:`record_run` adds its seconds to the task's histogram buckets, sum and count;
- ``task_failure`` adds a failure (:func:`record_failure`): an exception, a soft time limit, or
  a hard time limit (that one is signalled by the worker's main process after it killed the
  pool process, so the run has no duration).

/metrics (web.ops) reads the hash at scrape time with :func:`read_task_figures`: the same
figures from every web host. They are counters since Redis last lost its data (a Redis without
persistence restarting is a counter reset, which Prometheus' ``rate()`` absorbs).
Recording never raises: a Redis outage costs a run's figures, never the task.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field

import redis

from engine.redis_service import client_url

log = logging.getLogger(__name__)

#: The Redis hash: "<task name>\t<field>" → number.
KEY = "tdkt:metrics:celery"
#: Upper bounds (seconds) of the duration histogram's buckets; +Inf is implied.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

_clients: dict[tuple[int, str], redis.Redis] = {}


def _client(url: str) -> redis.Redis:
    """One client per process and URL (a forked pool process makes its own)."""
    key = (os.getpid(), url)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(client_url(url), socket_connect_timeout=1, socket_timeout=1)
        _clients[key] = client
    return client


def _bucket(seconds: float) -> str:
    for bound in BUCKETS:
        if seconds <= bound:
            return repr(bound)
    return "+Inf"


def record_run(url: str, task: str, seconds: float) -> None:
    """Add one finished run of ``task`` that took ``seconds``."""
    try:
        pipe = _client(url).pipeline(transaction=False)
        pipe.hincrby(KEY, f"{task}\tcount", 1)
        pipe.hincrbyfloat(KEY, f"{task}\tsum", seconds)
        pipe.hincrby(KEY, f"{task}\tle={_bucket(seconds)}", 1)
        pipe.execute()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("task figures not recorded: Redis unavailable (%s)", exc)


def record_failure(url: str, task: str) -> None:
    """Add one failed run of ``task``."""
    try:
        _client(url).hincrby(KEY, f"{task}\tfailures", 1)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("task failure not recorded: Redis unavailable (%s)", exc)


@dataclass
class TaskFigures:
    """One task name's runs: cumulative bucket counts (``le`` → runs), sum, count, failures."""

    buckets: list[tuple[str, int]] = field(default_factory=list)
    count: int = 0
    seconds: float = 0.0
    failures: int = 0


def read_task_figures(url: str) -> dict[str, TaskFigures]:
    """Return every task name's figures (raises redis errors: the caller reports Redis down)."""
    client = redis.Redis.from_url(client_url(url), socket_connect_timeout=1, socket_timeout=1)
    try:
        raw = client.hgetall(KEY)
    finally:
        client.close()
    per_task: dict[str, dict[str, float]] = {}
    for name, value in raw.items():
        task, _, what = (name.decode() if isinstance(name, bytes) else name).partition("\t")
        per_task.setdefault(task, {})[what] = float(value)
    figures = {}
    for task, values in sorted(per_task.items()):
        running = 0
        buckets = []
        for bound in (*BUCKETS, math.inf):
            label = "+Inf" if bound == math.inf else repr(bound)
            running += int(values.get(f"le={label}", 0))
            buckets.append((label, running))
        figures[task] = TaskFigures(
            buckets=buckets,
            count=int(values.get("count", 0)),
            seconds=values.get("sum", 0.0),
            failures=int(values.get("failures", 0)),
        )
    return figures
