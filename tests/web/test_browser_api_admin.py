"""The administrator's API pages in Debian's chromium: an access token created (shown once),
used, revoked; a webhook registered and its "send test" delivered to a local server."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from engine.notify import webhooks
from tests.common.procedure import Procedure, deployed
from tests.web.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, live_server, log_in
from tests.web.test_webhooks import Received, receiver, verify

__all__ = ["receiver"]  # the fixture, used by name


@pytest.fixture
def agency(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    with deployed(session_factory) as built:
        yield built


def _status(url: str, token: str) -> int:
    # The test's own live server, over http.
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.browser
def test_the_admin_creates_uses_and_revokes_a_token_and_tests_a_webhook(
    app: Flask,
    agency: Procedure,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    hook_url, received = receiver
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(locale="vi-VN")
            log_in(page, base, "admin", home=None)
            page.goto(f"{base}/admin/tokens")
            expect(page.locator("h1")).to_have_text("Mã truy cập API")
            page.select_option("select[name=user_id]", label="Triệu Quang Hải (truongphong.qlkh)")
            page.fill("input[name=name]", "iOffice")
            page.select_option("select[name=scope]", "read")
            page.select_option("select[name=days]", "30")
            page.click("button:has-text('Tạo mã')")
            token = page.locator("#new-token").inner_text()
            assert token.startswith("tdkt_")
            page.screenshot(path=str(ARTIFACTS / "admin-token-created.png"), full_page=True)
            assert _status(f"{base}/api/v1/tasks/mine", token) == 200
            page.goto(f"{base}/admin/tokens")
            row = page.locator("tbody tr", has_text="iOffice")
            expect(row).to_contain_text("Chỉ đọc")
            row.locator("button:has-text('Thu hồi')").click()
            expect(page.locator("tbody tr", has_text="iOffice")).to_contain_text("Đã thu hồi")
            assert _status(f"{base}/api/v1/tasks/mine", token) == 401

            page.goto(f"{base}/admin/webhooks")
            page.fill("input[name=url]", hook_url)
            page.check("input[value='webhook.test']")
            page.click("button:has-text('Đăng ký')")
            secret = page.locator("#webhook-secret").inner_text()
            page.goto(f"{base}/admin/webhooks")
            page.click("button:has-text('Gửi thử')")
            expect(page.locator(".flash--success")).to_contain_text("Đã gửi sự kiện thử")
            webhooks.deliver_due(session_factory, datetime.now(UTC))
            page.reload()
            expect(page.locator("tbody tr", has_text="204")).to_contain_text("sent")
            page.screenshot(path=str(ARTIFACTS / "admin-webhooks.png"), full_page=True)
            assert len(received) == 1
            assert verify(secret, *received[0])
        finally:
            browser.close()
