"""Process designers' files on the pages, the API and the CLI: the versions page reports every
unused setting and a refusal with its element, lanes are mapped on the admin page, and a
deployed process is started from "Khởi tạo quy trình" and run through the task inbox."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.models import HumanTask, ProcessInstance, User
from engine.unit_of_work import unit_of_work
from engine.workflow import operations
from tests.common.procedure import Procedure
from tests.web.conftest import csrf_token, sign_in

EXAMPLES = Path(__file__).parents[2] / "workflows" / "examples"
SPIFF_FILES = [EXAMPLES / "spiff_arena_de_xuat.bpmn", *sorted(EXAMPLES.glob("*.json"))]
SPIFF_PROCESS = "Process_de_xuat_sang_kien_3x7k9p1"


def _upload(client: FlaskClient, paths: list[Path]) -> tuple[int, str]:
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in paths]
    response = client.post(
        "/admin/versions",
        data={"csrf_token": csrf_token(client), "files": files},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    return response.status_code, response.get_data(as_text=True)


def _group_task(client: FlaskClient, name: str) -> int:
    page = client.get("/tasks/group").get_data(as_text=True)
    found = re.findall(r'href="/tasks/(\d+)"[^>]*>[^<]*</a>', page)
    assert name in page, page
    assert found
    return int(found[0])


def test_spiff_arena_lanes_are_mapped_on_the_admin_page_then_deploy_with_warnings(
    client: FlaskClient, procedure: Procedure
) -> None:
    sign_in(client, procedure.user("admin"))
    status, page = _upload(client, SPIFF_FILES)
    assert status == 422
    assert "<code data-element-id>Activity_0xzvd1e</code>" in page
    assert "lane &#39;Requester&#39; is neither a role nor mapped to one" in page
    assert 'href="/admin/groups"' in page

    groups = client.get(f"/admin/groups?process_id={SPIFF_PROCESS}&name=Requester&name=Manager")
    text = groups.get_data(as_text=True)
    assert 'data-group="Manager"' in text
    assert 'data-group="Requester"' in text
    response = client.post(
        "/admin/groups",
        data={
            "csrf_token": csrf_token(client),
            "process_id": SPIFF_PROCESS,
            "name": ["Manager", "Requester"],
            "role": ["unit_head", "unit_clerk"],
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    bad = client.post(
        "/admin/groups",
        data={
            "csrf_token": csrf_token(client),
            "process_id": SPIFF_PROCESS,
            "name": ["Manager"],
            "role": ["no_such_role"],
        },
    )
    assert bad.status_code == 422

    status, page = _upload(client, SPIFF_FILES)
    assert status == 200
    assert f"Đã triển khai: {SPIFF_PROCESS} phiên bản 1" in page
    assert (
        "Cảnh báo: spiff_arena_de_xuat.bpmn: element Activity_set_owners: lane_owners is not "
        "read by this engine"
    ) in page
    row = re.search(
        rf'<tr data-process="{SPIFF_PROCESS}">.*?<a href="/admin/versions/(\d+)"', page, re.DOTALL
    )
    assert row is not None
    version = client.get(f"/admin/versions/{row.group(1)}").get_data(as_text=True)
    assert 'id="deploy-warnings"' in version
    assert "spiffworkflow:instructionsForEndUser is not used by this engine" in version


def test_a_camunda_process_is_started_from_its_start_form_and_run_in_the_inbox(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        operations.deploy(session, [EXAMPLES / "camunda7_giay_khen.bpmn"])
    clerk, head = procedure.user("vanthu.qlkh"), procedure.user("truongphong.qlkh")
    sign_in(client, head)
    assert "Giấy khen" not in client.get("/processes").get_data(as_text=True)
    assert client.get("/processes/de_nghi_giay_khen/start").status_code == 404

    sign_in(client, clerk)
    listing = client.get("/processes").get_data(as_text=True)
    assert 'href="/processes/de_nghi_giay_khen/start"' in listing
    form = client.get("/processes/de_nghi_giay_khen/start").get_data(as_text=True)
    assert 'name="so_nam_cong_tac" value="1"' in form  # defaultValue
    for limit in ('min="0"', 'max="45"', 'minlength="3"'):
        assert limit in form
    assert 'name="can_cu" value="Luật Thi đua, khen thưởng 2022" disabled' in form
    refused = client.post(
        "/processes/de_nghi_giay_khen/start",
        data={"csrf_token": csrf_token(client), "ho_ten": "An", "so_nam_cong_tac": "50"},
    )
    assert refused.status_code == 422
    assert "phải có ít nhất 3 ký tự" in refused.get_data(as_text=True)
    started = client.post(
        "/processes/de_nghi_giay_khen/start",
        data={
            "csrf_token": csrf_token(client),
            "ho_ten": "Phạm Minh Đức",
            "so_nam_cong_tac": "4",
            "hinh_thuc": "bang_khen",
        },
    )
    assert started.status_code == 302

    sign_in(client, head)
    task_id = _group_task(client, "Trưởng đơn vị xét duyệt")
    done = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(client), "approved": "1", "nhan_xet": "Đồng ý"},
    )
    assert done.status_code == 302
    sign_in(client, procedure.user("thuky"))
    task_id = _group_task(client, "Thường trực Hội đồng thẩm định")
    client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_token(client)})
    done = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(client), "approved": "1", "so_quyet_dinh": "7/QĐ"},
    )
    assert done.status_code == 302
    with session_factory() as session:
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.process_id == "de_nghi_giay_khen")
        ).one()
        assert instance.status == "completed"


def test_the_api_lists_startable_processes_and_starts_one(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as session:
        operations.deploy(session, [EXAMPLES / "camunda7_giay_khen.bpmn"])
        clerk = session.scalars(select(User).where(User.username == "vanthu.qlkh")).one()
        token = create_token(session, clerk, "test")
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/processes", headers=headers).get_json()
    assert [p["process_id"] for p in listed["items"]] == ["de_nghi_giay_khen"]
    bad = client.post(
        "/api/v1/processes/de_nghi_giay_khen/start",
        json={"data": {"ho_ten": "Vũ", "so_nam_cong_tac": "x"}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"ho_ten", "so_nam_cong_tac"}
    assert client.post("/api/v1/processes/nope/start", json={}, headers=headers).status_code == 404
    ok = client.post(
        "/api/v1/processes/de_nghi_giay_khen/start",
        json={"data": {"ho_ten": "Vũ Thị Mai", "so_nam_cong_tac": 6}},
        headers=headers,
    )
    assert ok.status_code == 201
    with session_factory() as session:
        task = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == ok.get_json()["instance_id"])
        ).one()
        assert task.element_id == "Activity_0xw3k7p"


def test_a_process_name_the_catalogue_knows_is_shown_in_the_readers_language(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    # A designer naming a process after one the catalogue translates ("Đăng ký thi đua của đơn
    # vị") has it shown in English to an English reader: on the start page, its form and the
    # flash after starting. A name the catalogue does not know is shown as designed.
    source = (EXAMPLES / "camunda7_giay_khen.bpmn").read_text("utf-8")
    renamed = source.replace(
        'name="Đề nghị tặng Giấy khen (Camunda 7)"', 'name="Đăng ký thi đua của đơn vị"'
    )
    assert renamed != source
    path = tmp_path / "camunda7_giay_khen.bpmn"
    path.write_text(renamed, "utf-8")
    with session_factory() as session:
        operations.deploy(session, [path])
    sign_in(client, procedure.user("vanthu.qlkh"))
    client.get("/lang/en")
    listing = client.get("/processes").get_data(as_text=True)
    assert (
        "Unit&#39;s emulation registration" in listing or "Unit's emulation registration" in listing
    )
    assert "Đăng ký thi đua của đơn vị" not in listing
    form = client.get("/processes/de_nghi_giay_khen/start").get_data(as_text=True)
    assert "Đăng ký thi đua của đơn vị" not in form
    started = client.post(
        "/processes/de_nghi_giay_khen/start",
        data={"csrf_token": csrf_token(client), "ho_ten": "Phạm Minh Đức", "so_nam_cong_tac": "4"},
        follow_redirects=True,
    )
    page = started.get_data(as_text=True)
    assert "Started: Unit" in page
