"""Issue 15: one dossier from filing to the director's decision in Debian's chromium, every step
clicked as a person would, without touching the database: a return whose reason the clerk
sees, the re-submission, completeness, the posting period ending by its timer (the only thing
the test does besides clicking: it moves the clock and runs the timer sweep, as the beat does),
a council session with one member marked absent by name and their written ballot, and the
director's decision. Screenshots go to test-artifacts/journey-*.png.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from engine.demo import COUNCIL, DEMO_ACCOUNTS
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

__all__ = ["ticking_world"]

NOMINEE = "Lục Thu Hà"
NAMES = {a.username: a.full_name for a in DEMO_ACCOUNTS}
ABSENT = COUNCIL[-1][0]
REASON = "Thiếu biên bản họp bình xét và bảng tổng hợp phiếu của đơn vị"


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def _claim_and_open(page: Any, text: str) -> None:
    """Claim the first group task whose row shows ``text`` and open it, in one click."""
    page.click("a.nav-link:has-text('Việc của nhóm')")
    row = page.locator("#inbox tbody tr", has_text=text).first
    row.locator("button:has-text('Nhận và xử lý')").click()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_dossier_from_filing_to_the_directors_decision_without_dead_ends(
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

            # The clerk files and prepares the dossier.
            clerk = roles.login("vanthu.qlkh")
            clerk.click("a.nav-link:has-text('Hồ sơ')")
            clerk.click("#file-dossier")
            clerk.select_option("#f-title_code", "LDTT")
            clerk.select_option("#f-nominee", label=f"{NOMINEE} — Chuyên viên")
            clerk.fill("#f-achievements", "Hoàn thành xuất sắc nhiệm vụ năm 2026.")
            clerk.click("button:has-text('Lập hồ sơ')")
            expect(clerk.locator("#nominee-name")).to_have_text(NOMINEE)
            dossier_url = clerk.url
            dossier_id = clerk.url.rsplit("/", 1)[1]
            clerk.click("a.btn:has-text('Xử lý')")
            clerk.fill("#f-achievement_report", "Báo cáo thành tích năm 2026")
            clerk.click("button:has-text('Hoàn thành')")
            expect(clerk.locator(".flash--success")).to_contain_text("Đã hoàn thành")

            # The unit head claims it from the group inbox in one click and returns it.
            head = roles.login("truongphong.qlkh")
            _claim_and_open(head, NOMINEE)
            expect(head.locator("h1")).to_have_text("Bình xét tại đơn vị")
            head.select_option("#f-unit_decision", "return")
            head.fill("#f-unit_reason", REASON)
            head.click("button:has-text('Hoàn thành')")
            expect(head.locator(".flash--success")).to_be_visible()

            # The clerk sees who returned it, when and why, with the form as sent before.
            _claim_and_open(clerk, NOMINEE)
            notice = clerk.locator("#returned-notice")
            expect(notice).to_contain_text(NAMES["truongphong.qlkh"])
            expect(notice).to_contain_text("Bình xét tại đơn vị")
            expect(clerk.locator("#returned-reason")).to_have_text(REASON)
            expect(clerk.locator("#f-achievement_report")).to_have_value(
                "Báo cáo thành tích năm 2026"
            )
            expect(clerk.locator("#story")).to_contain_text(REASON)
            _shot(clerk, "returned-task")
            clerk.fill("#f-attachments_note", "Biên bản họp bình xét số 05/BB-QLKH")
            clerk.click("button:has-text('Hoàn thành')")
            expect(clerk.locator(".flash--success")).to_be_visible()
            # The "returned" notice names the dossier.
            clerk.goto(f"{base}/notifications")
            returned = clerk.locator("tr", has_text="Trả lại hồ sơ").first
            expect(returned).to_contain_text(f"(#{dossier_id})")

            # The head approves this time.
            _claim_and_open(head, NOMINEE)
            expect(head.locator("#story")).to_contain_text("Trả lại để bổ sung, chỉnh sửa")
            # The decision and its reason are made afresh, not prefilled from the return.
            expect(head.locator("#f-unit_decision")).to_have_value("")
            expect(head.locator("#f-unit_reason")).to_have_value("")
            head.select_option("#f-unit_decision", "approve")
            head.fill("#f-unit_minutes_no", "05/BB-QLKH")
            head.click("button:has-text('Hoàn thành')")
            expect(head.locator(".flash--success")).to_be_visible()

            # The secretariat accepts it and is offered the posting at once: a period, not a form.
            secretariat = roles.login("thuky")
            _claim_and_open(secretariat, NOMINEE)
            expect(secretariat.locator("h1")).to_have_text("Thẩm định hồ sơ")
            secretariat.select_option("#f-completeness_decision", "accept")
            secretariat.click("button:has-text('Hoàn thành')")
            offer = secretariat.locator("#following [data-next-task]")
            expect(offer).to_contain_text(f"— #{dossier_id}")
            offer.click()
            expect(secretariat.locator("#period")).to_contain_text("Đang công khai đến hết ngày")
            expect(secretariat.locator("button:has-text('Hoàn thành')")).to_have_count(0)
            _shot(secretariat, "posting-period")

            # The posting period passes: the beat's timer sweep ends it.
            world.clock.move_to(START + timedelta(days=30))
            assert operations.fire_due_timers(world.factory, datetime.now(UTC)) == 1

            # The secretariat opens a council session; the opening lists dossiers and members.
            secretariat.click("a.nav-link:has-text('Phiên họp Hội đồng')")
            expect(secretariat.locator("#council-dossiers tbody tr")).to_have_count(1)
            secretariat.fill("#f-meeting_date", "2026-12-28")
            secretariat.click("button:has-text('Mở phiên họp')")
            expect(secretariat.locator("h1")).to_have_text("Khai mạc phiên họp, điểm danh")
            expect(secretariat.locator("#council-context")).to_contain_text("28/12/2026")
            expect(secretariat.locator("#council-dossiers")).to_contain_text(NOMINEE)
            expect(secretariat.locator("#council-members li")).to_have_count(len(COUNCIL))
            expect(secretariat.locator("#f-meeting_date")).to_have_count(0)
            secretariat.fill("#f-meeting_place", "Phòng họp Sở")
            secretariat.fill("#f-chair_name", NAMES["giamdoc"])
            secretariat.locator("#f-absent_member_ids").get_by_label(NAMES[ABSENT]).check()
            _shot(secretariat, "open-session")
            secretariat.click("button:has-text('Hoàn thành')")
            expect(secretariat.locator(".flash--success")).to_be_visible()

            # The members present vote on their ballot pages.
            for username, _position in COUNCIL:
                if username == ABSENT:
                    continue
                member = roles.login(username)
                member.click("a.nav-link:has-text('Việc của tôi')")
                row = member.locator("#inbox tbody tr", has_text="Bỏ phiếu kín").first
                expect(row).to_contain_text("Phiên họp Hội đồng ngày 28/12/2026")
                row.locator("a:has-text('Xử lý')").click()
                member.check(f"tr[data-dossier-id='{dossier_id}'] input[value=agree]")
                member.click("button:has-text('Gửi phiếu')")
                expect(member.locator(".flash--success")).to_contain_text("Đã gửi phiếu bầu")
                member.context.close()

            # The secretariat enters the absent member's written ballot.
            _claim_and_open(secretariat, NAMES[ABSENT])
            expect(secretariat.locator("#ballot-subject")).to_contain_text(NAMES[ABSENT])
            secretariat.check(f"tr[data-dossier-id='{dossier_id}'] input[value=agree]")
            secretariat.click("button:has-text('Gửi phiếu')")
            expect(secretariat.locator(".flash--success")).to_be_visible()

            # The director decides.
            director = roles.login("giamdoc")
            _claim_and_open(director, NOMINEE)
            expect(director.locator("#story")).to_contain_text("Nhận kết quả / thông báo")
            director.fill("#f-decision_no", "120/QĐ-SKHCN")
            director.fill("#f-decision_date", "2026-12-30")
            director.click("button:has-text('Hoàn thành')")
            expect(director.locator(".flash--success")).to_be_visible()

            # The dossier tells the whole story.
            clerk.goto(dossier_url)
            expect(clerk.locator("[data-status=awarded]")).to_have_text("Đã khen thưởng")
            expect(clerk.locator("#council-result")).to_contain_text("7 đồng ý")
            expect(clerk.locator("#council-result")).to_contain_text("(28/12/2026)")
            history = clerk.locator("section[aria-labelledby=dossier-timeline] .timeline")
            expect(history).to_contain_text(REASON)
            expect(history).to_contain_text("Nhận kết quả / thông báo — Hệ thống")
            _shot(clerk, "dossier-awarded")
        finally:
            browser.close()
    assert errors == []
