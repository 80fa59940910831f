"""Celery tasks for reminders and e-mail: thin wrappers around engine.notify and engine.outbox.

Every task takes ids (or nothing), is ``acks_late`` and idempotent: the claims in the engine make
a repeated or concurrent run harmless.
"""

from __future__ import annotations

import logging
import time

from engine import notify
from engine.models.base import utcnow
from engine.notify import webhooks
from engine.notify.outbox import MailSettings, deliver_due
from tasks.celery_app import HARD, SOFT, celery_app, runtime

log = logging.getLogger(__name__)


@celery_app.task(
    name="tasks.notify.sweep_reminders",
    acks_late=True,
    soft_time_limit=SOFT["notifications"],
    time_limit=HARD["notifications"],
)
def sweep_reminders() -> dict[str, int]:
    """Send the reminders and escalations that have come due, then build due daily digests."""
    rt = runtime()
    now = utcnow()
    # Pick up calendar changes made by an administrator in another process.
    rt.refresh_calendar()
    result = notify.run_reminder_sweep(rt.session_factory, now)
    digests = notify.build_digests(rt.session_factory, now)
    if result.tasks or digests:
        log.info(
            "reminder sweep: %s tasks, %s rungs sent, %s failed; %s digests",
            result.tasks,
            result.sent,
            result.failed,
            digests,
        )
    return {"tasks": result.tasks, "sent": result.sent, "failed": result.failed, "digests": digests}


@celery_app.task(
    name="tasks.notify.deliver_outbox",
    acks_late=True,
    soft_time_limit=SOFT["notifications"],
    time_limit=HARD["notifications"],
)
def deliver_outbox(outbox_id: int | None = None) -> dict[str, int]:
    """Send one outbox row (after its commit) or, without an id, every due one (the beat
    sweep): e-mails over SMTP, webhook deliveries over HTTP (engine.notify.webhooks)."""
    rt = runtime()
    ids = None if outbox_id is None else [outbox_id]
    hooks = webhooks.deliver_due(rt.session_factory, utcnow(), ids)
    mail = MailSettings.from_settings(rt.settings)
    if mail is None:
        return hooks
    total = {"sent": 0, "retry": 0, "failed": 0, "lost": 0}
    deadline = time.monotonic() + rt.settings.outbox_sweep_seconds
    while True:
        counts = deliver_due(rt.session_factory, mail, utcnow(), ids)
        for key, value in counts.items():
            total[key] += value
        # One id is one message; a sweep goes on while batches come back full.
        if ids is not None or sum(counts.values()) == 0 or time.monotonic() > deadline:
            return total


def enqueue_delivery(outbox_ids: list[int]) -> None:
    """Queue one delivery job per e-mail; never wait on or fail because of the broker.

    The runtime of the web and of the worker calls it after commit (tasks.worker).
    """
    for outbox_id in outbox_ids:
        deliver_outbox.apply_async((outbox_id,), retry=False)
