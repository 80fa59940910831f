"""The in-browser modeler on the admin workflow page: the check and deploy endpoints, and in
Debian's chromium an administrator renaming a task, deploying and finding the new version listed;
a lane renamed to a name nobody mapped is refused and marked on its task; a DMN cell edited and
deployed; and a clerk starting a Camunda process from "Khởi tạo quy trình"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import HumanTask, WorkflowSpec
from engine.workflow import operations, specs
from tests.common.procedure import Procedure, deployed
from tests.web.conftest import csrf_token, sign_in
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in

TASK = "Lập và gửi danh sách đăng ký thi đua"


def _registration(session_factory: sessionmaker[Session]) -> WorkflowSpec:
    with session_factory() as session:
        spec = specs.latest_spec(session, "tdkt_registration")
        assert spec is not None
        _ = spec.sources  # deferred (filing never reads it); the test reads it detached
        session.expunge(spec)
        return spec


def test_check_and_deploy_answer_with_the_element_of_a_refusal(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    spec = _registration(session_factory)
    xml = spec.sources["tdkt_registration.bpmn"]
    sign_in(client, procedure.user("admin"))
    headers = {"X-CSRFToken": csrf_token(client)}
    page = client.get(f"/admin/versions/{spec.id}/modeler").get_data(as_text=True)
    assert "bpmn-modeler.production.min.js" in page
    ok = client.post(f"/admin/versions/{spec.id}/modeler/check", json={"xml": xml}, headers=headers)
    assert ok.get_json() == {"ok": True, "error": None, "warnings": []}
    bad_xml = xml.replace('name="unit_clerk"', 'name="Ban thi đua"', 1)
    bad = client.post(
        f"/admin/versions/{spec.id}/modeler/deploy", json={"xml": bad_xml}, headers=headers
    )
    assert bad.status_code == 422
    error = bad.get_json()["error"]
    assert error["file"] == "tdkt_registration.bpmn"
    assert error["element"] == "submit_registration"
    assert "lane 'Ban thi đua' is neither a role nor mapped to one" in error["problem"]
    assert client.post(f"/admin/versions/{spec.id}/modeler/check", data="x").status_code == 400
    sign_in(client, procedure.user("thuky"))
    refused = client.post(
        f"/admin/versions/{spec.id}/modeler/check", json={"xml": xml}, headers=headers
    )
    assert refused.status_code == 403
    with session_factory() as session:
        versions = session.scalars(
            select(WorkflowSpec.version).where(WorkflowSpec.process_id == "tdkt_registration")
        ).all()
        assert versions == [1]


def test_a_dmn_table_of_the_version_is_checked_and_refused_with_its_cell(
    client: FlaskClient, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        spec = specs.latest_spec(session, "tdkt_nomination")
        assert spec is not None
        spec_id, xml = spec.id, spec.sources["routing.dmn"]
    sign_in(client, procedure.user("admin"))
    headers = {"X-CSRFToken": csrf_token(client)}
    page = client.get(f"/admin/versions/{spec_id}/modeler?file=routing.dmn").get_data(as_text=True)
    assert "dmn-modeler.production.min.js" in page
    assert 'data-kind="dmn"' in page
    assert client.get(f"/admin/versions/{spec_id}/modeler?file=nope.dmn").status_code == 404
    bad = xml.replace("<text>20</text>", "<text>20 +</text>")
    found = client.post(
        f"/admin/versions/{spec_id}/modeler/check",
        json={"xml": bad, "file": "routing.dmn"},
        headers=headers,
    ).get_json()
    assert found["error"]["file"] == "routing.dmn"
    assert found["error"]["element"] == "routing_rule_2_out_1"


@pytest.fixture
def ticking_world(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory, tick=True) as built:
        yield built


def _edit_label(page: Any, element_id: str, text: str, *, lane: bool = False) -> None:
    shape = page.locator(f'g.djs-element[data-element-id="{element_id}"]')
    if lane:
        # The lane's own label strip sits under the palette: double-click its empty top right.
        box = shape.bounding_box()
        page.mouse.dblclick(box["x"] + box["width"] - 25, box["y"] + 8)
    else:
        shape.dblclick()
    editor = page.locator(".djs-direct-editing-parent")
    editor.wait_for(state="visible")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    # Clicking the empty canvas ends direct editing and applies the new name.
    page.locator(".modeler-canvas svg").first.click(position={"x": 5, "y": 5})
    editor.wait_for(state="hidden")


@pytest.mark.browser
def test_an_administrator_renames_a_task_in_the_modeler_and_deploys_a_new_version(
    app: Flask, ticking_world: Procedure, session_factory: sessionmaker[Session]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    spec = _registration(session_factory)
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            log_in(page, base, "admin", home=None)
            page.goto(f"{base}/admin/versions/{spec.id}")
            page.click("#open-modeler")
            expect(page.locator("#modeler")).to_have_attribute("data-modeler-ready", "1")

            # A lane renamed to a name nobody mapped: refused, and marked on its first task.
            _edit_label(page, "lane_tdkt_registration_unit_clerk", "Ban thi đua", lane=True)
            page.click("#modeler-check")
            expect(page.locator("#modeler-report .form-errors")).to_contain_text(
                "lane 'Ban thi đua' is neither a role nor mapped to one"
            )
            expect(
                page.locator('g.djs-element.modeler-error[data-element-id="submit_registration"]')
            ).to_have_count(1)
            page.screenshot(path=str(ARTIFACTS / "modeler-refused.png"), full_page=True)

            # Start again from the deployed version, rename the task, check and deploy.
            page.reload()
            expect(page.locator("#modeler")).to_have_attribute("data-modeler-ready", "1")
            _edit_label(page, "submit_registration", "Gửi danh sách đăng ký")
            page.click("#modeler-check")
            expect(page.locator("#modeler-report")).to_contain_text("Kiểm tra đạt")
            page.click("#modeler-deploy")
            expect(page.locator("h1")).to_contain_text("Đăng ký thi đua của đơn vị · phiên bản 2")
            page.screenshot(path=str(ARTIFACTS / "modeler-deployed.png"), full_page=True)
            page.click("a.btn--link:has-text('Phiên bản quy trình')")
            row = page.locator("table tbody tr", has_text="tdkt_registration").first
            expect(row).to_contain_text("hiện hành")
            expect(row.locator("td.num a")).to_have_text("2")
        finally:
            browser.close()
    assert errors == []
    latest = _registration(session_factory)
    assert latest.id != spec.id
    assert latest.version == 2
    assert 'name="Gửi danh sách đăng ký"' in latest.sources["tdkt_registration.bpmn"]
    assert TASK not in latest.sources["tdkt_registration.bpmn"]


@pytest.mark.browser
def test_an_administrator_edits_a_dmn_cell_in_the_modeler_and_deploys_it(
    app: Flask, ticking_world: Procedure, session_factory: sessionmaker[Session]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with session_factory() as session:
        spec = specs.latest_spec(session, "tdkt_nomination")
        assert spec is not None
        spec_id = spec.id
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            log_in(page, base, "admin", home=None)
            page.goto(f"{base}/admin/versions/{spec_id}/modeler")
            page.click("a:has-text('routing.dmn')")
            expect(page.locator("#modeler")).to_have_attribute("data-modeler-ready", "1")
            cell = page.locator('td[data-element-id="routing_rule_2_out_1"] [contenteditable]')
            cell.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("25")
            page.locator("h1").click()
            page.click("#modeler-check")
            expect(page.locator("#modeler-report")).to_contain_text("Kiểm tra đạt")
            page.click("#modeler-deploy")
            expect(page.locator("h1")).to_contain_text("Hồ sơ đề nghị khen thưởng · phiên bản 2")
            page.screenshot(path=str(ARTIFACTS / "modeler-dmn-deployed.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    with session_factory() as session:
        latest = specs.latest_spec(session, "tdkt_nomination")
        assert latest is not None
        assert latest.version == 2
        assert "<text>25</text>" in latest.sources["routing.dmn"]


@pytest.mark.browser
def test_a_clerk_starts_a_camunda_process_from_the_start_page_and_the_head_acts_on_it(
    app: Flask, ticking_world: Procedure, session_factory: sessionmaker[Session]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    example = Path(__file__).parents[2] / "workflows" / "examples" / "camunda7_giay_khen.bpmn"
    with session_factory() as session:
        operations.deploy(session, [example])
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:

            def login(username: str) -> Any:
                page = browser.new_context(locale="vi-VN").new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                return log_in(page, base, username)

            clerk = login("vanthu.qlkh")
            clerk.click("a.nav-link:has-text('Khởi tạo quy trình')")
            clerk.click("a.btn:has-text('Khởi tạo')")
            expect(clerk.locator("#f-so_nam_cong_tac")).to_have_value("1")
            expect(clerk.locator("#f-can_cu")).to_be_disabled()
            clerk.fill("#f-ho_ten", "Hoàng Văn Nam")
            clerk.fill("#f-so_nam_cong_tac", "3")
            clerk.click("button:has-text('Khởi tạo')")
            expect(clerk.locator(".flash--success")).to_contain_text("Đã khởi tạo")
            clerk.screenshot(path=str(ARTIFACTS / "start-page-started.png"), full_page=True)

            head = login("truongphong.qlkh")
            head.click("a.nav-link:has-text('Việc của nhóm')")
            row = head.locator("#inbox tbody tr", has_text="Trưởng đơn vị xét duyệt").first
            row.locator("button:has-text('Nhận và xử lý'), a:has-text('Xử lý')").first.click()
            expect(head.locator("h1")).to_have_text("Trưởng đơn vị xét duyệt")
            head.check("#f-approved")
            head.fill("#f-nhan_xet", "Đồng ý đề nghị")
            head.click("button:has-text('Hoàn thành')")
            expect(head.locator(".flash--success")).to_contain_text("Đã hoàn thành")
        finally:
            browser.close()
    assert errors == []
    with session_factory() as session:
        open_steps = session.scalars(
            select(HumanTask.element_id).where(HumanTask.status == "ready")
        ).all()
        assert "Activity_0g7h8j9" in open_steps
