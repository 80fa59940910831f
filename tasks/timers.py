"""The BPMN timer sweep: fire due timers through the engine operation, one instance at a time."""

from __future__ import annotations

import logging
import time

from engine.models.base import utcnow
from engine.workflow.operations import fire_due_timers
from tasks.celery_app import HARD, SOFT, celery_app, runtime

log = logging.getLogger(__name__)

BATCH = 100


@celery_app.task(
    name="tasks.timers.sweep_timers",
    acks_late=True,
    soft_time_limit=SOFT["timers"],
    time_limit=HARD["timers"],
)
def sweep_timers() -> int:
    """Fire every timer that is due; return how many instances advanced."""
    rt = runtime()
    rt.refresh_calendar_if_stale()
    # Leave the rest to the next beat rather than run into it.
    deadline = time.monotonic() + rt.settings.timer_sweep_seconds
    fired = 0
    while True:
        count: int = fire_due_timers(rt.session_factory, utcnow(), limit=BATCH)
        fired += count
        if count < BATCH or time.monotonic() > deadline:
            break
    if fired:
        log.info("timer sweep: %s instances advanced", fired)
    return fired
