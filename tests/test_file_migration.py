"""Revision 0017 moves a host's local attachments and documents into the file store, and back."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import create_engine, select, text

from engine.config import Settings, load_settings
from engine.db import make_engine
from engine.files import DatabaseStore, DirectoryStore
from engine.migrate import downgrade, upgrade
from engine.models import FileBlob


def _settings(tmp_path: Path, store: str) -> Settings:
    return load_settings(
        {},
        data_dir=str(tmp_path),
        database_url=f"sqlite:///{tmp_path / 'old.sqlite3'}",
        file_store=store,
        demo=False,
    )


def _old_host(tmp_path: Path) -> tuple[str, bytes, bytes]:
    """A database at 0010 with an attachment and a document kept on local disk, as before."""
    url = str(_settings(tmp_path, "database").db_url)
    engine = make_engine(_settings(tmp_path, "database").db_url)
    upgrade(engine, "0010")
    engine.dispose()
    attachment = b"%PDF-1.4\n" + os.urandom(300_000)
    document = b"PK\x03\x04" + os.urandom(1000)
    sha = hashlib.sha256(attachment).hexdigest()
    (tmp_path / "attachments" / sha[:2]).mkdir(parents=True)
    (tmp_path / "attachments" / sha[:2] / sha).write_bytes(attachment)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "1-danh-sach.docx").write_bytes(document)
    # Rows only (foreign keys are not enforced by a plain SQLite connection).
    plain = create_engine(url)
    with plain.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO attachment (id, dossier_id, filename, content_type, size, sha256,"
                " uploaded_by, uploaded_at) VALUES (1, 1, 'a.pdf', 'application/pdf', :size,"
                " :sha, 1, '2026-12-01 00:00:00')"
            ),
            {"size": len(attachment), "sha": sha},
        )
        conn.execute(
            text(
                "INSERT INTO generated_document (id, kind, params, status, total_items,"
                " done_items, filename, file_path, created_at) VALUES (1, 'nominee_list', '{}',"
                " 'done', 1, 1, 'danh-sach.docx', '1-danh-sach.docx', '2026-12-01 00:00:00'),"
                " (2, 'nominee_list', '{}', 'done', 1, 1, 'mat.docx', '2-mat.docx',"
                " '2026-12-01 00:00:00')"
            )
        )
    plain.dispose()
    return url, attachment, document


def test_the_upgrade_moves_local_files_into_the_database_and_the_downgrade_back(
    tmp_path: Path,
) -> None:
    _url, attachment, document = _old_host(tmp_path)
    settings = _settings(tmp_path, "database")
    engine = make_engine(settings.db_url)
    upgrade(engine, "head", settings)
    store = DatabaseStore(engine)
    sha = hashlib.sha256(attachment).hexdigest()
    with store.open(sha) as stream:
        assert stream.read() == attachment
    with engine.connect() as conn:
        paths: dict[int, str] = dict(
            conn.execute(text("SELECT id, file_path FROM generated_document")).all()
        )
        blobs = conn.scalars(select(FileBlob.key)).all()
    assert paths == {1: hashlib.sha256(document).hexdigest(), 2: "2-mat.docx"}, "missing: kept"
    assert sorted(blobs) == sorted([sha, paths[1]])
    with store.open(paths[1]) as stream:
        assert stream.read() == document
    # Back to 0010 on a host that lost its local copies: the files are written out again.
    (tmp_path / "attachments" / sha[:2] / sha).unlink()
    (tmp_path / "documents" / "1-danh-sach.docx").unlink()
    downgrade(engine, "0010", settings)
    assert (tmp_path / "attachments" / sha[:2] / sha).read_bytes() == attachment
    assert (tmp_path / "documents" / "1-danh-sach.docx").read_bytes() == document
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT file_path FROM generated_document WHERE id = 1")) == (
            "1-danh-sach.docx"
        )
    engine.dispose()


def test_the_upgrade_moves_local_files_into_a_shared_folder(tmp_path: Path) -> None:
    _url, attachment, _document = _old_host(tmp_path)
    settings = _settings(tmp_path, str(tmp_path / "shared"))
    engine = make_engine(settings.db_url)
    upgrade(engine, "head", settings)
    engine.dispose()
    sha = hashlib.sha256(attachment).hexdigest()
    assert DirectoryStore(tmp_path / "shared").path(sha).read_bytes() == attachment
