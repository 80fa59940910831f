"""Documents rendered in the background: request, claim, render with progress, store the file."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import IO, Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from engine.documents.context import DocumentInputError
from engine.documents.render import KINDS, render_document
from engine.files import FileMissing, FileStore
from engine.models import GeneratedDocument
from engine.models.base import utcnow
from engine.text import N_
from engine.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

#: Above this many dossiers a document is rendered by a worker, with a progress bar.
BACKGROUND_THRESHOLD = 40
# Progress is written about this many times per document, not once per dossier.
_PROGRESS_STEPS = 20


def request_document(
    session: Session, kind: str, params: dict[str, Any], user_id: int | None, total_items: int
) -> GeneratedDocument:
    """Record a document to render (status queued, committed); the caller then enqueues its id."""
    if kind not in KINDS:
        raise DocumentInputError(N_("Không có loại văn bản “%(kind)s”.", kind=kind))
    with unit_of_work(session):
        document = GeneratedDocument(
            kind=kind, params=params, requested_by=user_id, total_items=total_items
        )
        session.add(document)
        session.flush()
        return document


def _claim(factory: sessionmaker[Session], document_id: int) -> bool:
    """Mark the document running; false when it is done or failed already (a repeated task).

    A document left ``running`` by a worker that died is claimed again: rendering stores the
    same bytes under the same key, so a second run is harmless.
    """
    with unit_of_work(factory) as session:
        claimed = session.execute(
            update(GeneratedDocument)
            .where(
                GeneratedDocument.id == document_id,
                GeneratedDocument.status.in_(("queued", "running")),
            )
            .values(status="running", done_items=0)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def run_document(factory: sessionmaker[Session], document_id: int, store: FileStore) -> None:
    """Render a requested document, recording progress, and put the file in ``store``."""
    if not _claim(factory, document_id):
        log.info("document %s is already finished; nothing to do", document_id)
        return
    try:
        # One session reads and records progress; committing each progress step also ends the
        # read transaction, so SQLite (a write lock per transaction) is never held for long.
        with factory() as session:
            document = session.get(GeneratedDocument, document_id)
            assert document is not None
            last = 0

            def progress(done: int, total: int) -> None:
                nonlocal last
                if done - last >= max(1, total // _PROGRESS_STEPS) or done == total:
                    last = done
                    with unit_of_work(session):
                        session.execute(
                            update(GeneratedDocument)
                            .where(GeneratedDocument.id == document_id)
                            .values(done_items=done, total_items=total)
                        )

            rendered = render_document(session, document.kind, document.params, progress)
        # The file and the row saying "done" commit together (one unit of work).
        with unit_of_work(factory) as session:
            stored = store.put(io.BytesIO(rendered.content), session=session)
            _finish(
                session,
                document_id,
                status="done",
                filename=rendered.filename,
                file_path=stored.key,
            )
    except Exception as exc:
        message = (
            str(exc)
            if isinstance(exc, DocumentInputError)
            else N_("Lỗi khi tạo văn bản: %(exc)s", exc=exc)
        )
        log.exception("document %s failed", document_id)
        with unit_of_work(factory) as session:
            _finish(session, document_id, status="failed", error=message)


def _finish(session: Session, document_id: int, **values: Any) -> None:
    with unit_of_work(session):
        session.execute(
            update(GeneratedDocument)
            .where(GeneratedDocument.id == document_id)
            .values(finished_at=utcnow(), **values)
        )


def document_file(document: GeneratedDocument, store: FileStore) -> IO[bytes] | None:
    """Return a stream of a finished document's file (close it after use), if it is stored."""
    if document.status != "done" or not document.file_path:
        return None
    try:
        return store.open(document.file_path)
    except FileMissing:
        return None


def legacy_documents_dir(data_dir: Path) -> Path:
    """Return where documents were kept before the file store (revision 0017 moves them in)."""
    return data_dir / "documents"
