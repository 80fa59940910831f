"""Issue 15, on a phone: the filter bar of the inboxes and the dossier list folds behind its
"Bộ lọc" toggle (a <details>), so the first task is on the first screen without scrolling;
opening it shows the filters, filtering works and leaves it open with the count of the active
filters, and a filter can still be saved. At 1366 px the filters are shown as before, no toggle.
Screenshots go to test-artifacts/filter-bar-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from engine.demo import DEMO_PASSWORD
from tests.common.procedure import Procedure
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server

PHONE = {"width": 375, "height": 667}
LAPTOP = {"width": 1366, "height": 768}


def _log_in(browser: Any, base: str, username: str, viewport: dict[str, int]) -> Any:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    return page


def _in_first_screen(page: Any, selector: str) -> bool:
    """Whether the element's top edge is inside the window with the page not scrolled."""
    return bool(
        page.evaluate(
            """s => { window.scrollTo(0, 0);
                      const r = document.querySelector(s).getBoundingClientRect();
                      return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; }""",
            selector,
        )
    )


@pytest.mark.browser
def test_the_filter_bar_folds_on_a_phone_and_stays_open_on_a_laptop(
    app: Flask, busy_agency: Procedure
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            phone = _log_in(browser, base, "thuky", PHONE)
            phone.goto(f"{base}/tasks/group")
            bar, toggle = phone.locator("#filter-bar"), phone.locator("#filter-bar-toggle")
            phone.screenshot(path=str(ARTIFACTS / "filter-bar-inbox-375.png"))
            expect(toggle).to_be_visible()
            expect(toggle).to_have_text("Bộ lọc")
            expect(bar).not_to_have_attribute("open", "")
            expect(phone.locator("#flt-q")).to_be_hidden()
            # The first task card is on the first screen: its dossier and nominee.
            first = "#inbox tbody tr:first-child"
            assert _in_first_screen(phone, first), "the first task is below the first screen"
            assert _in_first_screen(phone, f"{first} td:nth-child(3)")
            rows = phone.locator("#inbox tbody tr").count()
            assert rows > 1

            # Opened, it shows the filters; filtering works and keeps it open with its count.
            toggle.click()
            expect(phone.locator("#flt-q")).to_be_visible()
            expect(phone.locator("#flt-stage")).to_be_visible()
            phone.screenshot(path=str(ARTIFACTS / "filter-bar-open-375.png"), full_page=True)
            phone.select_option("#flt-stage", "completeness")
            phone.click("form.filters button:has-text('Lọc')")
            expect(phone.locator("#flt-stage")).to_have_value("completeness")
            expect(bar).to_have_attribute("open", "")
            expect(toggle).to_contain_text("(1 đang áp dụng)")
            expect(phone.locator("#flt-q")).to_be_visible()
            filtered = phone.locator("#inbox tbody tr")
            assert 0 < filtered.count() < rows
            for text in filtered.all_inner_texts():
                assert "Thẩm định hồ sơ" in text
            # The active filter can be saved from the phone, and picked again.
            phone.fill("#save-filter-name", "Thẩm định")
            phone.click("#save-filter button")
            expect(phone.locator(".flash--success")).to_contain_text("Thẩm định")
            phone.goto(f"{base}/tasks/group")
            expect(bar).not_to_have_attribute("open", "")
            toggle.click()
            phone.click("#saved-filters a:has-text('Thẩm định')")
            expect(phone.locator("#flt-stage")).to_have_value("completeness")
            phone.screenshot(path=str(ARTIFACTS / "filter-bar-filtered-375.png"), full_page=True)

            # The dossier list folds the same way; its first row is on the first screen.
            phone.goto(f"{base}/dossiers")
            expect(phone.locator("#filter-bar")).not_to_have_attribute("open", "")
            expect(phone.locator("#flt-q")).to_be_hidden()
            assert _in_first_screen(phone, "main table tbody tr:first-child")
            phone.screenshot(path=str(ARTIFACTS / "filter-bar-dossiers-375.png"))

            # The first card's primary action is on the first screen, before the reassign
            # controls (also in the keyboard's order), and works from the keyboard: it claims
            # the task and opens it.
            phone.goto(f"{base}/tasks/group")
            claim = f"{first} [data-claim-open]"
            expect(phone.locator(claim)).to_have_text("Nhận và xử lý")
            assert phone.locator(f"{first} .reassign select").count() == 1, "no reassign shown"
            phone.screenshot(path=str(ARTIFACTS / "filter-bar-claim-375.png"))
            assert _in_first_screen(phone, claim), "«Nhận và xử lý» is below the first screen"
            assert phone.evaluate(
                """s => { const b = document.querySelector(s + ' [data-claim-open]');
                          const r = document.querySelector(s + ' .reassign select');
                          const after = b.compareDocumentPosition(r);
                          return !!(after & Node.DOCUMENT_POSITION_FOLLOWING); }""",
                first,
            ), "the reassign controls come before the card's action"
            task_id = phone.locator(claim).get_attribute("data-claim-open")
            phone.locator(claim).focus()
            phone.keyboard.press("Enter")
            expect(phone).to_have_url(f"{base}/tasks/{task_id}")
            expect(phone.locator(".flash--success")).to_be_visible()
            expect(phone.locator("main form button:has-text('Hoàn thành')")).to_be_visible()
            phone.goto(f"{base}/tasks/mine")
            expect(phone.locator(f"#inbox a[href='/tasks/{task_id}']").first).to_be_visible()
            phone.context.close()

            # On a laptop the filters are shown as before, without the toggle.
            laptop = _log_in(browser, base, "thuky", LAPTOP)
            for path in ("/tasks/group", "/tasks/mine", "/dossiers"):
                laptop.goto(base + path)
                expect(laptop.locator("#filter-bar")).to_have_attribute("open", "")
                expect(laptop.locator("#filter-bar-toggle")).to_be_hidden()
                expect(laptop.locator("#flt-q")).to_be_visible()
                expect(laptop.locator("form.filters button:has-text('Lọc')")).to_be_visible()
            laptop.screenshot(path=str(ARTIFACTS / "filter-bar-dossiers-1366.png"))
            # Narrowed to a phone's width, the bar folds; widened again, it opens.
            laptop.set_viewport_size(PHONE)
            expect(laptop.locator("#filter-bar")).not_to_have_attribute("open", "")
            laptop.set_viewport_size(LAPTOP)
            expect(laptop.locator("#filter-bar")).to_have_attribute("open", "")
        finally:
            browser.close()
