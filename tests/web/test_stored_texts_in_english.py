"""Texts the engine stores with a dossier (eligibility reasons, the council's reason) and the
holidays' names are shown in the reader's language: an English reader of the dossier page, of the
API and of the calendar sees no Vietnamese but the data (names) and the laws' citations.

The browser walks the pages in English (Debian's chromium) and fails on any Vietnamese letter in
the eligibility result, the council result and the calendar's holiday names once names and
``<cite>`` citations are taken out; the same texts in Vietnamese are checked too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from engine.demo import DEMO_PASSWORD
from engine.domain.tokens import create_token
from engine.models import Dossier
from engine.unit_of_work import unit_of_work
from tests.common.procedure import Procedure
from tests.common.worlds import World
from tests.web.conftest import sign_in
from tests.web.live_server import CHROMIUM, CHROMIUM_ARGS, live_server
from tests.web.page_text import VIETNAMESE, data_texts, page_leaks

EN = {"Accept-Language": "en"}


def _decided(proc: Procedure, dossier_id: int) -> None:
    proc.unit_review(dossier_id)
    proc.completeness(dossier_id)
    proc.end_posting()
    proc.hold_session({dossier_id: ["agree"] * 6 + ["disagree"]})


def _section(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">(.*?)</dd>', page, re.S)
    assert found, element_id
    return re.sub(r"<cite[^>]*>.*?</cite>", " ", found.group(1), flags=re.S)


def test_eligibility_and_council_reasons_in_english_on_the_page_and_in_the_api(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    proc = world.procedure
    ineligible = proc.file("vanthu.qlkh", "cb011", "CSTDT")
    _decided(proc, world.dossier.id)
    sign_in(client, world.users["secretariat"])

    page = client.get(f"/dossiers/{ineligible}", headers=EN).get_data(as_text=True)
    reasons = _section(page, "eligibility")
    assert "Fewer than 3 consecutive years as Grassroots Emulation Fighter" in reasons
    assert "province-wide effect" in reasons
    assert not VIETNAMESE.search(re.sub(r"<[^>]+>", " ", reasons)), reasons
    assert '<cite class="citation">' in page  # the law is cited as it is
    assert "[not confirmed]" in page
    assert "[chưa xác nhận]" not in page
    vietnamese = client.get(f"/dossiers/{ineligible}", headers={"Accept-Language": "vi"})
    assert "Chưa đủ 3 năm liên tục đạt Chiến sĩ thi đua cơ sở" in vietnamese.get_data(as_text=True)

    page = client.get(f"/dossiers/{world.dossier.id}", headers=EN).get_data(as_text=True)
    council = _section(page, "council-result")
    assert "Passed with 6/7 votes in favour" in council
    assert not VIETNAMESE.search(re.sub(r"<[^>]+>", " ", council)), council

    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(world.users["secretariat"]))
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.get(f"/api/v1/dossiers/{ineligible}", headers=auth | EN).get_json()
    assert any("Grassroots Emulation Fighter" in r for r in answer["eligibility"]["unmet"])
    answer = client.get(f"/api/v1/dossiers/{world.dossier.id}", headers=auth | EN)
    assert answer.get_json()["council_result"]["reason"].startswith("Passed with 6/7 votes")
    assert "Accept-Language" in answer.headers.get("Vary", "")
    answer = client.get(f"/api/v1/dossiers/{world.dossier.id}", headers=auth)
    assert answer.get_json()["council_result"]["reason"].startswith("Đạt 6/7 phiếu đồng ý")


def test_a_dossier_checked_before_reasons_were_kept_as_messages_shows_its_stored_text(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    proc = world.procedure
    ineligible = proc.file("vanthu.qlkh", "cb011", "CSTDT")
    old = {"eligible": False, "unmet": ["Lý do cũ (Luật TĐKT 2022 Điều 24)"], "overridden": False}
    with unit_of_work(session_factory) as s:
        s.execute(update(Dossier).where(Dossier.id == ineligible).values(eligibility=old))
    sign_in(client, world.users["secretariat"])
    response = client.get(f"/dossiers/{ineligible}", headers=EN)
    assert response.status_code == 200
    assert "Lý do cũ (Luật TĐKT 2022 Điều 24)" in response.get_data(as_text=True)


@pytest.mark.browser
def test_stored_texts_and_holidays_pages_in_english_in_the_browser(
    app: Flask, procedure: Procedure, session_factory: sessionmaker[Session]
) -> None:
    from playwright.sync_api import sync_playwright

    ineligible = procedure.file("vanthu.qlkh", "cb011", "CSTDT")
    decided = procedure.file("vanthu.qlkh", "cb004", "LDTT")
    procedure.prepare(decided)
    _decided(procedure, decided)
    data = data_texts(session_factory)
    found: dict[str, Any] = {}
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", "thuky")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        checks = {
            f"/dossiers/{ineligible}": "#eligibility",
            f"/dossiers/{decided}": "#council-result",
            "/admin/calendar?year=2026": "main table",
        }
        for path, selector in checks.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == "en"
            leaks = page_leaks(page, data, english=True)
            texts = page.eval_on_selector_all(
                selector,
                """els => els.map(e => { const c = e.cloneNode(true);
                     c.querySelectorAll('cite').forEach(x => x.remove()); return c.innerText; })""",
            )
            assert texts, f"{path}: nothing matches {selector}"
            left = [
                line
                for text in texts
                for line in text.splitlines()
                if VIETNAMESE.search(_without(line, data))
            ]
            if leaks or left:
                found[path] = (sorted(map(str, leaks)), left)
        browser.close()
    assert not found, f"Vietnamese left in English mode: {found}"


def _without(text: str, data: frozenset[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return text
