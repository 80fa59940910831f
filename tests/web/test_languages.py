"""Every page a demo role reaches, in Debian's chromium, in English and in Vietnamese.

In English (the browser asks for it with Accept-Language; nobody picks a language) no page may
show a message of the Vietnamese catalogue (web/translations/en/LC_MESSAGES/messages.po, the
messages whose English differs) nor an internal code (stage, title, role or user task codes);
in Vietnamese no page may show an internal code. The walk takes every link of the menu, the
notifications, the first task of each inbox, the first dossier and every administration page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from tests.common.procedure import Procedure
from tests.web.live_server import CHROMIUM, CHROMIUM_ARGS, live_server, log_in
from tests.web.page_text import Leak, data_texts, page_leaks

#: One account per role of the demo: administrator, secretariat, director, clerk, unit head,
#: council member.
USERS = ("admin", "thuky", "giamdoc", "vanthu.qlkh", "truongphong.qlkh", "phogiamdoc")
LOCALES = {"en": "en-US", "vi": "vi-VN"}
TASK = re.compile(r"^/tasks/\d+$")
DOSSIER = re.compile(r"^/dossiers/\d+$")


def _log_in(browser: Any, base: str, username: str, lang: str, errors: list[str]) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale=LOCALES[lang],
        timezone_id="Asia/Ho_Chi_Minh",
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
    return log_in(page, base, username, home=None)


def _hrefs(page: Any, selector: str) -> list[str]:
    found = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in found if h and h.startswith("/") and not h.startswith(("/lang/", "/logout"))]


def _walk(page: Any, base: str) -> Iterator[str]:
    """Visit the role's pages; yield each path once it is shown."""
    queue = _hrefs(page, "a.nav-link, a.nav-bell")
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen or path.endswith((".xlsx", ".docx", ".bpmn", ".dmn")):
            continue
        seen.add(path)
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        yield path
        if path in ("/tasks/mine", "/tasks/group"):
            queue += [h for h in _hrefs(page, "main a[href^='/tasks/']") if TASK.match(h)][:1]
        if path == "/dossiers":
            queue += [h for h in _hrefs(page, "main a[href^='/dossiers/']") if DOSSIER.match(h)][:1]
        if path.startswith("/admin") and path.count("/") <= 2:
            queue += [
                h
                for h in _hrefs(page, "main a[href^='/admin/']")
                if "/sources/" not in h and "?" not in h
            ][:12]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_page_speaks_the_browsers_language_without_codes(
    app: Flask, busy_agency: Procedure, session_factory: sessionmaker[Session], lang: str
) -> None:
    from playwright.sync_api import sync_playwright

    data = data_texts(session_factory)
    found: dict[str, set[Leak]] = {}
    visited = 0
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for username in USERS:
            page = _log_in(browser, base, username, lang, errors)
            # Nobody chose a language: the page follows the browser's Accept-Language.
            assert page.locator("html").get_attribute("lang") == lang
            for path in _walk(page, base):
                visited += 1
                leaks = page_leaks(page, data, english=lang == "en")
                if leaks:
                    found[f"{username} {path}"] = leaks
            page.context.close()
        browser.close()
    assert visited >= 8 * len(USERS) // 2, f"only {visited} pages walked"
    report = "\n".join(f"{where}: {leak}" for where, leaks in found.items() for leak in leaks)
    assert not found, f"untranslated text or internal codes ({lang}):\n{report}"
    assert not errors
