"""The Celery application, configured from the engine's runtime; no Flask inside.

:func:`init_celery` binds the app to a :class:`~engine.runtime.Runtime` (the web process's, or
the worker's and beat's own, built by ``tdkt worker``/``tdkt beat``); every task reads it back
with :func:`runtime`.

``celery -A tasks.celery_app worker`` works too: Celery asks this module for ``app``, and that
name (:func:`__getattr__`, nothing at import time) builds the worker's runtime from the
``TDKT_*`` environment, so the broker is TDKT_REDIS_URL and every task is registered.

Queues (:data:`QUEUES`): ``timers`` (the timer sweep and the heartbeat), ``notifications``
(reminders, digests, e-mail) and ``documents`` (document rendering and imports), so a long
import never delays a timer. A worker takes all three unless ``--queues`` says otherwise. Every
task has a soft and a hard time limit (:data:`TIME_LIMITS`).

Every run is timed and every failure counted by task name (the signals below, into Redis:
:mod:`tasks.metrics`), so /metrics on any web host shows what every worker host did.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from celery import Celery
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    worker_process_init,
)

from engine import logs
from engine.redis_service import celery_url
from engine.runtime import Runtime
from tasks import metrics

celery_app = Celery("tdkt")

#: The queues; ``tdkt worker --queues`` picks some (default: all).
QUEUES = ("timers", "notifications", "documents")
#: Task name prefix → queue. A task not listed goes to ``documents`` (the default queue).
ROUTES = {
    "tasks.timers.*": {"queue": "timers"},
    "tasks.health.*": {"queue": "timers"},
    "tasks.notify.*": {"queue": "notifications"},
    "tasks.documents.*": {"queue": "documents"},
    "tasks.imports.*": {"queue": "documents"},
}
#: (soft, hard) time limits in seconds by queue: the soft one raises SoftTimeLimitExceeded in
#: the task (its unit of work rolls back), the hard one kills the pool process.
TIME_LIMITS = {"timers": (240, 300), "notifications": (240, 300), "documents": (1500, 1800)}


#: Each task names its queue's limits: ``soft_time_limit=SOFT[q], time_limit=HARD[q]``.
SOFT = {queue: limits[0] for queue, limits in TIME_LIMITS.items()}
HARD = {queue: limits[1] for queue, limits in TIME_LIMITS.items()}


_bound: list[Runtime] = []


def runtime() -> Runtime:
    """Return the runtime Celery was bound to by :func:`init_celery`."""
    if not _bound:
        raise RuntimeError("Celery is not bound to a runtime; call init_celery(runtime) first")
    return _bound[-1]


@worker_process_init.connect
def _fresh_pool_in_child(**_kwargs: Any) -> None:
    """Give each forked pool process its own connections (never the parent's sockets)."""
    if _bound:
        _bound[-1].engine.dispose(close=False)


#: The message header that carries the request id of whoever queued the task.
REQUEST_ID_HEADER = "tdkt_request_id"


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """Put the queuing request's id into the task message (a web request's log context)."""
    request_id = logs.current().get("request_id")
    if headers is not None and request_id:
        headers[REQUEST_ID_HEADER] = request_id


#: When each run in this process started (task id → perf_counter), for its duration.
_started: dict[str, float] = {}


@task_prerun.connect
def _bind_task(task: Any = None, task_id: str | None = None, **_kwargs: Any) -> None:
    if task_id is not None:
        _started[task_id] = time.perf_counter()
    logs.clear()
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if request_id is None and task is not None:
        request_id = (task.request.headers or {}).get(REQUEST_ID_HEADER)
    logs.bind(request_id=request_id, celery_task=task_id)


@task_postrun.connect
def _unbind_task(task: Any = None, task_id: str | None = None, **_kwargs: Any) -> None:
    """Forget the run's log context; add its duration to the task's figures (tasks.metrics)."""
    logs.clear()
    started = _started.pop(task_id, None) if task_id is not None else None
    if started is not None and task is not None and _bound:
        metrics.record_run(_bound[-1].redis_url, task.name, time.perf_counter() - started)


@task_failure.connect
def _count_failure(sender: Any = None, **_kwargs: Any) -> None:
    """Count a failed run: an exception, or a time limit (the hard one in the main process)."""
    name = getattr(sender, "name", None)
    if name and _bound:
        metrics.record_failure(_bound[-1].redis_url, name)


@setup_logging.connect
def _json_logs(**_kwargs: Any) -> None:
    """Worker and beat log JSON lines like the web (Celery's own set-up is skipped)."""
    settings = _bound[-1].settings if _bound else None
    logs.configure(
        settings.log_level if settings else "INFO", settings.log_format if settings else "json"
    )


def init_celery(rt: Runtime) -> Celery:
    """Bind the Celery app to ``rt``: broker, schedule and the tasks' runtime from its settings."""
    settings = rt.settings
    celery_app.conf.update(
        broker_url=celery_url(rt.redis_url),
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
        beat_scheduler="tasks.beat:LockedScheduler",
        tdkt_beat_lock_seconds=settings.beat_lock_seconds,
        beat_schedule={
            "heartbeat": {
                "task": "tasks.health.heartbeat",
                "schedule": settings.timer_sweep_seconds,
            },
            "sweep-timers": {
                "task": "tasks.timers.sweep_timers",
                "schedule": settings.timer_sweep_seconds,
                "options": {"expires": settings.timer_sweep_seconds},
            },
            "sweep-reminders": {
                "task": "tasks.notify.sweep_reminders",
                "schedule": settings.reminder_sweep_seconds,
                "options": {"expires": settings.reminder_sweep_seconds},
            },
            "deliver-outbox": {
                "task": "tasks.notify.deliver_outbox",
                "schedule": settings.outbox_sweep_seconds,
                "options": {"expires": settings.outbox_sweep_seconds},
            },
        },
        # A dead Redis must not hold up a web request that queues an e-mail after commit.
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        include=[
            "tasks.health",
            "tasks.documents",
            "tasks.imports",
            "tasks.notify",
            "tasks.timers",
        ],
        task_default_queue="documents",
        task_routes=ROUTES,
        # The fallback for a task that names no limits of its own.
        task_soft_time_limit=TIME_LIMITS["documents"][0],
        task_time_limit=TIME_LIMITS["documents"][1],
        worker_send_task_events=False,
    )
    _bound[:] = [rt]
    return celery_app


def from_environment() -> Celery:
    """Return the app bound to a runtime built from the environment (unless bound already)."""
    if not _bound:
        from engine.config import load_settings

        # tasks.worker (the composition of the worker's runtime) imports this module; it is
        # reached only when Celery's own command line asks for the app, never at import time.
        worker = importlib.import_module("tasks.worker")
        worker.build_celery_runtime(load_settings())
    return celery_app


def __getattr__(name: str) -> Any:
    # `celery -A tasks.celery_app` asks for `app`: configure from the environment then.
    if name == "app":
        return from_environment()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
