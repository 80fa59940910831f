"""The whole procedure in Debian's chromium, each role logging in through the real log-in form:
a clerk files and prepares a dossier, the unit head approves it, the secretariat accepts it, the
posting period passes, the secretariat opens a council session, all seven members vote on their
ballot pages, the director decides, and the dossier page shows it awarded.

Screenshots of every step are kept in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from engine.demo import COUNCIL
from engine.workflow import operations
from tests.common.procedure import START, Procedure
from tests.web.live_server import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Roles,
    live_server,
    ticking_world,
)

# Roles and ticking_world live in tests.web.live_server; still importable from here.
__all__ = ["Roles", "ticking_world"]

NOMINEE = "Lục Thu Hà"


def _open_task(page: Any, box: str, name: str) -> None:
    """Open the first task called ``name`` from an inbox."""
    page.click(f"a.nav-link:has-text('{box}')")
    row = page.locator("#inbox tbody tr", has_text=name).first
    # A group task is claimed and opened in one click; one's own is opened.
    row.locator("button:has-text('Nhận và xử lý'), a:has-text('Xử lý')").first.click()


@pytest.mark.browser
def test_a_dossier_goes_from_the_clerk_to_the_directors_award(
    app: Flask, ticking_world: Procedure
) -> None:
    from playwright.sync_api import expect, sync_playwright

    world = ticking_world
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            roles = Roles(browser, base, errors)

            # The unit clerk files the dossier, then prepares it.
            clerk = roles.login("vanthu.qlkh")
            clerk.click("a.nav-link:has-text('Hồ sơ')")
            clerk.click("#file-dossier")
            clerk.select_option("#f-title_code", "LDTT")
            clerk.select_option("#f-nominee", label=f"{NOMINEE} — Chuyên viên")
            clerk.fill("#f-achievements", "Hoàn thành xuất sắc nhiệm vụ năm 2026.")
            roles.shot(clerk, "file-dossier")
            clerk.click("button:has-text('Lập hồ sơ')")
            expect(clerk.locator("#nominee-name")).to_have_text(NOMINEE)
            dossier_url = clerk.url
            dossier_id = int(dossier_url.rsplit("/", 1)[1])
            clerk.click("a.btn:has-text('Xử lý')")
            expect(clerk.locator("h1")).to_have_text("Chuẩn bị hồ sơ đề nghị")
            clerk.fill("#f-achievement_report", "Báo cáo thành tích năm 2026")
            roles.shot(clerk, "prepare-dossier")
            clerk.click("button:has-text('Hoàn thành')")
            expect(clerk.locator(".flash--success")).to_contain_text("Đã hoàn thành")
            assert world.ready(dossier_id) == ["unit_review"]

            # The unit head approves it.
            head = roles.login("truongphong.qlkh")
            _open_task(head, "Việc của nhóm", NOMINEE)
            expect(head.locator("h1")).to_have_text("Bình xét tại đơn vị")
            head.select_option("#f-unit_decision", "approve")
            head.fill("#f-unit_minutes_no", "05/BB-QLKH")
            head.fill("#f-unit_meeting_date", "2026-11-25")
            roles.shot(head, "unit-review")
            head.click("button:has-text('Hoàn thành')")
            expect(head.locator(".flash--success")).to_be_visible()

            # The secretariat finds it complete.
            secretariat = roles.login("thuky")
            _open_task(secretariat, "Việc của nhóm", NOMINEE)
            secretariat.select_option("#f-completeness_decision", "accept")
            roles.shot(secretariat, "completeness-check")
            secretariat.click("button:has-text('Hoàn thành')")
            expect(secretariat.locator(".flash--success")).to_be_visible()
            assert world.ready(dossier_id) == ["posting"]

            # The posting period passes; the timer sweep moves the dossier to the council.
            world.clock.move_to(START + timedelta(days=30))
            assert operations.fire_due_timers(world.factory, datetime.now(UTC)) == 1

            # The secretariat opens the session and fills its first step.
            secretariat.click("a.nav-link:has-text('Phiên họp Hội đồng')")
            expect(secretariat.locator("#council-dossiers tbody tr")).to_have_count(1)
            secretariat.fill("#f-meeting_date", "2026-12-28")
            roles.shot(secretariat, "council-session")
            secretariat.click("button:has-text('Mở phiên họp')")
            expect(secretariat.locator("h1")).to_have_text("Khai mạc phiên họp, điểm danh")
            secretariat.fill("#f-meeting_place", "Phòng họp Sở")
            secretariat.fill("#f-chair_name", "Nông Văn Thắng")
            roles.shot(secretariat, "open-session")
            secretariat.click("button:has-text('Hoàn thành')")
            expect(secretariat.locator(".flash--success")).to_be_visible()

            # Every member votes on their own ballot page.
            for username, _position in COUNCIL:
                member = roles.login(username)
                _open_task(member, "Việc của tôi", "Bỏ phiếu kín")
                expect(member.locator("#ballot-sheet tbody tr")).to_have_count(1)
                member.check(f"tr[data-dossier-id='{dossier_id}'] input[value=agree]")
                if username == "giamdoc":
                    roles.shot(member, "ballot")
                member.click("button:has-text('Gửi phiếu')")
                expect(member.locator(".flash--success")).to_contain_text("Đã gửi phiếu bầu")
                member.context.close()
            assert world.ready(dossier_id) == ["director_decision"]

            # The director decides.
            director = roles.login("giamdoc")
            _open_task(director, "Việc của nhóm", NOMINEE)
            director.fill("#f-decision_no", "120/QĐ-SKHCN")
            director.fill("#f-decision_date", "2026-12-30")
            roles.shot(director, "director-decision")
            director.click("button:has-text('Hoàn thành')")
            expect(director.locator(".flash--success")).to_be_visible()

            # The dossier page shows the award, the council's counts and the diagram.
            clerk.goto(dossier_url)
            expect(clerk.locator("[data-status=awarded]")).to_have_text("Đã khen thưởng")
            expect(clerk.locator("#decision")).to_have_text("120/QĐ-SKHCN — 30/12/2026")
            expect(clerk.locator("#council-result")).to_contain_text("7 đồng ý, 0 không đồng ý")
            expect(clerk.locator(".djs-element.bpmn-completed").first).to_be_visible()
            roles.shot(clerk, "dossier-awarded")
        finally:
            browser.close()
    assert errors == []
