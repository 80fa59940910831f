from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from engine.unit_of_work import unit_of_work
from tests.common.dossiers import nominate
from tests.common.workflow import at, stage_task
from tests.common.worlds import World, add_staff, reporting_world
from tests.web.conftest import sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def agency(app: Flask) -> World:
    with unit_of_work(app.extensions["tdkt"].session_factory) as session:
        agency = reporting_world(session)
        first = nominate(session, agency, "cb1", "CSTDCS", stage="unit_review")
        nominate(session, agency, "cb2", "LDTT", stage="council")
        stage_task(
            session, first, "unit_review", at(1, 1), due_at=at(8, 1), candidate_role="unit_head"
        )
        stage_task(session, first, "prepare", at(1, 1), completed_at=at(6, 1))
    return agency


def _log_in(client: FlaskClient, agency: World, username: str) -> None:
    sign_in(client, agency.users[username])


def _xlsx_rows(content: bytes) -> list[list[object]]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_dashboard_renders_for_the_director(client: FlaskClient, agency: World) -> None:
    _log_in(client, agency, "giamdoc")
    response = client.get("/dashboard/?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Hồ sơ theo bước và đơn vị" in page
    qlkh = agency.units["QLKH"].id
    assert f'href="/dossiers?stage=unit_review&amp;unit={qlkh}"' in page
    assert '<svg class="chart"' in page
    assert "Chiến sĩ thi đua cơ sở" in page
    assert "Trưởng đơn vị – Phòng Quản lý Khoa học" in page, "overdue by person"
    assert "Chuẩn bị hồ sơ" in page, "time per step"


def test_a_unit_clerk_gets_the_dashboard_of_their_unit_only(
    client: FlaskClient, agency: World
) -> None:
    """Issue 15, defect 7: the menu offers "Tổng hợp" to a clerk, who got 403."""
    with unit_of_work(client.application.extensions["tdkt"].session_factory) as session:
        other = nominate(session, agency, "cb3", "LDTT", stage="unit_review")
        stage_task(session, other, "unit_review", at(1, 1), due_at=at(8, 1))
    _log_in(client, agency, "vanthu")
    home = client.get("/tasks/mine").get_data(as_text=True)
    assert 'href="/dashboard/"' in home, "the menu offers the dashboard"
    response = client.get("/dashboard/?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    qlkh = agency.units["QLKH"].id
    assert "Hồ sơ của đơn vị: Phòng Quản lý Khoa học" in page
    assert f'href="/dossiers?stage=unit_review&amp;unit={qlkh}"' in page
    other_unit = agency.units[_unit_of(agency, "cb3")].id
    assert other_unit != qlkh
    assert f"unit={other_unit}" not in page, "another unit's dossiers are not counted"
    assert "Lương Đức Cường" not in page, "nor their overdue tasks"
    assert 'href="/documents/"' not in page, "no link to a page the clerk may not open"
    export = client.get("/dashboard/export/stage_unit.xlsx")
    assert export.status_code == 200
    assert [r[0] for r in _xlsx_rows(export.data)][-1] == "Cộng"
    assert client.get("/documents/").status_code == 403
    assert client.get("/awards/").status_code == 403


def test_staff_without_a_unit_role_are_offered_no_dashboard(
    client: FlaskClient, agency: World
) -> None:
    _log_in(client, agency, "cb1")
    assert 'href="/dashboard/"' not in client.get("/tasks/mine").get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export/titles.xlsx").status_code == 403


def _unit_of(agency: World, username: str) -> str:
    unit_id = agency.users[username].unit_id
    return next(code for code, unit in agency.units.items() if unit.id == unit_id)


def test_dashboard_sends_anonymous_users_to_log_in(client: FlaskClient, agency: World) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_dashboard_list_downloads_as_xlsx(client: FlaskClient, agency: World) -> None:
    _log_in(client, agency, "thuky")
    response = client.get("/dashboard/export/stage_unit.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    rows = _xlsx_rows(response.data)
    assert rows[0] == ["Hồ sơ theo bước và đơn vị", None, None, None]
    assert rows[2] == ["Bước", "Phòng Kế hoạch – Tài chính", "Phòng Quản lý Khoa học", "Cộng"]
    assert rows[3] == ["Bình xét tại đơn vị", 0, 1, 1]
    assert rows[4] == ["Họp Hội đồng", 1, 0, 1]
    assert rows[5] == ["Cộng", 1, 1, 2]
    overdue = _xlsx_rows(client.get("/dashboard/export/overdue.xlsx").data)
    assert overdue[3][0] == "Hoàng Thị Thu Hà"
    assert client.get("/dashboard/export/nothing.xlsx").status_code == 404


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_award_upload_reports_rows_then_statistics_and_look_up(
    client: FlaskClient, agency: World, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.admin.imports import run_import_job
    from web.admin import imports as import_views

    queued: list[int] = []
    monkeypatch.setattr(import_views, "_enqueue", queued.append)  # the test is the worker
    factory = app.extensions["tdkt"].session_factory
    _log_in(client, agency, "thuky")
    token = _csrf(client.get("/awards/import").get_data(as_text=True))
    bad = "Họ tên,Loại,Danh hiệu,Năm\nNông Văn Thắng,cá nhân,LDTT,2024\n,cá nhân,LDTT,2024\n"
    response = client.post(
        "/awards/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    run_import_job(factory, queued[-1])
    page = client.get(f"/awards/import/{queued[-1]}").get_data(as_text=True)
    assert "Dòng lỗi: <strong>1</strong>" in page
    assert "thiếu họ tên / tên tập thể" in page
    good = bad.splitlines()[:2]
    response = client.post(
        "/awards/import",
        data={"csrf_token": token, "file": (io.BytesIO("\n".join(good).encode()), "a.csv")},
        content_type="multipart/form-data",
    )
    run_import_job(factory, queued[-1])
    client.post(f"/awards/import/{queued[-1]}/apply", data={"csrf_token": token})
    run_import_job(factory, queued[-1])
    page = client.get(f"/awards/import/{queued[-1]}").get_data(as_text=True)
    assert 'data-status="applied"' in page
    assert "Mới: <strong>1</strong>" in page
    stats = client.get("/awards/statistics?from=2024&to=2024").get_data(as_text=True)
    assert "Năm 2024, có 1 lượt tập thể, cá nhân được khen thưởng" in stats
    export = _xlsx_rows(client.get("/awards/statistics.xlsx?from=2024&to=2024").data)
    assert export[3] == ["Lao động tiên tiến", "cá nhân", 1, 1]
    assert export[-1] == ["Tổng cộng", None, 1, 1]
    found = client.get("/awards/?q=nong van thang").get_data(as_text=True)
    assert "Nông Văn Thắng" in found


def test_documents_page_generates_a_small_list_at_once(
    app: Flask, client: FlaskClient, agency: World
) -> None:
    """The director's list has the dossiers waiting for his decision, not the campaign's dossiers
    still under review or before the council (issue 15, defect 5)."""
    with unit_of_work(app.extensions["tdkt"].session_factory) as session:
        nominate(session, agency, "cb3", "LDTT", stage="decision")
        nominate(session, agency, "vanthu", "CSTDCS", stage="archived", status="awarded")
    _log_in(client, agency, "giamdoc")
    page = client.get("/documents/").get_data(as_text=True)
    response = client.post(
        "/documents/generate",
        data={
            "csrf_token": _csrf(page),
            "kind": "nominee_list_xlsx",
            "scope": "director",
            "campaign_id": str(agency.campaign.id),
        },
    )
    assert response.status_code == 200
    assert response.mimetype == XLSX
    rows = _xlsx_rows(response.data)
    names = [row[1] for row in rows[3:] if isinstance(row[0], int)]
    assert names == ["Triệu Quang Hải", "Nguyễn Thị Mai"]


def test_a_background_document_shows_progress_then_downloads(
    app: Flask, client: FlaskClient, agency: World
) -> None:
    from engine.documents.jobs import request_document, run_document

    rt = app.extensions["tdkt"]
    with unit_of_work(rt.session_factory) as session:
        ids = [nominate(session, agency, name, "LDTT").id for name in add_staff(session, agency, 3)]
        document = request_document(
            session, "decision", {"dossier_ids": ids}, agency.users["giamdoc"].id, 3
        )
    _log_in(client, agency, "giamdoc")
    row = client.get(f"/documents/{document.id}/status").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in row
    assert "<progress" in row
    run_document(rt.session_factory, document.id, rt.files)
    row = client.get(f"/documents/{document.id}/status").get_data(as_text=True)
    assert "hx-trigger" not in row
    assert f'href="/documents/{document.id}/download"' in row
    download = client.get(f"/documents/{document.id}/download")
    assert download.status_code == 200
    assert download.data[:2] == b"PK"
    _log_in(client, agency, "thuky")
    assert client.get(f"/documents/{document.id}/download").status_code == 404, "not theirs"
