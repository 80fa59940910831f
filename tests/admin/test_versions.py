"""Uploading workflow versions from the browser, their diagrams, and migrating instances."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from engine.admin import reads
from engine.models import ProcessInstance, User, WorkflowSpec
from engine.workflow import operations
from tests.admin.conftest import csrf_token, sign_in

DATA = Path(__file__).parents[1] / "engine" / "data"
REVIEW = (DATA / "review.bpmn").read_bytes()
ROUTE = (DATA / "route.dmn").read_bytes()


def _upload(client: FlaskClient, files: dict[str, bytes]) -> TestResponse:
    data: dict[str, object] = {"csrf_token": csrf_token(client)}
    data["files"] = [(io.BytesIO(content), name) for name, content in files.items()]
    return client.post("/admin/versions", data=data, content_type="multipart/form-data")


def _spec_count(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(WorkflowSpec)) or 0)


def _start_review(factory: sessionmaker[Session], unit_id: int) -> ProcessInstance:
    with factory() as s:
        operations.deploy(s, [DATA / "review.bpmn", DATA / "route.dmn"])
        return operations.start(
            s, "review", data={"unit_id": unit_id, "title_code": "LDTT", "review_days": 3}
        )


def test_an_invalid_upload_names_file_and_element_and_deploys_nothing(
    client: FlaskClient, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    broken = REVIEW.replace(
        b'name="dueWorkingDays" value="5"', b'name="dueWorkingDays" value="5 ngay"'
    )
    before = _spec_count(session_factory)
    sign_in(client, admin_user)
    response = _upload(client, {"review.bpmn": broken, "route.dmn": ROUTE})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<code>review.bpmn</code>" in page
    assert "<code data-element-id>prepare</code>" in page
    assert "dueWorkingDays" in page
    assert _spec_count(session_factory) == before


def test_an_upload_with_an_unsafe_script_is_refused_with_file_element_and_problem(
    client: FlaskClient, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    unsafe = REVIEW.replace(
        b"returns = 0\nstarted_at = now_iso()", b"import os\nos.system('id > /tmp/pwned')"
    )
    assert unsafe != REVIEW
    before = _spec_count(session_factory)
    sign_in(client, admin_user)
    response = _upload(client, {"review.bpmn": unsafe, "route.dmn": ROUTE})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<code>review.bpmn</code>" in page
    assert "<code data-element-id>init</code>" in page
    assert "imports are not allowed (import os)" in page
    assert _spec_count(session_factory) == before


def test_a_file_that_is_not_bpmn_or_dmn_is_refused(
    client: FlaskClient, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    before = _spec_count(session_factory)
    sign_in(client, admin_user)
    response = _upload(client, {"notes.txt": b"hello"})
    assert response.status_code == 422
    assert "not a .bpmn, .dmn or .json file" in response.get_data(as_text=True)
    assert _spec_count(session_factory) == before


def test_a_valid_upload_adds_a_version_and_running_instances_stay_on_theirs(
    client: FlaskClient, world: object, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    instance = _start_review(session_factory, admin_user.unit_id or 0)
    changed = REVIEW.replace("Xét duyệt thử".encode(), "Xét duyệt thử (sửa)".encode())
    sign_in(client, admin_user)
    response = _upload(client, {"review.bpmn": changed, "route.dmn": ROUTE})
    assert response.status_code == 302
    with session_factory() as s:
        versions = s.scalars(
            select(WorkflowSpec)
            .where(WorkflowSpec.process_id == "review")
            .order_by(WorkflowSpec.version)
        ).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[1].deployed_by == admin_user.id
        assert s.get(ProcessInstance, instance.id).spec_id == versions[0].id  # type: ignore[union-attr]
        counts = {
            r.spec.version: r.running for r in reads.versions(s) if r.spec.process_id == "review"
        }
    assert counts == {1: 1, 2: 0}
    assert client.get("/admin/versions").status_code == 200


def test_the_version_page_draws_the_diagram_from_the_stored_source(
    client: FlaskClient, world: object, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    _start_review(session_factory, admin_user.unit_id or 0)
    with session_factory() as s:
        spec_id = s.scalar(select(WorkflowSpec.id).where(WorkflowSpec.process_id == "review"))
    sign_in(client, admin_user)
    page = client.get(f"/admin/versions/{spec_id}").get_data(as_text=True)
    # The viewer reads the names in the reader's language; the source itself is as stored.
    assert f'data-bpmn-url="/admin/versions/{spec_id}/sources/review.bpmn?shown=1"' in page
    shown = client.get(f"/admin/versions/{spec_id}/sources/review.bpmn?shown=1")
    assert shown.status_code == 200
    assert shown.mimetype == "application/xml"
    xml = client.get(f"/admin/versions/{spec_id}/sources/review.bpmn")
    assert xml.status_code == 200
    assert xml.mimetype == "application/xml"
    assert xml.data == REVIEW
    assert client.get(f"/admin/versions/{spec_id}/sources/nope.bpmn").status_code == 404


def test_check_then_migrate_selected_instances(
    client: FlaskClient, world: object, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    instance = _start_review(session_factory, admin_user.unit_id or 0)
    changed = REVIEW.replace("Xét duyệt thử".encode(), "Xét duyệt thử (sửa)".encode())
    with session_factory() as s:
        (new,) = operations.deploy_texts(s, {"review.bpmn": changed, "route.dmn": ROUTE})
    sign_in(client, admin_user)
    token = csrf_token(client)
    checked = client.post(
        f"/admin/versions/{new.id}/check", data={"csrf_token": token, "instance_id": instance.id}
    )
    page = checked.get_data(as_text=True)
    assert f'data-result="{instance.id}"' in page
    assert "Chuyển được" in page
    with session_factory() as s:
        assert s.get(ProcessInstance, instance.id).spec_id != new.id  # type: ignore[union-attr]
    client.post(
        f"/admin/versions/{new.id}/migrate", data={"csrf_token": token, "instance_id": instance.id}
    )
    with session_factory() as s:
        assert s.get(ProcessInstance, instance.id).spec_id == new.id  # type: ignore[union-attr]
