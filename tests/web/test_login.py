from __future__ import annotations

import re

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
