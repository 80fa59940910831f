"""Issue 15 in Debian's chromium: the documents page downloads a Tờ trình with exactly the
province's dossiers (defects 5, 6); "#2" in the duplicate-dossier error is a link; "Rút hồ sơ" is
folded away and asks before it acts; the log-in list's "Thư ký Hội đồng" is the minutes'
secretary (defect 16)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.documents.context import minutes_context
from engine.models import CouncilMember, User
from tests.common.decided import decided_dossiers
from tests.common.procedure import Procedure, deployed
from tests.documents.test_documents import docx_text
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in


@pytest.fixture
def ticking(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory, tick=True) as built:
        yield built


def _login(browser: Any, base: str, username: str, errors: list[str]) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return log_in(page, base, username)


@pytest.mark.browser
def test_documents_duplicate_link_withdraw_and_secretary_in_chromium(
    app: Flask, ticking: Procedure, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    world = ticking
    decided = decided_dossiers(world)
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # The log-in list names the council term's secretary "Thư ký Hội đồng", as the
            # minutes do.
            anonymous = browser.new_page()
            anonymous.goto(f"{base}/login")
            row = anonymous.locator(".demo-accounts tr", has_text="Thư ký Hội đồng")
            expect(row).to_have_count(1)
            with world.factory() as session:
                minutes = minutes_context(session, decided.session_id, {})
                secretary = session.scalars(
                    select(User.full_name)
                    .join(CouncilMember, CouncilMember.user_id == User.id)
                    .where(CouncilMember.position == "secretary")
                ).one()
            assert minutes["secretary"] == secretary
            expect(row).to_contain_text(secretary)

            # The secretariat downloads the Tờ trình: only the province's dossier is in it,
            # and the number typed with its suffix is printed once.
            thuky = _login(browser, base, "thuky", errors)
            thuky.goto(f"{base}/documents/")
            expect(thuky.locator("#f-stage")).to_have_count(0)
            thuky.select_option("#f-kind", "submission")
            thuky.select_option("#f-scope", "province")
            thuky.fill("#f-number", "1/TTr-SKHCN")
            thuky.screenshot(path=str(ARTIFACTS / "issue15-documents.png"), full_page=True)
            with thuky.expect_download() as download:
                thuky.click("button:has-text('Tạo văn bản')")
            path = tmp_path / "to-trinh.docx"
            download.value.save_as(path)
            text = docx_text(path.read_bytes())
            assert "khen thưởng cho 0 tập thể và 1 cá nhân" in text
            assert "Số: 1/TTr-SKHCN" in text
            assert "/TTr-SKHCN/TTr-SKHCN" not in text
            # A suffix of another document is refused with a message, nothing downloaded.
            thuky.fill("#f-number", "1/QĐ-SKHCN")
            thuky.click("button:has-text('Tạo văn bản')")
            expect(thuky.locator(".flash--error")).to_contain_text("chỉ ghi số")

            # The clerk files a second dossier for a nominee who has one: "#N" links to it.
            clerk = _login(browser, base, "vanthu.qlkh", errors)
            clerk.goto(f"{base}/dossiers/new")
            clerk.select_option("#f-title_code", "LDTT")
            nominee = world.dossier(decided.preparing).nominee_name
            clerk.select_option("#f-nominee", label=f"{nominee} — Chuyên viên")
            clerk.fill("#f-achievements", "Hoàn thành xuất sắc nhiệm vụ.")
            clerk.click("button:has-text('Lập hồ sơ')")
            link = clerk.locator("#filing-error a#duplicate-link")
            expect(link).to_have_text(f"#{decided.preparing}")
            link.click()
            expect(clerk.locator("#nominee-name")).to_have_text(nominee)

            # "Rút hồ sơ" is folded away, not a big red button; it asks before it acts.
            withdraw = clerk.locator("#withdraw-form button[type=submit]")
            expect(withdraw).to_be_hidden()
            assert "btn--danger" not in (withdraw.get_attribute("class") or "")
            clerk.screenshot(path=str(ARTIFACTS / "issue15-dossier.png"), full_page=True)
            clerk.click("#withdraw summary")
            clerk.fill("#withdraw-reason", "Lập nhầm")
            clerk.once("dialog", lambda dialog: dialog.dismiss())
            withdraw.click()
            expect(clerk.locator("#dossier-status")).not_to_have_text("Đã rút")
            assert world.dossier(decided.preparing).status == "active"
            clerk.once("dialog", lambda dialog: dialog.accept())
            withdraw.click()
            expect(clerk.locator("#dossier-status")).to_have_text("Đã rút")
        finally:
            browser.close()
    assert errors == []


@pytest.mark.browser
def test_saved_filter_due_this_week_and_reassign_in_chromium(
    app: Flask, ticking: Procedure
) -> None:
    from playwright.sync_api import expect, sync_playwright

    world = ticking
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(dossier_id)
    world.unit_review(dossier_id)
    assert world.ready(dossier_id) == ["completeness_check"]
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            thuky = _login(browser, base, "thuky", errors)
            thuky.on("dialog", lambda dialog: dialog.accept())
            thuky.click("a.nav-link:has-text('Việc của nhóm')")
            # "Due this week" (working days), then saved under a name, picked, deleted.
            thuky.select_option("#flt-due", "week")
            thuky.click("form.filters button:has-text('Lọc')")
            # Its check is due in 5 working days (next Tuesday): not this week.
            expect(thuky.locator("#inbox tbody tr", has_text=f"#{dossier_id}")).to_have_count(0)
            thuky.fill("#save-filter-name", "Trong tuần")
            thuky.click("#save-filter button")
            expect(thuky.locator(".flash--success")).to_contain_text("Trong tuần")
            thuky.goto(f"{base}/tasks/group")
            expect(thuky.locator("#flt-due")).to_have_value("")
            thuky.click("#saved-filters a:has-text('Trong tuần')")
            expect(thuky.locator("#flt-due")).to_have_value("week")
            thuky.click("#saved-filters button")
            expect(thuky.locator("#saved-filters")).to_have_count(0)
            thuky.goto(f"{base}/tasks/group")
            thuky.screenshot(path=str(ARTIFACTS / "issue15-group-inbox.png"), full_page=True)
            # Hand the completeness check to the other member of the secretariat.
            row = thuky.locator("#inbox tbody tr", has_text=f"#{dossier_id}")
            row.locator("select").select_option(label="Bế Minh Tuấn")
            row.locator("button:has-text('Giao')").click()
            expect(thuky.locator(".flash--success")).to_contain_text("Bế Minh Tuấn")
            row = thuky.locator("#inbox tbody tr", has_text=f"#{dossier_id}")
            expect(row.locator("td.assignee")).to_contain_text("Bế Minh Tuấn")
        finally:
            browser.close()
    assert errors == []
    task = world.open_task("completeness_check", dossier_id)
    assert task.assignee_id == world.user("chanhvanphong").id
