"""Issue 15, defect 7, in Debian's chromium: the menu's "Tổng hợp" opens a dashboard for each role
that has it — a unit's clerk and head see their units' figures, a council member gets no link.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from tests.common.procedure import Procedure, deployed
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in


@pytest.fixture
def world(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory, tick=True) as built:
        yield built


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN").new_page()
    return log_in(page, base, username)


@pytest.mark.browser
def test_the_menus_dashboard_opens_for_a_units_clerk_and_head(app: Flask, world: Procedure) -> None:
    from playwright.sync_api import expect, sync_playwright

    world.file("vanthu.qlkh", _staff_of(world, "QLKH"), "LDTT")
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for username in ("vanthu.qlkh", "truongphong.qlkh"):
                page = _login(browser, base, username)
                page.click("a.nav-link:has-text('Tổng hợp')")
                expect(page.locator("h1")).to_have_text("Tổng hợp tình hình xử lý hồ sơ")
                expect(page.locator("[data-scope]")).to_contain_text("Hồ sơ của đơn vị:")
                expect(page.locator("a.btn:has-text('Văn bản')")).to_have_count(0)
                page.screenshot(path=str(ARTIFACTS / f"dashboard-{username}.png"), full_page=True)
            member = _login(browser, base, "phogiamdoc")
            expect(member.locator("a.nav-link:has-text('Tổng hợp')")).to_have_count(0)
            director = _login(browser, base, "giamdoc")
            director.click("a.nav-link:has-text('Tổng hợp')")
            expect(director.locator("[data-scope]")).to_have_count(0)
            expect(director.locator("a.btn:has-text('Văn bản')")).to_have_count(1)
        finally:
            browser.close()


def _staff_of(world: Procedure, unit_code: str) -> str:
    """A staff member of the unit the demo files nothing for yet (a nominee for LĐTT)."""
    from sqlalchemy import select

    from engine.models import Dossier, OrgUnit, User

    with world.factory() as session:
        unit = session.scalars(select(OrgUnit).where(OrgUnit.code == unit_code)).one()
        filed = set(session.scalars(select(Dossier.nominee_user_id)))
        return next(
            u.username
            for u in session.scalars(
                select(User).where(User.unit_id == unit.id, User.password_hash.is_(None))
            )
            if u.id not in filed
        )
