"""Who may see and do what on a dossier of unit A: every role × every page and API action.

Refusals: 404 when the dossier is not visible to the role (its existence is not revealed),
403 when it is visible but the action is not theirs. Everything runs on the real engine with the
deployed procedure: the dossier of unit A waits for its unit review, which is unit A's head's.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.models import Campaign
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World
from tests.web.conftest import ROLE_NAMES, csrf_token, sign_in

PDF = b"%PDF-1.4\n% test\n"
OK, FORBIDDEN, HIDDEN = "ok", 403, 404

# Who sees unit A's dossier, who acts on its unit-review task, who may withdraw it, who may file
# for unit A, who may open the filing form at all, and who opens council sessions.
# A council member of another unit reads it only once it is posted (see the test at the end).
SEES = {"clerk_a", "head_a", "secretariat", "director"}
ACTS = {"head_a"}
WITHDRAWS = {"clerk_a", "head_a", "secretariat"}
FILES_FOR_A = {"clerk_a", "secretariat"}
FILES = {"clerk_a", "clerk_b", "secretariat"}
OPENS_SESSIONS = {"secretariat"}


def _see(role: str) -> object:
    return OK if role in SEES else HIDDEN


def _on_dossier(allowed: set[str]) -> Callable[[str], object]:
    """An action on the dossier: allowed, else 403 if the role sees it, else 404."""

    def rule(role: str) -> object:
        if role in allowed:
            return OK
        return FORBIDDEN if role in SEES else HIDDEN

    return rule


def _only(allowed: set[str]) -> Callable[[str], object]:
    """An action on no particular dossier: allowed, else 403."""
    return lambda role: OK if role in allowed else FORBIDDEN


Action = Callable[[FlaskClient, World, dict[str, str]], Any]
REVIEW = {"unit_decision": "approve", "unit_minutes_no": "12/BB", "unit_meeting_date": "2026-11-24"}


def _form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kw)


def _file_for_unit_a(client: FlaskClient, world: World) -> Any:
    with world.procedure.factory() as s:
        campaign_id = s.scalars(select(Campaign.id)).one()
    nominee = world.procedure.user("cb011")
    return _form(
        client,
        "/dossiers/new",
        {"campaign_id": campaign_id, "title_code": "LDTT", "nominee": f"user:{nominee.id}"},
    )


ACTIONS: dict[str, tuple[Action, Callable[[str], object]]] = {
    "page: dossier": (lambda c, w, h: c.get(f"/dossiers/{w.dossier.id}"), _see),
    "page: diagram xml": (lambda c, w, h: c.get(f"/dossiers/{w.dossier.id}/diagram.bpmn"), _see),
    "page: task": (lambda c, w, h: c.get(f"/tasks/{w.task.id}"), _on_dossier(ACTS)),
    "form: claim": (lambda c, w, h: _form(c, f"/tasks/{w.task.id}/claim"), _on_dossier(ACTS)),
    "form: complete": (
        lambda c, w, h: _form(c, f"/tasks/{w.task.id}", REVIEW),
        _on_dossier(ACTS),
    ),
    "form: attach": (
        lambda c, w, h: _form(
            c,
            f"/tasks/{w.task.id}/attachments",
            {"file": (io.BytesIO(PDF), "bien-ban.pdf")},
            content_type="multipart/form-data",
        ),
        _on_dossier(ACTS),
    ),
    "form: comment": (
        lambda c, w, h: _form(c, f"/dossiers/{w.dossier.id}/comments", {"body": "Đồng ý."}),
        _see,
    ),
    "form: withdraw": (
        lambda c, w, h: _form(c, f"/dossiers/{w.dossier.id}/withdraw", {"reason": "Xin rút"}),
        _on_dossier(WITHDRAWS),
    ),
    "form: allow exception": (
        lambda c, w, h: _form(c, f"/dossiers/{w.dossier.id}/override", {"reason": "Ngoại lệ"}),
        _on_dossier(set()),
    ),
    "page: file a dossier": (lambda c, w, h: c.get("/dossiers/new"), _only(FILES)),
    "form: file for unit A": (lambda c, w, h: _file_for_unit_a(c, w), _only(FILES_FOR_A)),
    "page: council session": (lambda c, w, h: c.get("/council"), _only(OPENS_SESSIONS)),
    "api: dossier": (lambda c, w, h: c.get(f"/api/v1/dossiers/{w.dossier.id}", headers=h), _see),
    "api: task detail": (lambda c, w, h: c.get(f"/api/v1/tasks/{w.task.id}", headers=h), _see),
    "api: claim": (
        lambda c, w, h: c.post(f"/api/v1/tasks/{w.task.id}/claim", headers=h),
        _on_dossier(ACTS),
    ),
    "api: complete": (
        lambda c, w, h: c.post(
            f"/api/v1/tasks/{w.task.id}/complete", json={"data": REVIEW}, headers=h
        ),
        _on_dossier(ACTS),
    ),
}


def _token(session_factory: sessionmaker[Session], world: World, role: str) -> dict[str, str]:
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(world.users[role]))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    role: str,
    action: str,
) -> None:
    do, rule = ACTIONS[action]
    expected = rule(role)
    sign_in(client, world.users[role])
    response = do(client, world, _token(session_factory, world, role))
    if expected == OK:
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
        _assert_done(action, world, response)
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]


def _assert_done(action: str, world: World, response: Any) -> None:
    """An allowed state change really happened (a redirect alone could carry an error)."""
    ready = world.procedure.ready(world.dossier.id)
    if action in ("form: complete", "api: complete"):
        assert ready == ["completeness_check"]
    elif action == "form: withdraw":
        assert world.procedure.dossier(world.dossier.id).status == "withdrawn"
    elif action == "form: file for unit A":
        assert re.search(r"/dossiers/\d+$", response.headers["Location"])


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_dossier_lists_show_unit_a_only_to_who_may_see_it(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], role: str
) -> None:
    sign_in(client, world.users[role])
    page = client.get("/dossiers").get_data(as_text=True)
    api = client.get("/api/v1/dossiers", headers=_token(session_factory, world, role)).get_json()
    listed = [d["id"] for d in api["items"]]
    if role in SEES:
        assert f"/dossiers/{world.dossier.id}" in page
        assert listed == [world.dossier.id]
    else:
        assert f"/dossiers/{world.dossier.id}" not in page
        assert listed == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_group_inbox_offers_the_unit_review_only_to_unit_a_head(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], role: str
) -> None:
    sign_in(client, world.users[role])
    page = client.get("/tasks/group").get_data(as_text=True)
    api = client.get("/api/v1/tasks/group", headers=_token(session_factory, world, role))
    offered = [t["id"] for t in api.get_json()["items"]]
    assert (f'href="/tasks/{world.task.id}"' in page) == (role in ACTS)
    assert offered == ([world.task.id] if role in ACTS else [])


def test_attachment_download_follows_dossier_visibility(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    _form(
        client,
        f"/tasks/{world.task.id}/attachments",
        {"file": (io.BytesIO(PDF), "bien-ban.pdf")},
        content_type="multipart/form-data",
    )
    page = client.get(f"/dossiers/{world.dossier.id}").get_data(as_text=True)
    assert "bien-ban.pdf" in page
    url = "/attachments/1"
    for role in ROLE_NAMES:
        sign_in(client, world.users[role])
        with client.get(url) as response:
            assert response.status_code == (200 if role in SEES else 404), role
            if role in SEES:
                assert response.data == PDF
                assert response.headers["Content-Disposition"].startswith("attachment")


def test_pages_and_api_refuse_anonymous_callers(client: FlaskClient, world: World) -> None:
    assert client.get(f"/dossiers/{world.dossier.id}").status_code == 302
    assert client.get("/tasks/mine").status_code == 302
    response = client.get("/api/v1/tasks/mine")
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    bad = client.get("/api/v1/tasks/mine", headers={"Authorization": "Bearer tdkt_nope"})
    assert bad.status_code == 401


def test_a_council_member_reads_the_dossier_from_its_posting_on(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    """Before the posting the draft is the unit's; from the posting on the council reads it,
    its attachments and its diagram, in the pages, the lists and the API."""
    member = world.users["council"]
    sign_in(client, world.users["head_a"])
    _form(
        client,
        f"/tasks/{world.task.id}/attachments",
        {"file": (io.BytesIO(PDF), "bien-ban.pdf")},
        content_type="multipart/form-data",
    )
    dossier_url = f"/dossiers/{world.dossier.id}"
    urls = (dossier_url, f"{dossier_url}/diagram.bpmn", "/attachments/1")

    def statuses() -> list[int]:
        found = []
        for url in urls:
            with client.get(url) as response:
                found.append(response.status_code)
        return found

    sign_in(client, member)
    headers = _token(session_factory, world, "council")
    assert statuses() == [404, 404, 404]
    assert client.get(f"/api/v1/dossiers/{world.dossier.id}", headers=headers).status_code == 404

    proc = world.procedure
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    assert proc.dossier(world.dossier.id).stage == "posting"
    assert statuses() == [200, 200, 200]
    assert dossier_url in client.get("/dossiers").get_data(as_text=True)
    api = client.get("/api/v1/dossiers", headers=headers).get_json()
    assert [d["id"] for d in api["items"]] == [world.dossier.id]
    assert client.get(f"/api/v1/dossiers/{world.dossier.id}", headers=headers).status_code == 200
