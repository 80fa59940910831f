from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from sqlalchemy.orm import Session, sessionmaker

from engine.documents.jobs import document_file, request_document, run_document
from engine.files import DatabaseStore, DirectoryStore
from engine.models import GeneratedDocument
from engine.unit_of_work import unit_of_work
from tests.common.dossiers import nominate
from tests.common.worlds import add_staff, reporting_world


def test_a_background_document_reports_progress_and_stores_its_file(
    session_factory: sessionmaker[Session],
) -> None:
    store = DatabaseStore(session_factory.kw["bind"])
    with unit_of_work(session_factory) as session:
        agency = reporting_world(session)
        # One dossier per person: a nominee has one live dossier per title and campaign.
        ids = [
            nominate(session, agency, name, "LDTT").id for name in add_staff(session, agency, 45)
        ]
        document = request_document(session, "nominee_list", {"dossier_ids": ids}, None, len(ids))
    run_document(session_factory, document.id, store)
    with session_factory() as session:
        done = session.get(GeneratedDocument, document.id)
        assert done is not None
        assert done.status == "done"
        assert (done.done_items, done.total_items, done.progress_percent) == (45, 45, 100)
        stream = document_file(done, store)
        assert stream is not None
        with stream:
            table = Document(io.BytesIO(stream.read())).tables[0]
        assert len(table.rows) == 46
        assert table.rows[45].cells[0].text == "45"
        finished_at = done.finished_at
    # A repeated delivery of the task finds it done and changes nothing.
    run_document(session_factory, document.id, store)
    with session_factory() as session:
        again = session.get(GeneratedDocument, document.id)
        assert again is not None
        assert (again.finished_at, again.file_path) == (finished_at, done.file_path)


def test_a_document_in_a_directory_store_is_named_by_its_bytes(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "files")
    with unit_of_work(session_factory) as session:
        agency = reporting_world(session)
        ids = [nominate(session, agency, name, "LDTT").id for name in add_staff(session, agency, 2)]
        document = request_document(session, "nominee_list", {"dossier_ids": ids}, None, 2)
    run_document(session_factory, document.id, store)
    with session_factory() as session:
        done = session.get(GeneratedDocument, document.id)
        assert done is not None
        assert done.file_path is not None
        assert store.path(done.file_path).is_file()
        stream = document_file(done, store)
        assert stream is not None
        with stream:
            assert stream.read(2) == b"PK"


def test_a_failed_document_says_why(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        document = request_document(session, "minutes", {"session_id": 999}, None, 1)
    run_document(session_factory, document.id, DatabaseStore(session_factory.kw["bind"]))
    with session_factory() as session:
        failed = session.get(GeneratedDocument, document.id)
        assert failed is not None
        assert failed.status == "failed"
        assert failed.error == "Không có phiên họp số 999."
