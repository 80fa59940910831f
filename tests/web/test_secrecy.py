"""The secret ballot, tested as a leak would be: two councils that differ only in who dissented.

Both runs build the same agency, the same dossiers and the same council session, with the same
totals (six "agree", one "disagree" on each dossier) and the clock frozen at the same instant;
only the dissenter differs: in one run it is the first member, in the other the absent member
whose written ballot the secretariat enters. Then every page reachable by following links, every
API answer of the signed-in roles, the exports and the log lines are collected in both runs. A
page that tells a single member's vote must differ between the runs; so the test fails on any
difference that survives removing what is random by design (CSRF tokens, session tokens, the
seal's salted hash).
"""

from __future__ import annotations

import difflib
import io
import logging
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from engine.config import Settings
from engine.db import make_session_factory
from engine.domain.tokens import create_token
from engine.runtime import build_wiring, listen
from engine.unit_of_work import unit_of_work
from tests.common.procedure import Procedure, deployed
from tests.conftest import empty_database
from tests.web.conftest import ROLE_USERS, sign_in

pytestmark = pytest.mark.slow

#: Who looks: every role of the web tests, the members themselves and an administrator.
LOOKERS = (*ROLE_USERS.values(), "admin", "chanhvanphong", "chicuctruong")
#: Pages are followed from these; the API lists and details are asked directly.
STARTS = ("/", "/tasks/mine", "/tasks/group", "/dossiers", "/council", "/dashboard/", "/awards/")
#: Never followed: they change state or end the session.
SKIP = re.compile(r"^/(logout|static/)|/(claim|unclaim|withdraw|override)$")
MAX_PAGES_PER_LOOKER = 120
NOISE = {"flask-limiter"}
DURATION = re.compile(r"\b\d+(\.\d+)?\s*(ms|s|seconds)\b")
#: Random by design, removed before the runs are compared.
RANDOM = (
    re.compile(r'name="csrf_token"[^>]*value="[^"]+"'),
    re.compile(r'value="[^"]+"([^>]*name="csrf_token")'),
    re.compile(r'<meta name="csrf-token" content="[^"]+"'),
    re.compile(r"\b[0-9a-f]{64}\b"),  # the seal hash and its salt
    re.compile(r"tdkt_[A-Za-z0-9_-]{20,}"),  # API tokens
)


def _normal(text: str) -> str:
    for pattern in RANDOM:
        text = pattern.sub("<random>", text)
    return text


def _links(page: str, here: str) -> Iterator[str]:
    for href in re.findall(r'href="([^"#]+)', page):
        url = urljoin(here, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "localhost":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(parts.path):
            yield path


def _content(raw: bytes) -> str:
    """A response's content: text as is; an XLSX/DOCX by its parts (their dates left out)."""
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = sorted(n for n in archive.namelist() if not n.startswith("docProps/"))
            return "\n".join(f"{n}: {archive.read(n).decode(errors='replace')}" for n in parts)
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.hex()


def _crawl(client: FlaskClient) -> dict[str, str]:
    """GET every page reachable from STARTS by links, up to MAX_PAGES_PER_LOOKER."""
    seen: dict[str, str] = {}
    queue = deque(STARTS)
    while queue and len(seen) < MAX_PAGES_PER_LOOKER:
        path = queue.popleft()
        if path in seen:
            continue
        with client.get(path) as response:
            kind = response.headers.get("Content-Type", "")
            body = _content(response.get_data())
            seen[path] = f"{response.status_code} {_normal(body)}"
        if "html" in kind:
            queue.extend(p for p in _links(body, path) if p not in seen)
    return seen


def _api(client: FlaskClient, headers: dict[str, str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    paths = deque(["/api/v1/tasks/mine", "/api/v1/tasks/group", "/api/v1/dossiers"])
    while paths:
        path = paths.popleft()
        if path in seen:
            continue
        response = client.get(path, headers=headers)
        seen[path] = f"{response.status_code} {_normal(response.get_data(as_text=True))}"
        body = response.get_json(silent=True) or {}
        for item in body.get("items", []):
            if "id" in item and path.endswith("dossiers"):
                paths.append(f"/api/v1/dossiers/{item['id']}")
            elif "id" in item:
                paths.append(f"/api/v1/tasks/{item['id']}")
    return seen


def _council(proc: Procedure, dissenter: int) -> None:
    """Two dossiers before one session; member ``dissenter`` disagrees on both, six agree.

    The last member is absent and votes by a written ballot the secretariat enters.
    """
    first = proc.file("vanthu.qlkh", "cb004", "LDTT")
    second = proc.file("vanthu.qlkh", "cb011", "LDTT")
    for dossier_id in (first, second):
        proc.to_council(dossier_id)
    proc.end_posting()
    members = len(proc.members())
    choices = ["disagree" if i == dissenter else "agree" for i in range(members)]
    proc.hold_session({first: choices, second: choices}, absent=1)


def _one_run(
    settings: Settings,
    db_engine: Engine,
    redis_url: str,
    dissenter: int,
    caplog: pytest.LogCaptureFixture,
) -> dict[str, str]:
    from web.app import create_app

    empty_database(db_engine, redis_url)
    factory = make_session_factory(db_engine, build_wiring(settings))
    listen(factory)
    app: Flask = create_app({"TESTING": True}, settings=settings)
    caplog.clear()
    try:
        with deployed(factory) as proc:
            _council(proc, dissenter)
            found: dict[str, str] = {}
            for name in LOOKERS:
                client = app.test_client()
                user = proc.user(name)
                token = sign_in(client, user)
                for path, body in _crawl(client).items():
                    found[f"{name} {path}"] = body
                with unit_of_work(factory) as s:
                    api_token = create_token(s, s.merge(user))
                headers = {"Authorization": f"Bearer {api_token}"}
                for path, body in _api(client, headers).items():
                    found[f"{name} {path}"] = body.replace(token, "<session>")
            # As a sorted multiset of lines: the order of log lines of concurrent threads and
            # the durations some lines report are not the ballot's.
            # The rate limiter's storage notices are about Redis, not about the ballot.
            lines = (
                f"{r.name} {r.levelname} {r.getMessage()}"
                for r in caplog.records
                if r.name not in NOISE
            )
            found["log"] = "\n".join(sorted(DURATION.sub("<time>", _normal(x)) for x in lines))
            return found
    finally:
        app.extensions["tdkt"].dispose()


def test_no_page_api_answer_export_or_log_tells_a_single_vote(
    settings: Settings, db_engine: Engine, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first_member = _one_run(settings, db_engine, redis_url, 0, caplog)
    absent_member = _one_run(settings, db_engine, redis_url, 6, caplog)
    assert len(first_member) > 100, "the crawl reached the pages"
    assert set(first_member) == set(absent_member), "the same pages exist in both runs"
    told = sorted(k for k in first_member if first_member[k] != absent_member[k])
    shown = (
        "".join(
            difflib.unified_diff(
                first_member[told[0]].splitlines(True), absent_member[told[0]].splitlines(True), n=0
            )
        )[:3000]
        if told
        else ""
    )
    assert not told, f"these answers tell who dissented: {told[:10]}\n{shown}"
    # The tally itself is public: the minutes and the dossier page show the totals.
    assert any("6" in body and "1" in body for body in first_member.values())
