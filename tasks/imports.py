"""Preview or apply an uploaded spreadsheet in a worker; the admin page polls its progress."""

from __future__ import annotations

from engine.admin.imports import run_import_job
from tasks.celery_app import HARD, SOFT, celery_app, runtime


@celery_app.task(
    name="tasks.imports.run",
    acks_late=True,
    soft_time_limit=SOFT["documents"],
    time_limit=HARD["documents"],
)
def run(job_id: int) -> None:
    """Run import job ``job_id`` (idempotent: a finished job is skipped)."""
    run_import_job(runtime().session_factory, job_id)
