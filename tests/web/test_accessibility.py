"""Accessibility in Debian's chromium: axe-core (vendored from the npm registry,
web/static/vendor/axe-core) finds no serious or critical violation on the main pages; the inbox
and a task form work at a phone's 375 px and by keyboard alone.

Screenshots of the main pages at 1366 px and 375 px are kept in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.common.procedure import Procedure
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in

AXE_URL = "/static/vendor/axe-core/axe.min.js"
#: (screenshot name, who, path or a link to follow from the page before): the main pages.
MAIN_PAGES: tuple[tuple[str, str, str], ...] = (
    ("login", "", "/login"),
    ("inbox-mine", "vanthu.qlkh", "/tasks/mine"),
    ("inbox-group", "vanthu.qlkh", "/tasks/group"),
    ("task", "vanthu.qlkh", "first-task"),
    ("dossiers", "thuky", "/dossiers"),
    ("dossier", "thuky", "first-dossier"),
    ("council", "thuky", "/council"),
    ("ballot", "phogiamdoc", "first-task"),
    ("dashboard", "giamdoc", "/dashboard/"),
    ("notifications", "thuky", "/notifications"),
    ("admin", "admin", "/admin/"),
    ("admin-rules", "admin", "/admin/rules"),
    ("admin-users", "admin", "/admin/users"),
)
SERIOUS = ("serious", "critical")


def _context(browser: Any, width: int) -> Any:
    return browser.new_context(
        viewport={"width": width, "height": 800 if width > 500 else 740},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )


def _open(page: Any, base: str, where: str) -> None:
    if where == "first-task":
        for box in ("mine", "group"):
            page.goto(f"{base}/tasks/{box}")
            links = page.locator("main a[href^='/tasks/']").filter(has_text=re.compile("."))
            hrefs = list(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
            tasks = [h for h in hrefs if re.fullmatch(r"/tasks/\d+", h or "")]
            if tasks:
                page.goto(base + tasks[0])
                break
        else:
            raise AssertionError("no task in either inbox")
    elif where == "first-dossier":
        page.goto(f"{base}/dossiers")
        page.locator("main a[href^='/dossiers/']").first.click()
    else:
        page.goto(base + where)
    page.wait_for_load_state("networkidle")


def _serious_violations(page: Any) -> list[str]:
    # Served by the app itself, the only script source its Content-Security-Policy allows.
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.browser
def test_main_pages_have_no_serious_accessibility_violation_at_desktop_and_phone_width(
    app: Flask, busy_agency: Procedure
) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    found: dict[str, list[str]] = {}
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for width in (1366, 375):
            pages: dict[str, Any] = {}
            for name, username, where in MAIN_PAGES:
                page = pages.get(username)
                if page is None:
                    page = pages[username] = _context(browser, width).new_page()
                    if username:
                        log_in(page, base, username, home=None)
                _open(page, base, where)
                page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{width}.png"), full_page=True)
                violations = _serious_violations(page)
                if violations:
                    found[f"{name} at {width} px"] = violations
                # Nothing but a wide table may scroll sideways: the page itself fits.
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 1:
                    found.setdefault(f"{name} at {width} px", []).append(
                        f"the page is {overflow} px wider than the window"
                    )
            for page in pages.values():
                page.context.close()
        browser.close()
    report = "\n".join(f"{where}: {v}" for where, items in found.items() for v in items)
    assert not found, f"accessibility problems:\n{report}"


def _tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1366])
def test_a_clerk_prepares_a_dossier_by_keyboard_alone_on_a_phone_and_a_desktop(
    app: Flask, busy_agency: Procedure, width: int
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = _context(browser, width).new_page()
        log_in(page, base, "vanthu.qlkh", home=None)
        page.goto(f"{base}/tasks/group")
        # The skip link comes first and takes the focus to the content.
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.keyboard.press("Enter")
        # To the first preparation task of the group inbox, and open it with Enter.
        _tab_to(page, "main a[href^='/tasks/']:not([href*='?'])")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.search(r"/tasks/\d+$", page.url)
        task_url = page.url
        claim = page.locator("form[action$='/claim'] button")
        if claim.count():
            _tab_to(page, "form[action$='/claim'] button")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        page.goto(task_url)
        _tab_to(page, "#f-achievement_report")
        page.keyboard.type("Hoàn thành xuất sắc nhiệm vụ năm 2026, chủ trì một đề tài cấp cơ sở.")
        # The form fits the phone: the field and the button are inside the window's width.
        for selector in (
            "#f-achievement_report",
            "form:has(#f-achievement_report) button[type=submit]",
        ):
            box = page.locator(selector).bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width + 1, f"{selector} is cut at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"keyboard-task-{width}.png"), full_page=True)
        _tab_to(page, "form:has(#f-achievement_report) button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url != task_url, "the task was not completed"
        expect(page.locator(".flash, [role=alert], [role=status]").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"keyboard-done-{width}.png"), full_page=True)
        page.context.close()
        browser.close()
