"""What an operator watches, read from the database: tasks by step, overdue tasks, timer lag, the
e-mail outbox, the background documents and the import jobs. /metrics (web.ops) and the admin
status page read it.

Figures come from the database, not from one process's memory, so every web host reports the
same numbers whichever one the scraper reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import GeneratedDocument, HumanTask, ImportJob, Outbox, ProcessInstance


@dataclass
class Figures:
    """One reading of the operator's figures."""

    completions_by_step: dict[str, int] = field(default_factory=dict)
    open_by_step: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    #: now − the oldest due ``next_timer_at`` of a running instance (0 when none is due).
    timer_lag_seconds: float = 0.0
    outbox: dict[str, int] = field(default_factory=dict)
    #: Finished background documents: count and total seconds by status (done, failed).
    document_jobs: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: Finished import runs (a preview, an apply), request to finish: count and total seconds
    #: by (kind, mode, status); status is previewed, applied or failed.
    import_jobs: dict[tuple[str, str, str], tuple[int, float]] = field(default_factory=dict)


def read_figures(session: Session, now: datetime) -> Figures:
    """Return the figures at ``now`` (a few aggregate queries, indexed columns)."""
    figures = Figures()
    for step, status, count in session.execute(
        select(HumanTask.element_id, HumanTask.status, func.count())
        .where(HumanTask.status.in_(("ready", "completed")))
        .group_by(HumanTask.element_id, HumanTask.status)
    ):
        target = figures.open_by_step if status == "ready" else figures.completions_by_step
        target[step] = count
    figures.overdue = (
        session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.status == "ready", HumanTask.due_at < now)
        )
        or 0
    )
    oldest = session.scalar(
        select(func.min(ProcessInstance.next_timer_at)).where(
            ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now
        )
    )
    if oldest is not None:
        figures.timer_lag_seconds = max(0.0, (now - oldest).total_seconds())
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    figures.outbox = {str(status): int(count) for status, count in rows}
    for status, created, finished in session.execute(
        select(
            GeneratedDocument.status, GeneratedDocument.created_at, GeneratedDocument.finished_at
        ).where(GeneratedDocument.finished_at.is_not(None))
    ):
        if finished is None:
            continue
        count, total = figures.document_jobs.get(status, (0, 0.0))
        figures.document_jobs[status] = (count + 1, total + (finished - created).total_seconds())
    # Each job keeps how its preview and its apply ended (engine.admin.imports._finish); only
    # that small part of the report is read, never the rows.
    for kind, runs in session.execute(
        select(ImportJob.kind, ImportJob.report["runs"]).where(ImportJob.finished_at.is_not(None))
    ):
        for mode, run in (runs or {}).items():
            if not isinstance(run, dict) or "seconds" not in run:
                continue
            key = (kind, mode, str(run["status"]))
            count, total = figures.import_jobs.get(key, (0, 0.0))
            figures.import_jobs[key] = (count + 1, total + float(run["seconds"]))
    return figures
