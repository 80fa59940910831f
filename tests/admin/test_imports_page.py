"""The import pages: upload, the worker's diff, apply; the limits answer with a message."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.imports import run_import_job
from engine.models import ImportJob, OrgUnit, User
from tests.admin.conftest import post, sign_in
from tests.common import agency
from tests.common.worlds import World
from web.admin import imports as import_views

UNITS = agency.build().files["units"]


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids the pages hand to the worker (the test runs the worker's function itself)."""
    sent: list[int] = []
    monkeypatch.setattr(import_views, "_enqueue", sent.append)
    return sent


def _upload(client: FlaskClient, kind: str, name: str, content: bytes) -> Any:
    return post(
        client,
        "/admin/imports",
        {"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_is_previewed_by_the_worker_then_applied(
    client: FlaskClient,
    world: World,
    admin_user: User,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    sign_in(client, admin_user)
    sent = _upload(client, "units", *UNITS)
    assert sent.status_code == 302
    (job_id,) = queued
    waiting = client.get(f"/admin/imports/{job_id}").get_data(as_text=True)
    assert 'data-status="queued"' in waiting
    run_import_job(session_factory, job_id)
    page = client.get(f"/admin/imports/{job_id}").get_data(as_text=True)
    assert re.search(r"Mới: <strong>6</strong>", page)
    assert page.count('data-status="new"') == 6
    with session_factory() as s:
        before = s.scalar(select(func.count(OrgUnit.id)))
    assert post(client, f"/admin/imports/{job_id}/apply").status_code == 302
    assert queued == [job_id, job_id]
    run_import_job(session_factory, job_id)
    with session_factory() as s:
        assert s.scalar(select(func.count(OrgUnit.id))) == (before or 0) + 6
        job = s.get(ImportJob, job_id)
        assert job is not None
        assert job.status == "applied"
    again = post(client, f"/admin/imports/{job_id}/apply")
    assert again.status_code == 302  # applied already: a warning, never a second write


def test_a_zip_bomb_fails_the_job_with_a_message_and_bad_input_is_a_4xx(
    client: FlaskClient,
    world: World,
    admin_user: User,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    sign_in(client, admin_user)
    assert _upload(client, "staff", "bom.xlsx", bomb.getvalue()).status_code == 302
    run_import_job(session_factory, queued[-1])
    page = client.get(f"/admin/imports/{queued[-1]}").get_data(as_text=True)
    assert 'data-status="failed"' in page
    assert "giải ra 20,971,520 byte" in page
    assert _upload(client, "bogus", *UNITS).status_code == 422
    assert post(client, "/admin/imports", {"kind": "units"}).status_code == 400
    assert client.get("/admin/imports/2147483647").status_code == 404


def test_only_administrators_import(client: FlaskClient, world: World, queued: list[int]) -> None:
    sign_in(client, world.users["secretariat"])
    assert client.get("/admin/imports").status_code == 403
    assert _upload(client, "units", *UNITS).status_code == 403
    assert queued == []
