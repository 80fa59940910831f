"""A reviewer in Debian's chromium: log in, inbox, task page, dossier page with its diagram.

The five-role scenario (clerk → unit head → secretariat → council → director, ending awarded)
needs the engine and the procedure; it will use the same live_server helper after they merge.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.factories import PASSWORD
from tests.web.conftest import World
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server


@pytest.mark.browser
def test_reviewer_logs_in_opens_a_task_and_sees_the_dossier_diagram(
    app: Flask, world: World
) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "console",
                lambda msg: errors.append(msg.text) if msg.type == "error" else None,
            )
            page.goto(f"{base}/login")
            page.fill("#username", "head_a")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("Việc của tôi")

            page.click("a.nav-link:has-text('Việc của nhóm')")
            row = page.locator("#inbox tbody tr")
            expect(row).to_have_count(1)
            expect(row).to_contain_text("Nguyễn Văn Hùng")
            page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)

            row.locator("a:has-text('Xử lý')").click()
            expect(page.locator("h1")).to_have_text("Bình xét tại đơn vị")
            expect(page.locator("#f-decision")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "task.png"), full_page=True)

            page.click("a:has-text('Xem hồ sơ')")
            expect(page.locator("#nominee-name")).to_have_text("Nguyễn Văn Hùng")
            expect(page.locator(".djs-element.bpmn-current")).to_have_count(1)
            marked = "els => els.map(e => e.dataset.elementId)"
            current = page.eval_on_selector_all(".djs-element.bpmn-current", marked)
            completed = page.eval_on_selector_all(".djs-element.bpmn-completed", marked)
            assert current == ["unit_review"]
            assert completed == ["prepare"]
            page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
