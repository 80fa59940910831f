"""The OpenAPI document is valid and every real API answer matches it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.models import SealedBallot
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World


@pytest.fixture
def spec(client: FlaskClient) -> OpenAPI:
    return api_spec(client)


def api_spec(client: FlaskClient) -> OpenAPI:
    """Return the served document as openapi-core reads it (problem+json is JSON too)."""
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(client.get("/api/v1/openapi.json").get_json(), config=config)


def _check(
    spec: OpenAPI,
    client: FlaskClient,
    method: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    response = client.open(f"/api/v1{path}", method=method, json=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    url, _, query = path.partition("?")
    args = dict(p.split("=", 1) for p in query.split("&")) if query else None
    request = MockRequest(
        "http://localhost",
        method.lower(),
        f"/api/v1{url}",
        args=args,
        headers=headers,
        data=None if body is None else json.dumps(body).encode(),
    )
    spec.validate_response(
        request,
        MockResponse(
            response.data,
            status_code=status,
            content_type=response.mimetype or "",
            headers=dict(response.headers),
        ),
    )
    result: dict[str, Any] = response.get_json()
    return result


def test_real_responses_match_the_openapi_document(
    client: FlaskClient, spec: OpenAPI, world: World, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as s:
        head = create_token(s, s.merge(world.users["head_a"]))
        member = create_token(s, s.merge(world.users["council"]))
    h = {"Authorization": f"Bearer {head}"}
    t, d = world.task.id, world.dossier.id

    assert _check(spec, client, "GET", "/tasks/group?q=luc thu", h)["meta"]["total"] == 1
    _check(spec, client, "GET", "/tasks/mine?due=overdue&sort=-due", h)
    _check(spec, client, "GET", f"/tasks/{t}", h)
    assert _check(spec, client, "POST", f"/tasks/{t}/claim", h)["assignee_id"] is not None
    _check(spec, client, "POST", f"/tasks/{t}/unclaim", h)
    invalid = _check(
        spec, client, "POST", f"/tasks/{t}/complete", h, {"data": {"unit_decision": "return"}}, 422
    )
    assert invalid["fields"] == {"unit_reason": "Vui lòng nhập «Lý do»."}
    done = {"data": {"unit_decision": "approve", "unit_minutes_no": "12/BB"}}
    assert _check(spec, client, "POST", f"/tasks/{t}/complete", h, done)["status"] == "completed"
    _check(spec, client, "POST", f"/tasks/{t}/complete", h, done, 409)
    _check(spec, client, "GET", "/dossiers?sort=nominee", h)
    detail = _check(spec, client, "GET", f"/dossiers/{d}", h)
    assert [e["action"] for e in detail["timeline"]][:2] == ["instance_started", "dossier_filed"]
    _check(spec, client, "GET", "/dossiers/999999", h, status=404)
    _check(spec, client, "POST", f"/tasks/{t}/claim", {}, status=401)

    world.procedure.completeness(d)
    world.procedure.end_posting()
    world.procedure.open_sitting([d])
    ballot_id = world.procedure.ballot_of("phogiamdoc")
    m = {"Authorization": f"Bearer {member}"}
    _check(spec, client, "GET", f"/tasks/{ballot_id}", m)
    _check(spec, client, "POST", f"/ballots/{ballot_id}", m, {"votes": {"999": "agree"}}, 422)
    _check(spec, client, "POST", f"/ballots/{ballot_id}", m, {"votes": {str(d): "maybe"}}, 422)
    receipt = _check(
        spec, client, "POST", f"/ballots/{ballot_id}", m, {"votes": {str(d): "recuse"}}
    )
    assert receipt == {"task_id": ballot_id, "submitted": True}
    _check(spec, client, "POST", f"/ballots/{ballot_id}", m, {"votes": {str(d): "agree"}}, 409)
    _check(spec, client, "POST", f"/ballots/{ballot_id}", h, {"votes": {str(d): "agree"}}, 404)
    with session_factory() as s:
        sealed = s.scalars(select(SealedBallot)).one()
        assert (sealed.dossier_id, sealed.vote) == (d, "recuse")


def test_the_check_catches_a_response_that_drifts_from_the_document(spec: OpenAPI) -> None:
    request = MockRequest("http://localhost", "get", "/api/v1/tasks/mine")
    drifted = MockResponse(b'{"items": [{"id": "one"}], "meta": {}}')
    with pytest.raises(Exception, match="not valid for schema"):
        spec.validate_response(request, drifted)


def test_every_schema_has_its_own_plain_name() -> None:
    # Two models of one name in two modules were published as "web__api__dossiers__…".
    from web.api.openapi import build_document

    names = build_document()["components"]["schemas"]
    assert [n for n in names if "__" in n] == []
