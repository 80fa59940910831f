"""An administrator imports the agency's units in Debian's chromium: upload, the worker's diff
on the page, apply."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.imports import run_import_job
from engine.models import ImportJob, OrgUnit
from tests.common import agency, people
from tests.common.base import PASSWORD
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in
from web.admin import imports as import_views


def test_an_administrator_uploads_previews_and_applies_an_import(
    app: Flask,
    session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    with session_factory() as s, s.begin():
        people.user(s, "quantri", roles=("admin",))
    sent: list[int] = []
    monkeypatch.setattr(import_views, "_enqueue", sent.append)  # the test is the worker
    name, content = agency.build().files["units"]
    path = ARTIFACTS / name
    path.write_bytes(content)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(locale="vi-VN")
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            log_in(page, base, "quantri", PASSWORD, home=None)
            page.goto(f"{base}/admin/imports")
            page.select_option("#f-kind", "units")
            page.set_input_files("#f-file", str(path))
            page.click("button:has-text('Tải lên và xem trước')")
            expect(page.locator("[data-status=queued]")).to_be_visible()
            run_import_job(session_factory, sent[-1])
            # The page polls the job and shows the worker's diff without a reload.
            expect(page.locator("#import-counts")).to_contain_text("Mới: 6")
            expect(page.locator("#import-diff tr[data-status=new]")).to_have_count(6)
            page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)
            page.click("button:has-text('Áp dụng các thay đổi')")
            run_import_job(session_factory, sent[-1])
            page.reload()
            expect(page.locator("[data-status=applied]")).to_be_visible()
        finally:
            browser.close()
    assert errors == []
    with session_factory() as s:
        assert s.scalar(select(func.count(OrgUnit.id))) == 6
        job = s.get(ImportJob, sent[-1])
        assert job is not None
        assert job.status == "applied"


def test_the_director_uploads_an_award_file_follows_it_and_confirms(
    app: Flask,
    session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The managers' award-history page runs the same job: upload, the worker's row-by-row
    report on the page (polled, no reload), confirm, then the awards in the look-up."""
    from openpyxl import Workbook
    from playwright.sync_api import expect, sync_playwright

    from engine.models import AwardRecord

    ARTIFACTS.mkdir(exist_ok=True)
    with session_factory() as s, s.begin():
        people.user(s, "giamdoc2", roles=("director",))
    sent: list[int] = []
    monkeypatch.setattr(import_views, "_enqueue", sent.append)  # the test is the worker
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ tên / Tên tập thể", "Loại", "Danh hiệu", "Năm", "Số quyết định"])
    sheet.append(["Hoàng Văn Páo", "cá nhân", "Chiến sĩ thi đua cơ sở", 2023, "125/QĐ-SKHCN"])
    sheet.append(["Nông Thị Lan", "cá nhân", "LDTT", 2023, "125/QĐ-SKHCN"])
    sheet.append(["", "cá nhân", "LDTT", 2023, ""])
    path = ARTIFACTS / "khen-thuong.xlsx"
    book.save(path)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(locale="vi-VN")
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            log_in(page, base, "giamdoc2", PASSWORD, home=None)
            page.goto(f"{base}/awards/")
            page.click("a:has-text('Nhập dữ liệu')")
            page.set_input_files("#f-file", str(path))
            page.check("#f-partial")
            page.click("button:has-text('Tải lên và kiểm tra')")
            page.wait_for_url(f"**/awards/import/{sent[-1]}")
            expect(page.locator("[data-status=queued]")).to_be_visible()
            run_import_job(session_factory, sent[-1])
            # The page polls the job and shows the worker's report without a reload.
            expect(page.locator("#import-counts")).to_contain_text("Mới: 2")
            expect(page.locator("#import-diff tr[data-status=new]")).to_have_count(2)
            expect(page.locator("#import-diff tr[data-status=invalid]")).to_contain_text(
                "thiếu họ tên"
            )
            page.screenshot(path=str(ARTIFACTS / "award-import-preview.png"), full_page=True)
            page.click("button:has-text('Áp dụng các thay đổi')")
            run_import_job(session_factory, sent[-1])
            page.reload()
            expect(page.locator("[data-status=applied]")).to_be_visible()
            page.click("#import-after a")
            page.fill("input[name=q]", "hoang van pao")
            page.keyboard.press("Enter")
            expect(page.locator("main")).to_contain_text("Hoàng Văn Páo")
            expect(page.locator("main")).to_contain_text("Chiến sĩ thi đua cơ sở")
            page.goto(f"{base}/awards/import")
            expect(page.locator(f"#award-import-jobs tr[data-job='{sent[-1]}']")).to_be_visible()
        finally:
            browser.close()
    assert errors == []
    with session_factory() as s:
        assert s.scalar(select(func.count(AwardRecord.id))) == 2
