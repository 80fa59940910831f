"""The restore drill of docs/operations.md: back up, wipe, restore; the same dossiers and files.

Performed with the commands the guide gives: SQLite's online backup (the embedded shape), a tar
of a folder file store, and pg_dump/pg_restore for PostgreSQL (run when TDKT_TEST_DATABASE_URL
is set, on a database of its own beside it).
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from engine.config import Settings, load_settings
from engine.db import make_engine
from engine.domain import content
from engine.migrate import current_revision, head_revision, upgrade
from engine.models import Attachment, Dossier
from engine.runtime import build_runtime
from tests.common.procedure import deployed

PDF = b"%PDF-1.4\n" + os.urandom(400_000)


def _fill(settings: Settings) -> tuple[list[tuple[int, str]], bytes]:
    """A dossier with an attachment; return (id, nominee) pairs and the file's key."""
    engine = make_engine(settings.db_url)
    upgrade(engine, "head", settings)
    engine.dispose()
    rt = build_runtime(settings)
    with deployed(rt.session_factory) as procedure:
        first = procedure.file("vanthu.qlkh", "cb004", "LDTT")
        procedure.prepare(first)
        task = procedure.open_task("unit_review", first)
        with rt.session_factory() as session:
            content.add_attachment(
                session,
                rt.files,
                task.id,
                procedure.user("truongphong.qlkh"),
                "bien-ban.pdf",
                io.BytesIO(PDF),
                10 * 1024 * 1024,
            )
    state = _read(settings)
    rt.dispose()
    return state


def _read(settings: Settings) -> tuple[list[tuple[int, str]], bytes]:
    rt = build_runtime(settings)
    with rt.session_factory() as session:
        rows = [
            (d.id, d.nominee_name) for d in session.scalars(select(Dossier).order_by(Dossier.id))
        ]
        attachment = session.scalars(select(Attachment)).one()
        assert current_revision(session.connection()) == head_revision()
    with rt.files.open(attachment.sha256) as stream:
        data = stream.read()
    rt.dispose()
    return rows, data


def _settings(tmp_path: Path, **values: str) -> Settings:
    return load_settings(
        {},
        data_dir=str(tmp_path / "data"),
        secret_key="drill",
        redis_url=os.environ.get("TDKT_TEST_REDIS_URL", "redis://127.0.0.1:6379/12"),
        demo=False,
        **values,
    )


def test_restore_drill_sqlite_with_files_in_the_database(tmp_path: Path) -> None:
    db_file = tmp_path / "tdkt.sqlite3"
    settings = _settings(tmp_path, database_url=f"sqlite:///{db_file}")
    before = _fill(settings)
    assert before[1] == PDF
    # Back up (online, while it runs): sqlite3's backup API, the guide's `sqlite3 … ".backup"`.
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(db_file) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    # Wipe.
    for leftover in tmp_path.glob("tdkt.sqlite3*"):
        leftover.unlink()
    shutil.rmtree(tmp_path / "data")
    # Restore.
    shutil.copy(backup, db_file)
    assert _read(settings) == before


def test_restore_drill_sqlite_with_a_folder_file_store(tmp_path: Path) -> None:
    db_file = tmp_path / "tdkt.sqlite3"
    files = tmp_path / "shared-files"
    settings = _settings(tmp_path, database_url=f"sqlite:///{db_file}", file_store=str(files))
    before = _fill(settings)
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(db_file) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    with tarfile.open(tmp_path / "files.tar.gz", "w:gz") as tar:
        tar.add(files, arcname="shared-files")
    for leftover in tmp_path.glob("tdkt.sqlite3*"):
        leftover.unlink()
    shutil.rmtree(files)
    shutil.copy(backup, db_file)
    with tarfile.open(tmp_path / "files.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    assert _read(settings) == before


@pytest.fixture
def drill_database() -> Iterator[str]:
    base = os.environ.get("TDKT_TEST_DATABASE_URL")
    if not base or shutil.which("pg_dump") is None:
        pytest.skip("needs TDKT_TEST_DATABASE_URL (PostgreSQL) and pg_dump/pg_restore on PATH")
    url = make_url(base)
    name = f"{url.database}_drill"
    admin = make_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_restore_drill_postgresql(tmp_path: Path, drill_database: str) -> None:
    settings = _settings(tmp_path, database_url=drill_database)
    before = _fill(settings)
    libpq = (
        make_url(drill_database).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    dump = tmp_path / "tdkt.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq], check=True)
    engine = make_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq}", str(dump)], check=True)
    assert _read(settings) == before
