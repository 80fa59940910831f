from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from sqlalchemy.orm import Session, sessionmaker

from engine.documents.jobs import request_document, run_document, stored_file
from engine.models import GeneratedDocument
from engine.unit_of_work import unit_of_work
from tests.common.dossiers import nominate
from tests.common.worlds import add_staff, reporting_world


def test_a_background_document_reports_progress_and_stores_its_file(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with unit_of_work(session_factory) as session:
        agency = reporting_world(session)
        # One dossier per person: a nominee has one live dossier per title and campaign.
        ids = [
            nominate(session, agency, name, "LDTT").id for name in add_staff(session, agency, 45)
        ]
        document = request_document(session, "nominee_list", {"dossier_ids": ids}, None, len(ids))
    run_document(session_factory, document.id, tmp_path)
    with session_factory() as session:
        done = session.get(GeneratedDocument, document.id)
        assert done is not None
        assert done.status == "done"
        assert (done.done_items, done.total_items, done.progress_percent) == (45, 45, 100)
        path = stored_file(done, tmp_path)
        assert path is not None
        table = Document(io.BytesIO(path.read_bytes())).tables[0]
        assert len(table.rows) == 46
        assert table.rows[45].cells[0].text == "45"
    # A repeated delivery of the task finds it done and changes nothing.
    path.unlink()
    run_document(session_factory, document.id, tmp_path)
    assert not path.exists()


def test_a_failed_document_says_why(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    with unit_of_work(session_factory) as session:
        document = request_document(session, "minutes", {"session_id": 999}, None, 1)
    run_document(session_factory, document.id, tmp_path)
    with session_factory() as session:
        failed = session.get(GeneratedDocument, document.id)
        assert failed is not None
        assert failed.status == "failed"
        assert failed.error == "Không có phiên họp số 999."
