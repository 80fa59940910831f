"""The Celery application; every task runs inside the Flask application context."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask

from engine.redis_service import celery_url

celery_app = Celery("tdkt")


class AppContextTask(Task):
    """A task that runs inside the Flask app context, so it shares the app's runtime."""

    abstract = True
    flask_app: Flask | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.flask_app is None:
            raise RuntimeError("Celery is not bound to a Flask app; call init_celery(app) first")
        with self.flask_app.app_context():
            return self.run(*args, **kwargs)


@worker_process_init.connect
def _fresh_pool_in_child(**_kwargs: Any) -> None:
    """Give each forked pool process its own connections (never the parent's sockets)."""
    app = AppContextTask.flask_app
    if app is not None:
        app.extensions["tdkt"].engine.dispose(close=False)


def init_celery(app: Flask) -> Celery:
    """Bind the Celery app to ``app``: broker, result backend and schedule from its settings."""
    from engine.runtime import Runtime

    runtime: Runtime = app.extensions["tdkt"]
    settings = runtime.settings
    broker = celery_url(runtime.redis_url)
    celery_app.conf.update(
        broker_url=broker,
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
        include=["tasks.health", "tasks.documents", "tasks.notify", "tasks.timers"],
    )
    AppContextTask.flask_app = app
    celery_app.Task = AppContextTask
    # Registers the tasks and the after-commit enqueue of e-mails.
    import tasks.notify
    import tasks.timers  # noqa: F401

    app.extensions["celery"] = celery_app
    return celery_app
