"""Who may see and do what on a dossier of unit A: every role × every page and API action.

Refusals: 404 when the dossier is not visible to the role (its existence is not revealed),
403 when it is visible but the action is not theirs. The unit-review task belongs to unit A's
head; state-changing actions run through the stand-in operations (tests/web/fake_operations.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.tokens import create_token
from tests.web.conftest import ROLE_NAMES, World, csrf_token, sign_in

PDF = b"%PDF-1.4\n% test\n"
OK, FORBIDDEN, HIDDEN = "ok", 403, 404

# Who sees unit A's dossier, and who acts on its unit-review task.
SEES = {"clerk_a", "head_a", "secretariat", "council", "director"}
ACTS = {"head_a"}


def _see(role: str) -> object:
    return OK if role in SEES else HIDDEN


def _act(role: str) -> object:
    if role in ACTS:
        return OK
    return FORBIDDEN if role in SEES else HIDDEN


Action = Callable[[FlaskClient, World, dict[str, str]], Any]


def _form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kw)


ACTIONS: dict[str, tuple[Action, Callable[[str], object]]] = {
    "page: dossier": (lambda c, w, h: c.get(f"/dossiers/{w.dossier.id}"), _see),
    "page: diagram xml": (lambda c, w, h: c.get(f"/dossiers/{w.dossier.id}/diagram.bpmn"), _see),
    "page: task": (lambda c, w, h: c.get(f"/tasks/{w.task.id}"), _act),
    "form: claim": (lambda c, w, h: _form(c, f"/tasks/{w.task.id}/claim"), _act),
    "form: complete": (
        lambda c, w, h: _form(
            c, f"/tasks/{w.task.id}", {"decision": "approve", "minutes_no": "12/BB"}
        ),
        _act,
    ),
    "form: attach": (
        lambda c, w, h: _form(
            c,
            f"/tasks/{w.task.id}/attachments",
            {"file": (io.BytesIO(PDF), "bien-ban.pdf")},
            content_type="multipart/form-data",
        ),
        _act,
    ),
    "form: comment": (
        lambda c, w, h: _form(c, f"/dossiers/{w.dossier.id}/comments", {"body": "Đồng ý."}),
        _see,
    ),
    "api: dossier": (lambda c, w, h: c.get(f"/api/v1/dossiers/{w.dossier.id}", headers=h), _see),
    "api: task detail": (lambda c, w, h: c.get(f"/api/v1/tasks/{w.task.id}", headers=h), _see),
    "api: claim": (lambda c, w, h: c.post(f"/api/v1/tasks/{w.task.id}/claim", headers=h), _act),
    "api: complete": (
        lambda c, w, h: c.post(
            f"/api/v1/tasks/{w.task.id}/complete",
            json={"data": {"decision": "approve", "minutes_no": "12/BB"}},
            headers=h,
        ),
        _act,
    ),
}


def _token(session_factory: sessionmaker[Session], world: World, role: str) -> dict[str, str]:
    with transaction(session_factory) as s:
        token = create_token(s, s.merge(world.users[role]))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.usefixtures("fake_ops")
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
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]


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
    assert (f"/tasks/{world.task.id}" in page) == (role in ACTS)
    assert offered == ([world.task.id] if role in ACTS else [])


def test_attachment_download_follows_dossier_visibility(
    client: FlaskClient, world: World, fake_ops: object
) -> None:
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
    assert response.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/tasks/mine", headers={"Authorization": "Bearer tdkt_nope"})
    assert bad.status_code == 401
