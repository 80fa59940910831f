"""Every admin page and action: allowed for its roles, 403 for everyone else, CSRF-checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import AuditEvent, User
from tests.admin.conftest import post, sign_in
from tests.common.worlds import World

Route = tuple[str, str, Callable[[World], dict[str, object]]]


def _none(_w: World) -> dict[str, object]:
    return {}


#: (method, path template, form data) — paths take {unit}, {user}, {task} from the world.
ADMIN_ONLY: list[Route] = [
    ("GET", "/admin/units", _none),
    ("POST", "/admin/units", lambda w: {"code": "N", "name": "Phòng mới"}),
    ("POST", "/admin/units/{unit}", lambda w: {"name": "Phòng A mới"}),
    ("POST", "/admin/units/{unit}/deactivate", _none),
    ("GET", "/admin/users", _none),
    (
        "POST",
        "/admin/users",
        lambda w: {
            "username": "moi",
            "full_name": "Lê Thị Mới",
            "email": "moi@example.test",
            "password": "mat-khau-dai",
        },
    ),
    ("GET", "/admin/users/{user}", _none),
    ("POST", "/admin/users/{user}/unit", lambda w: {"unit_id": w.unit_b.id}),
    ("POST", "/admin/users/{user}/password", lambda w: {"password": "mat-khau-moi-1"}),
    ("POST", "/admin/users/{user}/roles", lambda w: {"role_code": "director"}),
    ("POST", "/admin/users/{user}/deactivate", _none),
    ("GET", "/admin/council", _none),
    ("POST", "/admin/council", lambda w: {"name": "Nhiệm kỳ 2025–2030", "starts_on": "2025-01-01"}),
    ("GET", "/admin/versions", _none),
    ("POST", "/admin/versions", _none),
    ("GET", "/admin/rules", _none),
    (
        "POST",
        "/admin/rules/settings",
        lambda w: {
            "legal_basis": "ND98_2023",
            "title_code": "*",
            "key": "quorum_percent",
            "value": "200/3",
            "citation": "Quy chế Hội đồng TĐKT của Sở, Điều 5",
        },
    ),
    ("POST", "/admin/rules/ladders", lambda w: {"task_type": "default", "ladder": "[]"}),
]
SECRETARIAT_TOO: list[Route] = [
    ("GET", "/admin/", _none),
    ("GET", "/admin/campaigns", _none),
    (
        "POST",
        "/admin/campaigns",
        lambda w: {
            "code": "TD-2026",
            "name": "Phong trào thi đua năm 2026",
            "kind": "annual",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "registration_deadline": "2026-03-31",
            "nomination_deadline": "2026-11-30",
            "legal_basis": "ND152_2025",
            "title_codes": ["LDTT", "CSTDCS"],
        },
    ),
    ("GET", "/admin/calendar", _none),
    ("POST", "/admin/calendar", lambda w: {"day": "2026-05-04", "kind": "off", "note": "Nghỉ"}),
]
OTHERS = ("clerk_a", "head_a", "council", "director", "outsider")


def _url(template: str, world: World) -> str:
    # The outsider is the user the user-level actions act on: nobody's last role holder.
    return template.format(
        unit=world.unit_b.id, user=world.users["outsider"].id, task=world.task.id
    )


def _request(client: FlaskClient, method: str, url: str, data: dict[str, object]) -> int:
    if method == "GET":
        return client.get(url).status_code
    return post(client, url, data).status_code


def _audit_count(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _cases(routes: list[Route], roles: tuple[str, ...]) -> list[object]:
    return [pytest.param(r, role, id=f"{role}-{r[0]}-{r[1]}") for r in routes for role in roles]


@pytest.mark.parametrize(
    ("route", "role"),
    _cases(ADMIN_ONLY, ("admin",)) + _cases(SECRETARIAT_TOO, ("admin", "secretariat")),
)
def test_allowed(
    client: FlaskClient, world: World, admin_user: User, route: Route, role: str
) -> None:
    method, template, data = route
    sign_in(client, world.users[role])
    status = _request(client, method, _url(template, world), data(world))
    # 422 is a form sent back with its errors (the empty upload): still the page's answer.
    assert status in (200, 302, 422)


@pytest.mark.parametrize(
    ("route", "role"),
    _cases(ADMIN_ONLY, ("secretariat", *OTHERS)) + _cases(SECRETARIAT_TOO, OTHERS),
)
def test_refused(
    client: FlaskClient,
    world: World,
    admin_user: User,
    session_factory: sessionmaker[Session],
    route: Route,
    role: str,
) -> None:
    method, template, data = route
    before = _audit_count(session_factory)
    sign_in(client, world.users[role])
    assert _request(client, method, _url(template, world), data(world)) == 403
    assert _audit_count(session_factory) == before


@pytest.mark.parametrize("route", ADMIN_ONLY + SECRETARIAT_TOO, ids=lambda r: f"{r[0]}-{r[1]}")
def test_signed_out_is_sent_to_log_in(client: FlaskClient, world: World, route: Route) -> None:
    method, template, _data = route
    url = _url(template, world)
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "POST":
        assert response.status_code == 400  # no CSRF token: refused before anything else
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "route", [r for r in ADMIN_ONLY + SECRETARIAT_TOO if r[0] == "POST"], ids=lambda r: r[1]
)
def test_every_form_needs_its_csrf_token(
    client: FlaskClient,
    world: World,
    admin_user: User,
    session_factory: sessionmaker[Session],
    route: Route,
) -> None:
    _method, template, data = route
    sign_in(client, admin_user)
    before = _audit_count(session_factory)
    response = client.post(_url(template, world), data=data(world))
    assert response.status_code == 400
    assert _audit_count(session_factory) == before


def test_navigation_shows_admin_only_to_its_users(
    client: FlaskClient, world: World, admin_user: User
) -> None:
    for role, shown in (("admin", True), ("secretariat", True), ("clerk_a", False)):
        sign_in(client, world.users[role])
        page = client.get("/tasks/mine").get_data(as_text=True)
        assert ('href="/admin/"' in page) is shown, role
