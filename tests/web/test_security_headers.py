"""Response headers: no-store for a signed-in user's pages and the API, HSTS over https,
Allow on a 405 (pages and API alike)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.domain.tokens import create_token
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in

PDF = b"%PDF-1.4\n% test\n"
HSTS = "Strict-Transport-Security"


def _no_store(response: object) -> bool:
    return response.headers.get("Cache-Control") == "no-store"  # type: ignore[attr-defined]


def test_signed_in_pages_are_never_stored(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    for url in (
        "/tasks/mine",
        f"/tasks/{world.task.id}",
        f"/dossiers/{world.dossier.id}",
        "/notifications",
        "/",  # a redirect for a signed-in user
        "/dossiers/999999",  # an error page for a signed-in user
    ):
        response = client.get(url)
        assert _no_store(response), (url, response.status_code, response.headers)


def test_a_download_is_never_stored(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["head_a"])
    client.post(
        f"/tasks/{world.task.id}/attachments",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(PDF), "bien-ban.pdf")},
        content_type="multipart/form-data",
    )
    with client.get("/attachments/1") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_are_never_stored(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as s:
        token = create_token(s, s.merge(world.users["head_a"]))
    headers = {"Authorization": f"Bearer {token}"}
    for url in ("/api/v1/tasks/mine", f"/api/v1/dossiers/{world.dossier.id}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert _no_store(response), url
    assert _no_store(client.get("/api/v1/tasks/mine"))  # a 401 too
    sign_in(client, world.users["head_a"])
    assert _no_store(client.get("/api/v1/tasks/mine"))  # the browser session's user


def test_static_files_stay_cacheable_and_log_in_page_is_not_a_user_page(
    client: FlaskClient, world: World
) -> None:
    assert not _no_store(client.get("/login"))
    sign_in(client, world.users["head_a"])
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert not _no_store(response)


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    assert HSTS not in client.get("/login").headers


def test_hsts_when_the_request_is_secure(client: FlaskClient) -> None:
    response = client.get("/login", base_url="https://localhost")
    assert response.headers[HSTS].startswith("max-age=")
    assert int(response.headers[HSTS].removeprefix("max-age=").split(";")[0]) >= 15552000


@pytest.fixture
def https_app(settings: Settings, clean_db: Engine) -> Iterator[Flask]:
    """The app behind a TLS-terminating proxy: TDKT_BASE_URL is https, requests arrive on http."""
    from web.app import create_app

    flask_app = create_app(
        {"TESTING": True},
        settings=settings.model_copy(update={"base_url": "https://tdkt.sokhcn.caobang.gov.vn"}),
    )
    yield flask_app
    flask_app.extensions["tdkt"].dispose()


def test_hsts_behind_a_proxy_when_the_public_url_is_https(https_app: Flask) -> None:
    response = https_app.test_client().get("/login")
    assert response.headers[HSTS] == "max-age=31536000"


def test_405_page_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.get("/logout")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    assert response.mimetype == "text/html"


def test_405_from_the_api_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.delete("/api/v1/tasks/mine")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json()["code"] == "method_not_allowed"
