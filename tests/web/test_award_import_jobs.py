"""The managers' award-history import (/awards/import) runs as a background job (issue 14, item
6): the upload only records the job, a worker reads and diffs it, the manager follows and
confirms his own job; another manager's job, or another kind, is a 404 to him."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.imports import recent_jobs, request_import, run_import_job
from engine.errors import Forbidden
from engine.models import AuditEvent, AwardRecord, ImportJob, User
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in
from web.admin import imports as import_views

GOOD = "Họ tên,Loại,Danh hiệu,Năm\nNông Văn Thắng,cá nhân,LDTT,2024\nLò Thị Hoa,cá nhân,LDTT,2024\n"
BAD = GOOD + ",cá nhân,LDTT,2024\n"


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids the pages hand to the worker (the test runs the worker's function itself)."""
    sent: list[int] = []
    monkeypatch.setattr(import_views, "_enqueue", sent.append)
    return sent


def _upload(client: FlaskClient, content: str, name: str = "khen-thuong.csv", **form: Any) -> Any:
    return client.post(
        "/awards/import",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(content.encode()), name)}
        | form,
        content_type="multipart/form-data",
    )


def _user(session: Session, user: User) -> User:
    found = session.get(User, user.id)
    assert found is not None
    return found


def _awards(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count(AwardRecord.id))) or 0


def test_the_upload_records_a_job_and_imports_nothing_until_the_worker_and_the_confirm(
    client: FlaskClient,
    world: World,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    sign_in(client, world.users["director"])
    before = _awards(session_factory)
    sent = _upload(client, GOOD)
    assert sent.status_code == 302
    (job_id,) = queued
    assert sent.headers["Location"].endswith(f"/awards/import/{job_id}")
    assert _awards(session_factory) == before  # not imported inside the request
    waiting = client.get(f"/awards/import/{job_id}").get_data(as_text=True)
    assert 'data-status="queued"' in waiting
    assert "<progress" in waiting
    assert f'hx-get="/awards/import/{job_id}"' in waiting  # the page polls its progress
    run_import_job(session_factory, job_id)
    assert _awards(session_factory) == before  # the preview writes nothing
    page = client.get(f"/awards/import/{job_id}").get_data(as_text=True)
    assert "Mới: <strong>2</strong>" in page
    assert page.count('data-status="new"') == 2
    assert f'action="/awards/import/{job_id}/apply"' in page
    listed = client.get("/awards/import").get_data(as_text=True)
    assert f'data-job="{job_id}"' in listed
    confirm = client.post(f"/awards/import/{job_id}/apply", data={"csrf_token": csrf_token(client)})
    assert confirm.status_code == 302
    assert queued == [job_id, job_id]
    run_import_job(session_factory, job_id)
    assert _awards(session_factory) == before + 2
    done = client.get(f"/awards/import/{job_id}").get_data(as_text=True)
    assert 'data-status="applied"' in done
    assert 'id="import-after"' in done
    assert "Nông Văn Thắng" in client.get("/awards/?q=nong van thang").get_data(as_text=True)
    with session_factory() as s:
        job = s.get(ImportJob, job_id)
        assert job is not None
        assert (job.status, job.requested_by, job.content) == (
            "applied",
            world.users["director"].id,
            None,
        )


def test_invalid_rows_are_reported_and_cannot_be_confirmed_unless_partial(
    client: FlaskClient,
    world: World,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    sign_in(client, world.users["secretariat"])
    before = _awards(session_factory)
    assert _upload(client, BAD).status_code == 302
    run_import_job(session_factory, queued[-1])
    page = client.get(f"/awards/import/{queued[-1]}").get_data(as_text=True)
    assert "Dòng lỗi: <strong>1</strong>" in page
    assert 'data-row="4" data-status="invalid"' in page
    assert "thiếu họ tên / tên tập thể" in page
    assert "disabled" in page
    assert _upload(client, BAD, partial="1").status_code == 302
    run_import_job(session_factory, queued[-1])
    client.post(f"/awards/import/{queued[-1]}/apply", data={"csrf_token": csrf_token(client)})
    run_import_job(session_factory, queued[-1])
    assert _awards(session_factory) == before + 2


def test_a_manager_follows_only_his_own_award_jobs(
    client: FlaskClient,
    world: World,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    sign_in(client, world.users["director"])
    _upload(client, GOOD)
    mine = queued[-1]
    run_import_job(session_factory, mine)
    sign_in(client, world.users["secretariat"])
    assert client.get(f"/awards/import/{mine}").status_code == 404
    token = csrf_token(client)
    assert client.post(f"/awards/import/{mine}/apply", data={"csrf_token": token}).status_code == (
        404
    )
    assert f'data-job="{mine}"' not in client.get("/awards/import").get_data(as_text=True)
    assert queued == [mine]  # the refused confirm queued nothing
    with session_factory() as s:
        job = s.get(ImportJob, mine)
        assert job is not None
        assert job.status == "previewed"
    # Not other kinds either: an administrator's unit import is not the managers' to see, on
    # the award pages or on the administrators'.
    with session_factory() as s:
        admin = _user(s, world.procedure.user("admin"))
        units = request_import(s, admin, "units", "u.csv", "Mã đơn vị,Tên đơn vị\nX,Y\n".encode())
    sign_in(client, world.users["director"])
    assert client.get(f"/awards/import/{units.id}").status_code == 404
    assert client.get(f"/admin/imports/{units.id}").status_code == 403
    assert client.get("/awards/import/2147483647").status_code == 404
    # The administrator keeps seeing every job, the managers' included.
    with session_factory() as s:
        admin = _user(s, world.procedure.user("admin"))
        assert {mine, units.id} <= {j.id for j in recent_jobs(s, viewer=admin)}
        director = _user(s, world.users["director"])
        assert [j.id for j in recent_jobs(s, viewer=director)] == [mine]
    sign_in(client, world.procedure.user("admin"))
    assert client.get(f"/admin/imports/{mine}").status_code == 200
    assert client.get(f"/awards/import/{mine}").status_code == 200


def test_an_administrator_confirming_a_managers_job_leaves_it_the_managers(
    client: FlaskClient,
    world: World,
    queued: list[int],
    session_factory: sessionmaker[Session],
) -> None:
    sign_in(client, world.users["director"])
    _upload(client, GOOD)
    job_id = queued[-1]
    run_import_job(session_factory, job_id)
    admin = world.procedure.user("admin")
    sign_in(client, admin)
    confirm = client.post(f"/admin/imports/{job_id}/apply", data={"csrf_token": csrf_token(client)})
    assert confirm.status_code == 302
    run_import_job(session_factory, job_id)
    with session_factory() as s:
        job = s.get(ImportJob, job_id)
        assert job is not None
        assert (job.status, job.requested_by) == ("applied", world.users["director"].id)
        applied = s.scalars(select(AuditEvent).where(AuditEvent.action == "import_applied")).all()
        assert [e.actor_id for e in applied] == [admin.id]  # the one who confirmed it
    sign_in(client, world.users["director"])
    page = client.get(f"/awards/import/{job_id}")
    assert page.status_code == 200
    assert 'data-status="applied"' in page.get_data(as_text=True)


def test_the_engine_refuses_other_kinds_to_managers_and_awards_to_others(
    world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        director: User = _user(s, world.users["director"])
        with pytest.raises(Forbidden):
            request_import(s, director, "staff", "s.csv", b"x")
        head = _user(s, world.users["head_a"])
        with pytest.raises(Forbidden):
            request_import(s, head, "awards", "a.csv", GOOD.encode())
        assert s.scalar(select(func.count(ImportJob.id))) == 0


def test_the_limits_answer_with_a_message(
    client: FlaskClient,
    world: World,
    queued: list[int],
    session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zipfile

    from engine.admin import imports

    sign_in(client, world.users["director"])
    assert _upload(client, GOOD, name="").status_code == 400
    small = imports.Limits(max_bytes=100)
    defaults = imports.request_import.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "limits", small)
    too_big = _upload(client, GOOD * 5)
    assert too_big.status_code == 422
    assert "vượt giới hạn 100 byte" in too_big.get_data(as_text=True)
    assert queued == []
    monkeypatch.setitem(defaults, "limits", imports.Limits())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    sent = client.post(
        "/awards/import",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(bomb.getvalue()), "b.xlsx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    run_import_job(session_factory, queued[-1])
    page = client.get(f"/awards/import/{queued[-1]}").get_data(as_text=True)
    assert 'data-status="failed"' in page
    assert "giải ra 20,971,520 byte" in page
    assert len(queued) == 1
