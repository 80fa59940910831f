"""The runtime of every process that queues or runs background jobs (web, worker, beat)."""

from __future__ import annotations

from celery import Celery

from engine.config import Settings
from engine.runtime import Runtime, build_runtime
from tasks import documents, health, notify, timers
from tasks.celery_app import init_celery

#: The task modules, imported here so that queueing from any process finds every task.
TASK_MODULES = (documents, health, notify, timers)


def build_celery_runtime(settings: Settings) -> tuple[Runtime, Celery]:
    """Build the runtime with the e-mail enqueue as its after-commit dispatcher, bind Celery."""
    rt = build_runtime(settings, dispatchers=(notify.enqueue_delivery,))
    return rt, init_celery(rt)
