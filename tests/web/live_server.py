"""What browser tests share: a Flask app served on a free local port in a thread, Debian's
chromium, the log-in through the real form (:func:`log_in`, :class:`Roles`) and the demo agency
with a running clock (:func:`ticking_world`, a fixture to import into the test module)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from engine.demo import DEMO_PASSWORD
from tests.common.procedure import Procedure, deployed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Yield the base URL of ``app`` served by werkzeug on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def log_in(
    page: Any,
    base: str,
    username: str,
    password: str = DEMO_PASSWORD,
    home: str | re.Pattern[str] | None = "Việc của tôi",
) -> Any:
    """Log ``username`` in through the log-in form of ``base`` and wait for the ``home`` page's
    heading (``None``: for any page but the log-in form, whatever its language)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    if home is None:
        page.wait_for_url(lambda url: "/login" not in url)
    else:
        expect(page.locator("h1")).to_have_text(home)
    return page


class Roles:
    """Open one browser context per role, logged in through the log-in form; page errors and
    console errors of every page go to ``errors``."""

    def __init__(self, browser: Any, base: str, errors: list[str]) -> None:
        self.browser, self.base, self.errors = browser, base, errors
        self.shots = 0

    def login(self, username: str, home: str | re.Pattern[str] = "Việc của tôi") -> Any:
        context = self.browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{username}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.errors.append(f"{username}: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.on("dialog", lambda dialog: dialog.accept())
        return log_in(page, self.base, username, home=home)

    def shot(self, page: Any, name: str) -> None:
        self.shots += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.shots:02d}-{name}.png"), full_page=True)


@pytest.fixture
def ticking_world(app: Flask, session_factory: sessionmaker[Session]) -> Iterator[Procedure]:
    """The deployed demo agency at START, with a clock that runs (the browser waits on it)."""
    with deployed(session_factory, tick=True) as built:
        yield built
