"""Files every host serves: an attachment uploaded through one web host downloads from another.

Two applications (two hosts: each its own TDKT_DATA_DIR, one database) share nothing but the
database, which holds the files (engine.files.DatabaseStore, TDKT_FILE_STORE=database).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.config import Settings
from engine.files import CHUNK_BYTES
from engine.models import Attachment, FileBlob, FileChunk
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in

# A PDF of three chunks and a bit: it is stored and served piece by piece.
BIG_PDF = b"%PDF-1.4\n" + os.urandom(3 * CHUNK_BYTES + 1000)


@pytest.fixture
def other_host(settings: Settings, app: Flask, tmp_path: Path) -> Iterator[Flask]:
    from web.app import create_app

    host_b = settings.model_copy(update={"data_dir": tmp_path / "host-b"})
    flask_app = create_app({"TESTING": True}, settings=host_b)
    yield flask_app
    flask_app.extensions["tdkt"].dispose()


def _post_file(client: FlaskClient, url: str, content: bytes, name: str, **kw: Any) -> Any:
    # Encoded here, in memory: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client),
            "file": FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf"),
        }
    )
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kw
    )


def _upload(app: Flask, world: World, content: bytes, name: str) -> None:
    client = app.test_client()
    sign_in(client, world.users["head_a"])
    response = _post_file(client, f"/tasks/{world.task.id}/attachments", content, name)
    assert response.status_code == 302


def test_an_attachment_uploaded_on_one_host_downloads_from_the_other(
    app: Flask, other_host: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    _upload(app, world, BIG_PDF, "ho-so-lon.pdf")
    with session_factory() as session:
        attachment = session.scalars(select(Attachment)).one()
        chunks = session.scalar(select(func.count()).select_from(FileChunk))
    assert chunks == 4, "stored in chunks of CHUNK_BYTES"
    assert not (Path(app.extensions["tdkt"].settings.data_dir) / "attachments").exists()
    for host in (other_host, app):
        client = host.test_client()
        sign_in(client, world.users["secretariat"])
        response = client.get(f"/attachments/{attachment.id}")
        assert response.status_code == 200
        assert response.is_streamed
        assert response.headers["Content-Length"] == str(len(BIG_PDF))
        assert "ho-so-lon.pdf" in response.headers["Content-Disposition"]
        assert response.data == BIG_PDF
    outsider = other_host.test_client()
    sign_in(outsider, world.users["outsider"])
    assert outsider.get(f"/attachments/{attachment.id}").status_code == 404


def test_the_same_bytes_are_stored_once(
    app: Flask, other_host: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    _upload(app, world, BIG_PDF, "mot.pdf")
    _upload(other_host, world, BIG_PDF, "hai.pdf")
    with session_factory() as session:
        assert len(session.scalars(select(Attachment)).all()) == 2
        assert session.scalar(select(func.count()).select_from(FileBlob)) == 1
        assert session.scalar(select(func.count()).select_from(FileChunk)) == 4


def test_an_oversized_upload_keeps_nothing(
    settings: Settings, clean_db: object, world: World, session_factory: sessionmaker[Session]
) -> None:
    from web.app import create_app

    small = create_app({"TESTING": True}, settings=settings.model_copy(update={"upload_max_mb": 1}))
    # Flask's MAX_CONTENT_LENGTH stops a body over the limit at the door; the store's own check
    # counts the bytes as they arrive (a body just under the request limit, a file over it).
    small.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    client = small.test_client()
    sign_in(client, world.users["head_a"])
    response = _post_file(
        client,
        f"/tasks/{world.task.id}/attachments",
        BIG_PDF + BIG_PDF[9:],
        "x.pdf",
        follow_redirects=True,
    )
    small.extensions["tdkt"].dispose()
    assert response.status_code == 200
    assert "Tệp vượt quá 1 MB." in response.get_data(as_text=True)
    with session_factory() as session:
        assert session.scalars(select(Attachment)).all() == []
        assert session.scalar(select(func.count()).select_from(FileChunk)) == 0
