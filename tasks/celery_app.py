"""The Celery application, configured from the engine's runtime; no Flask inside.

:func:`init_celery` binds the app to a :class:`~engine.runtime.Runtime` (the web process's, or
the worker's and beat's own, built by ``tdkt worker``/``tdkt beat``); every task reads it back
with :func:`runtime`.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from engine.redis_service import celery_url
from engine.runtime import Runtime

celery_app = Celery("tdkt")

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
    )
    _bound[:] = [rt]
    return celery_app
