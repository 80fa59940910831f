"""In Debian's chromium: a CSTĐCS dossier filed under NĐ 91/2017 before the agency's initiatives
were imported is not eligible; once they are imported, the unit's clerk logs in through the
log-in form, ticks the nominee's initiative on the dossier page, and the eligibility is checked
again and shows the initiative it rests on. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from engine.domain import dossiers
from tests.agency import initiative_agency as ia
from tests.common.base import PASSWORD
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server


@pytest.mark.browser
def test_a_clerk_attaches_an_imported_initiative_and_the_eligibility_shows_it(
    app: Flask, db_session: Session
) -> None:
    from playwright.sync_api import expect, sync_playwright

    world = ia.build(db_session, initiatives=False)
    dossier = dossiers.file_dossier(
        db_session,
        world.clerk,
        campaign_id=world.campaign.id,
        title_code="CSTDCS",
        nominee_user_id=world.anh.id,
    )
    assert dossier.eligibility["eligible"] is False  # no initiative known yet
    ia.import_kind(db_session, "initiatives", ia.INITIATIVES)
    chosen = ia.ids(db_session)[ia.SO_HOA]
    dossier_id = dossier.id
    db_session.close()  # SQLite: no transaction of the test left open while the server writes

    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="vi-VN",
                timezone_id="Asia/Ho_Chi_Minh",
            )
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base}/login")
            page.fill("#username", "vanthu.qlkh")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_have_text("Việc của tôi")

            page.goto(f"{base}/dossiers/{dossier_id}")
            expect(page.locator("#eligibility")).to_contain_text("Chưa đủ điều kiện")
            expect(page.locator("#eligibility")).to_contain_text("bắt buộc có sáng kiến")
            choices = page.locator("#initiative-choices")
            # The list shows each initiative's title, year, level and recognising decision,
            # and only the nominee's own.
            row = choices.locator("tr", has_text=ia.SO_HOA)
            expect(row).to_contain_text("2022")
            expect(row).to_contain_text("cấp cơ sở")
            expect(row).to_contain_text("12/QĐ-SKHCN — 15/12/2022")
            expect(choices).not_to_contain_text(ia.THANH_TRA)
            page.screenshot(path=str(ARTIFACTS / "initiatives-1-choices.png"), full_page=True)

            page.check(f"#initiative-{chosen}")
            page.click("#initiatives-save")
            expect(page.locator("#eligibility")).to_contain_text("Đủ điều kiện")
            expect(page.locator("#eligibility")).not_to_contain_text("Chưa đủ điều kiện")
            expect(page.locator("#eligibility-initiatives")).to_contain_text(
                f"«{ia.SO_HOA}» (2022)"
            )
            expect(page.locator("#attached-initiatives")).to_contain_text(ia.SO_HOA)
            expect(page.locator(f"#initiative-{chosen}")).to_be_checked()
            expect(page.locator("[aria-labelledby=dossier-timeline] .timeline")).to_contain_text(
                "Cập nhật sáng kiến, đề tài của hồ sơ"
            )
            page.screenshot(path=str(ARTIFACTS / "initiatives-2-attached.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
