"""Render large document batches in a worker; the page polls the document's progress."""

from __future__ import annotations

from engine.documents.jobs import run_document
from tasks.celery_app import HARD, SOFT, celery_app, runtime


@celery_app.task(
    name="tasks.documents.render",
    acks_late=True,
    soft_time_limit=SOFT["documents"],
    time_limit=HARD["documents"],
)
def render(document_id: int) -> None:
    """Render the requested document ``document_id`` (idempotent: a finished one is skipped)."""
    rt = runtime()
    run_document(rt.session_factory, document_id, rt.files)
