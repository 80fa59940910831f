"""The log-in limits count failures per client address and user name, so a stranger's guesses
slow the stranger down and never lock the account's owner out; the client address comes from
X-Forwarded-For only through as many proxies as TDKT_TRUSTED_PROXIES says."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from engine.config import ConfigError, Settings, load_settings
from engine.demo import DEMO_PASSWORD, load_demo
from engine.unit_of_work import unit_of_work

REVIEWER = "truongphong.qlkh"
STRANGER = "203.0.113.7"
OWNER = "198.51.100.20"


def _load_demo(app: Flask) -> None:
    with unit_of_work(app.extensions["tdkt"].session_factory) as session:
        load_demo(session)


def _token(client: FlaskClient, **environ: str) -> str:
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _log_in(
    client: FlaskClient,
    password: str,
    address: str,
    forwarded_for: str | None = None,
    username: str = REVIEWER,
) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = _token(client, REMOTE_ADDR=address)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    ).status_code


@pytest.fixture
def proxied_app(settings: Settings, clean_db: Engine) -> Iterator[Flask]:
    """The web behind one trusted reverse proxy (TDKT_TRUSTED_PROXIES=1)."""
    from web.app import create_app

    flask_app = create_app(
        {"TESTING": True}, settings=settings.model_copy(update={"trusted_proxies": 1})
    )
    yield flask_app
    flask_app.extensions["tdkt"].dispose()


def test_a_strangers_failures_do_not_lock_the_owner_out(app: Flask, client: FlaskClient) -> None:
    _load_demo(app)
    stranger = [_log_in(client, "wrong", STRANGER) for _ in range(15)]
    assert 429 in stranger  # the stranger is stopped ...
    # ... and keeps guessing from a few more addresses (the old per-name limit fell at 20),
    for address in ("203.0.113.8", "203.0.113.9"):
        assert [_log_in(client, "wrong", address) for _ in range(8)] == [200] * 8
    owner = app.test_client()
    assert _log_in(owner, DEMO_PASSWORD, OWNER) == 302  # ... the reviewer is not


def test_the_same_address_is_refused_after_the_limit_with_a_clear_message(
    app: Flask, client: FlaskClient
) -> None:
    _load_demo(app)
    statuses = [_log_in(client, "wrong", STRANGER) for _ in range(10)]
    assert statuses == [200] * 10
    token = _token(client, REMOTE_ADDR=STRANGER)
    refused = client.post(
        "/login",
        data={"username": REVIEWER, "password": DEMO_PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": STRANGER},
    )
    assert refused.status_code == 429
    assert "Đăng nhập sai quá nhiều lần từ địa chỉ này" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another name from the same address is not held back by this name's back-off.
    assert _log_in(client, DEMO_PASSWORD, STRANGER, username="giamdoc") == 302


def test_x_forwarded_for_is_ignored_without_trusted_proxies(
    app: Flask, client: FlaskClient
) -> None:
    _load_demo(app)
    for n in range(10):
        assert _log_in(client, "wrong", STRANGER, forwarded_for=f"192.0.2.{n}") == 200
    # A forged header does not give the stranger a fresh address.
    assert _log_in(client, DEMO_PASSWORD, STRANGER, forwarded_for="192.0.2.99") == 429


def test_x_forwarded_for_gives_the_client_address_behind_a_trusted_proxy(
    proxied_app: Flask,
) -> None:
    _load_demo(proxied_app)
    proxy = "10.0.0.2"
    client = proxied_app.test_client()
    for _ in range(10):
        assert _log_in(client, "wrong", proxy, forwarded_for=STRANGER) == 200
    assert _log_in(client, DEMO_PASSWORD, proxy, forwarded_for=STRANGER) == 429
    # The reviewer's requests come through the same proxy, from their own address.
    owner = proxied_app.test_client()
    assert _log_in(owner, DEMO_PASSWORD, proxy, forwarded_for=OWNER) == 302


@pytest.mark.parametrize("value", ["one", "-1", "11", "1.5"])
def test_a_bad_trusted_proxies_value_stops_start_up_in_one_line(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"TDKT_TRUSTED_PROXIES": value})
    message = str(info.value)
    assert message.startswith("TDKT_TRUSTED_PROXIES: ")
    assert "\n" not in message


def test_trusted_proxies_defaults_to_none() -> None:
    assert load_settings({}).trusted_proxies == 0
    assert load_settings({"TDKT_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
