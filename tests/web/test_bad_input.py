"""Ordinary bad input is a 404, 400 or 422 with a message, never a 500 and never ignored.

PostgreSQL refuses integers beyond 32 bits in a query and NUL in text; SQLite takes both (and
overflows at 64 bits). So these tests check that such input never reaches a view or a query —
the route does not match, the parser refuses — which holds on either database.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core.testing import MockRequest, MockResponse
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import NotFound
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, Rule

from engine.db import MAX_ID
from engine.domain.tokens import create_token
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in
from tests.web.test_openapi import api_spec

HUGE_IDS = (MAX_ID + 1, 2**63, 10**30)


def _int_rules(app: Flask) -> list[Rule]:
    return [
        r
        for r in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in (r._converters or {}).values())
    ]


def _url(rule: Rule, big: int) -> str:
    """The rule's path with every int argument ``big`` and the others a plausible value."""
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = big
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, PathConverter):
            values[name] = "a/b.bpmn"
        else:
            values[name] = "x"
    return _build(rule, values)


def _build(rule: Rule, values: dict[str, Any]) -> str:
    # IntegerConverter.to_url does not check bounds, so a URL with any number can be built.
    built = rule.build(values, append_unknown=False)
    assert built is not None
    return built[1]


def test_the_app_has_int_routes_for_the_walk_below(app: Flask) -> None:
    rules = _int_rules(app)
    assert len(rules) > 30
    assert any(r.rule == "/api/v1/dossiers/<int:dossier_id>" for r in rules)


@pytest.mark.parametrize("big", HUGE_IDS)
def test_no_route_matches_an_id_beyond_the_database_range(app: Flask, big: int) -> None:
    """Every ``<int:...>`` route, now and added later: an id beyond 2^31-1 names no row."""
    adapter = app.url_map.bind("localhost")
    for rule in _int_rules(app):
        path = _url(rule, big)
        for method in rule.methods or ():
            with pytest.raises(NotFound):
                adapter.match(path, method=method)
        # The largest id a row can have still reaches the view.
        assert adapter.match(_url(rule, MAX_ID), method=next(iter(rule.methods or ())))


@pytest.mark.parametrize("big", HUGE_IDS)
def test_every_get_route_with_an_id_answers_404_to_a_huge_one(
    client: FlaskClient, world: World, big: int
) -> None:
    sign_in(client, world.users["director"])
    app = client.application
    for rule in _int_rules(app):
        if "GET" not in (rule.methods or ()):
            continue
        path = _url(rule, big)
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["code"] == "not_found"


def test_zero_and_leading_signs_are_no_ids(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["director"])
    for path in ("/dossiers/0", "/dossiers/-1", "/api/v1/dossiers/0", "/api/v1/tasks/+1"):
        assert client.get(path).status_code == 404, path


# --- list filters ----------------------------------------------------------------------------

BAD_LIST_ARGS = [
    ("page", "-1"),
    ("page", "0"),
    ("page", "abc"),
    ("page", "1.5"),
    ("page", str(2**64)),
    ("page", "٣"),  # an Arabic-Indic digit: str.isdigit says yes, int() takes it
    ("sort", "bogus"),
    ("campaign", str(MAX_ID + 1)),
    ("campaign", str(2**63)),
    ("campaign", "abc"),
    ("unit", str(2**63)),
    ("unit", "-3"),
    ("q", "x" * 101),
]
LISTS = ["/tasks/mine", "/tasks/group", "/dossiers"]


@pytest.mark.parametrize(("name", "value"), BAD_LIST_ARGS)
@pytest.mark.parametrize("path", LISTS)
def test_list_pages_refuse_a_bad_parameter_with_a_message(
    client: FlaskClient, world: World, path: str, name: str, value: str
) -> None:
    sign_in(client, world.users["secretariat"])
    response = client.get(path, query_string={name: value})
    assert response.status_code == 422, response.status_code
    assert f"({name})" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "value"), [*BAD_LIST_ARGS, ("due", "bogus")])
@pytest.mark.parametrize("path", ["/api/v1/tasks/mine", "/api/v1/dossiers"])
def test_api_lists_refuse_a_bad_parameter_naming_it(
    client: FlaskClient, world: World, path: str, name: str, value: str
) -> None:
    sign_in(client, world.users["secretariat"])
    response = client.get(path, query_string={name: value})
    assert response.status_code == 400
    error = response.get_json()
    assert error["code"] == "invalid_parameter"
    assert name in error["fields"]


def test_a_refused_list_parameter_matches_the_openapi_document(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    spec = api_spec(client)
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(world.users["head_a"]))
    headers = {"Authorization": f"Bearer {token}"}
    for path, args in (
        ("/api/v1/dossiers", {"page": "abc"}),
        ("/api/v1/tasks/mine", {"q": "a\x00b"}),
    ):
        status = 400
        response = client.get(path, query_string=args, headers=headers)
        assert response.status_code == status
        request = MockRequest("http://localhost", "get", path, headers=headers)
        spec.validate_response(
            request,
            MockResponse(response.data, status_code=status, content_type=response.mimetype or ""),
        )


@pytest.mark.parametrize("path", [*LISTS, "/api/v1/dossiers", "/api/v1/tasks/group"])
def test_valid_list_parameters_still_work(client: FlaskClient, world: World, path: str) -> None:
    sign_in(client, world.users["secretariat"])
    unit = world.units["A"].id
    for args in ({}, {"page": "1", "unit": str(unit), "campaign": "", "q": "Hà"}, {"page": "9"}):
        assert client.get(path, query_string=args).status_code == 200, args


def test_dashboard_and_award_look_up_refuse_out_of_range_numbers(
    client: FlaskClient, world: World
) -> None:
    sign_in(client, world.users["secretariat"])
    assert client.get("/dashboard/", query_string={"campaign": str(2**63)}).status_code == 422
    assert client.get("/dashboard/", query_string={"campaign": ""}).status_code == 200
    assert client.get("/awards/", query_string={"page": str(2**64)}).status_code == 422
    assert client.get("/awards/", query_string={"page": "-1"}).status_code == 422


# --- NUL characters --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*LISTS, "/api/v1/dossiers", "/awards/", "/council"])
def test_nul_in_a_query_argument_is_400(client: FlaskClient, world: World, path: str) -> None:
    sign_in(client, world.users["secretariat"])
    response = client.get(path, query_string={"q": "Hà\x00"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_in_a_comment_or_a_file_name_is_400(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    token = csrf_token(client)
    response = client.post(
        f"/dossiers/{world.dossier.id}/comments",
        data={"body": "ý kiến\x00", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    response = client.post(
        f"/tasks/{world.task.id}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4"), "ho-so\x00.pdf"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_nul_in_the_path_is_400(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["secretariat"])
    assert client.get("/lang/v%00i").status_code == 400


# --- JSON bodies -----------------------------------------------------------------------------


def _api_post(
    client: FlaskClient, session_factory: sessionmaker[Session], world: World, body: str
) -> Any:
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(world.users["head_a"]))
    return client.post(
        f"/api/v1/tasks/{world.task.id}/complete",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("depth", [100, 10_000, 100_000])
def test_deeply_nested_json_is_400(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], depth: int
) -> None:
    body = '{"data": {"x": ' + "[" * depth + "]" * depth + "}}"
    response = _api_post(client, session_factory, world, body)
    assert response.status_code == 400
    assert response.get_json()["code"] == "bad_request"


def test_nul_in_a_json_string_is_400(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    body = json.dumps({"data": {"decision": "approve", "comment": "a\x00b"}})
    response = _api_post(client, session_factory, world, body)
    assert response.status_code == 400
    assert response.get_json()["code"] == "bad_request"


# --- ids and years in forms and other pages' queries -------------------------------------------


def test_award_look_up_and_statistics_refuse_a_year_out_of_range(
    client: FlaskClient, world: World
) -> None:
    sign_in(client, world.users["secretariat"])
    for path, name in (("/awards/", "year"), ("/awards/statistics", "from")):
        for value in (str(2**63), "-1", "abc"):
            response = client.get(path, query_string={name: value})
            assert response.status_code == 422, (path, value)
            assert f"({name})" in response.get_data(as_text=True)
    assert client.get("/awards/statistics", query_string={"from": "2024"}).status_code == 200


def test_huge_ids_in_forms_name_no_row(client: FlaskClient, world: World) -> None:
    """A form's id beyond any row's is "none chosen", never sent to the database."""
    sign_in(client, world.users["clerk_a"])
    token = csrf_token(client)
    response = client.post(
        "/dossiers/new",
        data={"campaign_id": str(2**63), "nominee": f"user:{2**63}", "csrf_token": token},
    )
    assert response.status_code == 422
    response = client.post(
        f"/dossiers/{world.dossier.id}/comments",
        data={"body": "ý kiến", "task_id": str(2**63), "csrf_token": token},
    )
    assert response.status_code < 500
    response = client.post("/tasks/claim", data={"task_id": str(2**63), "csrf_token": token})
    assert response.status_code < 500
    sign_in(client, world.users["secretariat"])
    response = client.post(
        "/council",
        data={"campaign_id": str(2**63), "dossier_id": str(2**63), "csrf_token": token},
    )
    assert response.status_code == 422


def test_a_tampered_choice_is_400_not_none_chosen(client: FlaskClient, world: World) -> None:
    """Checkboxes and pickers that name no row are refused with a message, never dropped."""
    sign_in(client, world.users["clerk_a"])
    token = csrf_token(client)
    for bad in ("abc", "-1", str(2**63), "1 OR 1=1"):
        response = client.post("/tasks/claim", data={"task_id": bad, "csrf_token": token})
        assert response.status_code == 400, bad
        assert "không phải là mã hợp lệ" in response.get_data(as_text=True)
    # Nothing ticked is not an error: the group inbox comes back.
    assert client.post("/tasks/claim", data={"csrf_token": token}).status_code == 302
