"""Notifications: the one place that decides who is told what and when, and delivers it.

- :mod:`engine.notify.core` writes in-app notifications and their outbox rows, in the caller's
  transaction, and hands new e-mails to the dispatchers (the Celery enqueue) after commit;
- :mod:`engine.notify.subscribers` turns the engine's domain events into notifications;
- :mod:`engine.notify.reminders` schedules and sends reminders and escalations;
- :mod:`engine.notify.outbox` delivers e-mails (claim, send, record) and builds daily digests.

Importing this package registers the event subscribers.
"""

from engine.notify import subscribers as _subscribers
from engine.notify.core import (
    NotifyConfig,
    configure,
    current_config,
    mark_read,
    notification_for,
    notify,
    on_outbox_commit,
    recent,
    send_after_commit,
    set_email_mode,
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
    SweepResult,
    current_ladders,
    delete_calendar_override,
    forget_ladders,
    load_calendar,
    load_ladders,
    refresh_ladders,
    remind_task,
    reschedule_open_tasks,
    run_reminder_sweep,
    save_calendar_override,
    save_ladder,
    schedule_task,
)

__all__ = [
    "MailSettings",
    "NotifyConfig",
    "SweepResult",
    "build_digests",
    "configure",
    "current_config",
    "current_ladders",
    "delete_calendar_override",
    "deliver_due",
    "failed_messages",
    "forget_ladders",
    "load_calendar",
    "load_ladders",
    "mark_read",
    "notification_for",
    "notify",
    "on_outbox_commit",
    "recent",
    "refresh_ladders",
    "remind_task",
    "reschedule_open_tasks",
    "retry_failed",
    "run_reminder_sweep",
    "save_calendar_override",
    "save_ladder",
    "schedule_task",
    "send_after_commit",
    "set_email_mode",
    "unread_count",
]

del _subscribers
