"""Notifications: the one place that decides who is told what and when, and delivers it.

- :mod:`engine.notify.core` writes in-app notifications and their outbox rows, in the caller's
  transaction, and hands new e-mails to the dispatchers (the Celery enqueue) after commit;
- :mod:`engine.notify.subscribers` turns the engine's domain events into notifications;
- :mod:`engine.notify.reminders` schedules and sends reminders and escalations;
- :mod:`engine.notify.outbox` delivers e-mails (claim, send, record) and builds daily digests.

The runtime plugs :func:`engine.notify.subscribers.on_events` in (engine/runtime.py).
"""

from engine.notify.core import (
    LANGUAGES,
    NotifyConfig,
    configure,
    current_config,
    dispatch_after_commit,
    forget_after_rollback,
    mark_read,
    notification_for,
    notify,
    recent,
    recent_items,
    send_after_commit,
    set_email_mode,
    set_language,
    unread_count,
)
from engine.notify.outbox import (
    MailSettings,
    build_digests,
    deliver_due,
    failed_messages,
    retry_failed,
)
from engine.notify.reminders import (
    LadderCopy,
    SweepResult,
    current_ladders,
    first_reminder_at,
    forget_saved_ladder,
    keep_ladders_after_rollback,
    load_ladders,
    remind_task,
    reschedule_open_tasks,
    run_reminder_sweep,
    save_ladder,
    schedule_task,
)

__all__ = [
    "LANGUAGES",
    "LadderCopy",
    "MailSettings",
    "NotifyConfig",
    "SweepResult",
    "build_digests",
    "configure",
    "current_config",
    "current_ladders",
    "deliver_due",
    "dispatch_after_commit",
    "failed_messages",
    "first_reminder_at",
    "forget_after_rollback",
    "forget_saved_ladder",
    "keep_ladders_after_rollback",
    "load_ladders",
    "mark_read",
    "notification_for",
    "notify",
    "recent",
    "recent_items",
    "remind_task",
    "reschedule_open_tasks",
    "retry_failed",
    "run_reminder_sweep",
    "save_ladder",
    "schedule_task",
    "send_after_commit",
    "set_email_mode",
    "set_language",
    "unread_count",
]
