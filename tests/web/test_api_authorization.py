"""The API's authorization matrix: what each role gets from every kind of operation, attachments,
diagrams, documents and the other exports included. A refusal is 404 for what the caller may
not see (it is not told the row exists) and 403 for an action or a section it may not use."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.domain import content
from engine.domain.tokens import create_token
from engine.unit_of_work import unit_of_work
from tests.common.decided import AGREE_ALL
from tests.common.worlds import World

# The dossier waits for its unit review: a council member reads it only from its posting on.
SEE = {"clerk_a", "head_a", "secretariat", "director", "admin"}
MANAGERS = {"secretariat", "director", "admin"}
ROLES = (
    "clerk_a",
    "clerk_b",
    "head_a",
    "head_b",
    "secretariat",
    "council",
    "director",
    "outsider",
    "admin",
)
Call = Callable[[FlaskClient, dict[str, Any], dict[str, str]], Any]


def _get(path: str) -> Call:
    return lambda c, ids, h: c.get("/api/v1" + path.format(**ids), headers=h)


def _post(path: str, json: dict[str, Any] | None = None) -> Call:
    return lambda c, ids, h: c.post("/api/v1" + path.format(**ids), json=json or {}, headers=h)


#: action → (call, the roles it is allowed to, the status of a refusal)
MATRIX: dict[str, tuple[Call, set[str], int]] = {
    "dossier": (_get("/dossiers/{d}"), SEE, 404),
    "history": (_get("/dossiers/{d}/history"), SEE, 404),
    "diagram": (_get("/dossiers/{d}/diagram"), SEE, 404),
    "attachment list": (_get("/dossiers/{d}/attachments"), SEE, 404),
    "attachment download": (_get("/attachments/{a}"), SEE, 404),
    "comments": (_get("/dossiers/{d}/comments"), SEE, 404),
    "comment": (_post("/dossiers/{d}/comments", {"body": "Ý kiến"}), SEE, 404),
    "statistics": (_get("/statistics"), MANAGERS, 403),
    "award search": (_get("/awards"), MANAGERS, 403),
    "award statistics": (_get("/awards/statistics"), MANAGERS, 403),
    "document request": (
        _post("/documents", {"kind": "submission", "campaign_id": 0}),
        MANAGERS,
        403,
    ),
    "council sessions": (_get("/council-sessions"), MANAGERS, 403),
    "open council session": (
        _post("/council-sessions", {"campaign_id": 1, "meeting_date": "2026-12-28"}),
        {"secretariat", "admin"},
        403,
    ),
    "tokens": (_get("/admin/tokens"), {"admin"}, 403),
    "users": (_get("/admin/users"), {"admin"}, 403),
    "webhooks": (_get("/admin/webhooks"), {"admin"}, 403),
    "override": (_post("/dossiers/{d}/override", {"reason": "Ngoại lệ"}), {"admin"}, 403),
}


#: Actions on one dossier: who cannot see it gets 404 whatever the action's own rule.
ON_A_DOSSIER = {"override"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_may_and_nothing_else(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], role: str
) -> None:
    user = world.users[role] if role in world.users else world.procedure.user("admin")
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(user))
        head = s.merge(world.users["head_a"])
        store = client.application.extensions["tdkt"].files
        attachment = content.add_attachment(
            s, store, world.task.id, head, "bien-ban.pdf", io.BytesIO(b"%PDF-1.4 x"), 1 << 20
        )
        ids = {"d": world.dossier.id, "a": attachment.id}
    h = {"Authorization": f"Bearer {token}"}
    for action, (call, allowed, refusal) in MATRIX.items():
        response = call(client, ids, h)
        response.close()
        if role in allowed:
            assert response.status_code not in (403, 404), (action, response.status_code)
            assert response.status_code < 500, (action, response.status_code)
        else:
            # An action on a dossier the caller cannot see is 404 before it is 403.
            expected = 404 if action in ON_A_DOSSIER and role not in SEE else refusal
            assert response.status_code == expected, (action, response.status_code)


def test_a_document_is_only_its_requesters(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    # A draft Quyết định takes the dossiers the council passed for the director's decision.
    proc = world.procedure
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    proc.end_posting()
    proc.hold_session({world.dossier.id: AGREE_ALL})
    with unit_of_work(session_factory) as s:
        director = create_token(s, s.merge(world.users["director"]))
        secretariat = create_token(s, s.merge(world.users["secretariat"]))
    asked = client.post(
        "/api/v1/documents",
        json={"kind": "decision", "campaign_id": world.procedure.campaign_id},
        headers={"Authorization": f"Bearer {director}"},
    )
    assert asked.status_code == 202, asked.get_data(as_text=True)
    url = asked.headers["Location"]
    assert client.get(url, headers={"Authorization": f"Bearer {director}"}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {secretariat}"}).status_code == 404
