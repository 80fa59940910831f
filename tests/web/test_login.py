from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.demo import DEMO_PASSWORD, load_demo
from engine.unit_of_work import unit_of_work


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _load_demo(app: Flask) -> None:
    with unit_of_work(app.extensions["tdkt"].session_factory) as session:
        load_demo(session)


def test_login_page_lists_demo_accounts(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert "giamdoc" in page
    assert "Nông Văn Thắng" in page
    assert DEMO_PASSWORD in page


def test_login_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    response = client.post("/login", data={"username": "giamdoc", "password": DEMO_PASSWORD})
    assert response.status_code == 400


def test_wrong_password_is_refused_with_a_message(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "giamdoc", "password": "wrong", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_demo_user_logs_in_and_out(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "giamdoc", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"]
    client.post("/logout", data={"csrf_token": token})
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_refuses_an_open_redirect(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/",
        data={"username": "giamdoc", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert "evil.example" not in response.headers["Location"]


#: ``next`` values as they appear in the query string (already percent-encoded), each one an
#: attempt to leave the site: a browser drops the tab or newline of "/%09/evil.example/" and
#: goes to //evil.example/, another host.
HOSTILE_NEXT = (
    "/%09/evil.example/",
    "/%0A/evil.example/",
    "/%0D%0ALocation:%20//evil.example/",
    "//evil.example",
    "/%5Cevil.example",
    "/%5C/evil.example",
    "https://evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "/%09/evil",
    "%09//evil.example",
    "/%252F/evil.example",
    "/%E2%80%8B/evil.example",
)
#: Paths of this site, kept as they are (decoded).
GOOD_NEXT = (
    ("/dossiers?page=2", "/dossiers?page=2"),
    ("/dossiers%3Fpage%3D2", "/dossiers?page=2"),
    ("/tasks/mine", "/tasks/mine"),
)


def _same_origin(location: str) -> None:
    """The redirect stays on this site: a path, one leading slash, no host, nothing hidden."""
    parts = urlsplit(location)
    assert not parts.scheme, location
    assert not parts.netloc, location
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in location), location
    assert "evil" not in location, location


def _log_in(client: FlaskClient, next_query: str) -> tuple[int, str]:
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        f"/login?next={next_query}",
        data={"username": "giamdoc", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize("next_query", HOSTILE_NEXT)
def test_login_never_redirects_off_site(app: Flask, client: FlaskClient, next_query: str) -> None:
    _load_demo(app)
    status, location = _log_in(client, next_query)
    assert status == 302
    _same_origin(location)
    assert location == "/"  # the inbox


@pytest.mark.parametrize(("next_query", "expected"), GOOD_NEXT)
def test_login_follows_a_path_of_this_site(
    app: Flask, client: FlaskClient, next_query: str, expected: str
) -> None:
    _load_demo(app)
    assert _log_in(client, next_query) == (302, expected)


@pytest.mark.parametrize("next_query", HOSTILE_NEXT)
def test_language_switch_never_redirects_off_site(client: FlaskClient, next_query: str) -> None:
    response = client.get(f"/lang/en?next={next_query}")
    assert response.status_code == 302
    _same_origin(response.headers["Location"])
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("next_query", "expected"), GOOD_NEXT)
def test_language_switch_follows_a_path_of_this_site(
    client: FlaskClient, next_query: str, expected: str
) -> None:
    response = client.get(f"/lang/en?next={next_query}")
    assert (response.status_code, response.headers["Location"]) == (302, expected)


def test_login_with_a_non_ascii_next_stays_on_site(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    status, location = _log_in(client, quote("/dossiers?q=Hà Giang"))
    assert status == 302
    _same_origin(location)
