"""What a load balancer, a scraper and an operator ask of a web host.

- ``/livez``: the process answers (no dependency is checked); restart the host when it fails.
- ``/readyz``: the database answers (and a folder file store is reachable): send users here.
  Redis is reported but does not fail readiness: pages work without it (e-mails wait in the
  outbox, log-in limits fall back to memory).
- ``/healthz``: unchanged full report, 503 when the database or Redis is down: for humans and
  old checks, not for a load balancer (docs/operations.md).
- ``/metrics``: Prometheus text. Allowed to a bearer token (TDKT_METRICS_TOKEN) or to a client
  address in TDKT_METRICS_NETWORKS; anyone else gets 404. Request latency is counted in each
  process; under gunicorn with PROMETHEUS_MULTIPROC_DIR set, the processes' figures are summed
  (web/gunicorn_conf.py removes a dead worker's). The rest is read at scrape time, the same
  from every web host: from the database (engine.read.operations_figures: tasks, timers, the
  outbox, document and import job durations) and from Redis (queue lengths, heartbeats, and
  each Celery task name's runs, seconds and failures that every worker adds: tasks.metrics).

Every request also gets a request id (X-Request-ID, kept from the proxy when it is sane) bound
to its log lines and to the Celery tasks it queues (engine.logs, tasks.celery_app).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator

import redis
from flask import Blueprint, Flask, Response, abort, g, request
from flask_login import current_user
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from engine import logs
from engine.db import DatabaseUnavailable, check_connection
from engine.files import DirectoryStore
from engine.models.base import utcnow
from engine.read.operations_figures import read_figures
from engine.redis_service import RedisUnavailable, check_redis, client_url
from engine.runtime import Runtime
from tasks.celery_app import QUEUES
from tasks.health import background_status
from tasks.metrics import TaskFigures, read_task_figures

log = logging.getLogger("tdkt.access")
bp = Blueprint("ops", __name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: Request latency by endpoint; one object per process (tests build several apps).
REQUEST_SECONDS = Histogram(
    "tdkt_http_request_duration_seconds",
    "Time to answer a request, by endpoint, method and status class.",
    ("endpoint", "method", "status"),
    registry=None,
)
_OPS_ENDPOINTS = {"ops.livez", "ops.readyz", "ops.metrics", "healthz", "static"}


def _rt() -> Runtime:
    from web.context import runtime

    return runtime()


@bp.get("/livez")
def livez() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, object], int]:
    rt = _rt()
    report: dict[str, object] = {"database": "ok", "redis": "ok", "files": "ok"}
    try:
        check_connection(rt.engine)
    except DatabaseUnavailable as exc:
        report["database"] = str(exc)
    store = rt.files
    if isinstance(store, DirectoryStore) and not os.access(store.root, os.W_OK | os.X_OK):
        report["files"] = f"{store.root} is not a writable folder"
    try:
        check_redis(rt.redis_url)
    except RedisUnavailable as exc:
        report["redis"] = f"unavailable (not required to serve pages): {exc}"
    ready = report["database"] == "ok" and report["files"] == "ok"
    report["status"] = "ready" if ready else "not ready"
    return report, 200 if ready else 503


def _may_scrape() -> bool:
    token = _rt().settings.metrics_token
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    networks = _rt().settings.metrics_networks.split(",")
    return any(
        address in ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip()
    )


@bp.get("/metrics")
def metrics() -> Response:
    if not _may_scrape():
        abort(404)
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(FiguresCollector(_rt()))
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")


def queue_lengths(url: str) -> dict[str, int]:
    """Return how many messages wait in each Celery queue (Redis lists named by the queue)."""
    client = redis.Redis.from_url(client_url(url), socket_connect_timeout=1, socket_timeout=1)
    try:
        lengths = {}
        for queue in QUEUES:
            # kombu keeps priorities in sibling lists "<queue>\x06\x16<n>".
            names = [queue] + [f"{queue}\x06\x16{p}" for p in (1, 2, 3, 4, 5, 6, 7, 8, 9)]
            lengths[queue] = sum(int(client.llen(n)) for n in names)
        return lengths
    finally:
        client.close()


class FiguresCollector(Collector):
    """Figures read at scrape time from the database and Redis (the same from every host)."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Metric]:
        with self.rt.session_factory() as session:
            figures = read_figures(session, utcnow())
        done = CounterMetricFamily(
            "tdkt_task_completions", "Completed tasks, by BPMN step.", labels=["step"]
        )
        for step, count in sorted(figures.completions_by_step.items()):
            done.add_metric([step], count)
        yield done
        open_tasks = GaugeMetricFamily(
            "tdkt_open_tasks", "Open tasks, by BPMN step.", labels=["step"]
        )
        for step, count in sorted(figures.open_by_step.items()):
            open_tasks.add_metric([step], count)
        yield open_tasks
        yield GaugeMetricFamily(
            "tdkt_overdue_tasks", "Open tasks past their due date.", value=figures.overdue
        )
        yield GaugeMetricFamily(
            "tdkt_timer_lag_seconds",
            "Now minus the oldest due timer not yet fired (0: none due).",
            value=figures.timer_lag_seconds,
        )
        outbox = GaugeMetricFamily(
            "tdkt_outbox_messages", "E-mails in the outbox, by status.", labels=["status"]
        )
        for status in ("pending", "sending", "sent", "failed"):
            outbox.add_metric([status], figures.outbox.get(status, 0))
        yield outbox
        jobs = SummaryMetricFamily(
            "tdkt_document_job_duration_seconds",
            "Background documents from request to finish, by outcome.",
            labels=["status"],
        )
        for status in ("done", "failed"):
            count, total = figures.document_jobs.get(status, (0, 0.0))
            jobs.add_metric([status], count_value=count, sum_value=total)
        yield jobs
        imports = SummaryMetricFamily(
            "tdkt_import_job_duration_seconds",
            "Import runs (a preview, an apply) from request to finish, by kind, mode and outcome.",
            labels=["kind", "mode", "status"],
        )
        for (kind, mode, status), (count, total) in sorted(figures.import_jobs.items()):
            imports.add_metric([kind, mode, status], count_value=count, sum_value=total)
        yield imports
        up = GaugeMetricFamily("tdkt_redis_up", "Whether Redis answers (1) or not (0).")
        try:
            lengths = queue_lengths(self.rt.redis_url)
            beats = background_status(self.rt.redis_url)
            runs = read_task_figures(self.rt.redis_url)
        except (redis.ConnectionError, redis.TimeoutError, RedisUnavailable):
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        queue = GaugeMetricFamily(
            "tdkt_celery_queue_length", "Messages waiting, by queue.", labels=["queue"]
        )
        for name, length in lengths.items():
            queue.add_metric([name], length)
        yield queue
        age = GaugeMetricFamily(
            "tdkt_heartbeat_age_seconds",
            "Seconds since a worker or beat last beat.",
            labels=["kind", "name"],
        )
        for kind in ("workers", "beats"):
            for row in beats[kind]:
                age.add_metric([kind[:-1], row["name"]], row["age"])
        yield age
        yield from _task_families(runs)


def _task_families(runs: dict[str, TaskFigures]) -> Iterator[Metric]:
    """Every Celery task name's runs, seconds and failures, summed over the worker hosts."""
    durations = HistogramMetricFamily(
        "tdkt_celery_task_duration_seconds",
        "Celery task runs (every worker host), start to end, by task name.",
        labels=["task"],
    )
    failures = CounterMetricFamily(
        "tdkt_celery_task_failures",
        "Celery task runs that failed (an exception or a time limit), by task name.",
        labels=["task"],
    )
    for task, figures in runs.items():
        durations.add_metric([task], buckets=figures.buckets, sum_value=figures.seconds)
        failures.add_metric([task], figures.failures)
    yield durations
    yield failures


def _start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_id = request_id
    logs.clear()
    args = request.view_args or {}
    logs.bind(
        request_id=request_id,
        dossier_id=args.get("dossier_id"),
        task_id=args.get("task_id"),
    )


def _bind_user() -> None:
    # After the log-in check has run (the user loader is lazy): bind the signed-in user's id.
    if current_user and current_user.is_authenticated:
        logs.bind(user_id=current_user.get_id().split(":", 1)[0])


def _finish(response: Response) -> Response:
    started = g.get("started")
    if started is None:
        return response
    elapsed = time.perf_counter() - started
    endpoint = request.endpoint or "unmatched"
    REQUEST_SECONDS.labels(endpoint, request.method, f"{response.status_code // 100}xx").observe(
        elapsed
    )
    response.headers["X-Request-ID"] = g.request_id
    if endpoint not in _OPS_ENDPOINTS:
        _bind_user()
        # Method, path (never the query or the body), status and time: nothing a form carried.
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
                "endpoint": endpoint,
            },
        )
    return response


def init_app(app: Flask) -> None:
    """Register the endpoints, the request ids and the latency histogram on ``app``."""
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(lambda _exc: logs.clear())
