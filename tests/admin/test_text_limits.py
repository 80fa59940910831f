"""Admin forms bound every text: a too-long value is a 422 with the field's message."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import CouncilTerm, User
from tests.admin.conftest import post, sign_in
from tests.common.worlds import World


def test_a_too_long_decision_number_is_refused(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    with session_factory() as s:
        terms = s.scalar(select(func.count()).select_from(CouncilTerm))
    response = post(
        client,
        "/admin/council",
        {"name": "Nhiệm kỳ 2026-2030", "starts_on": "2026-01-01", "decision_no": "9" * 100_000},
    )
    assert response.status_code == 422
    assert "Tối đa 80 ký tự." in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(CouncilTerm)) == terms


def test_a_too_long_position_is_refused(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    response = post(
        client,
        "/admin/users",
        {
            "username": "moi.nguoi",
            "full_name": "Người Mới",
            "email": "moi@example.org",
            "password": "mat-khau-du-dai-123",
            "position": "Chuyên viên " * 10_000,
        },
    )
    assert response.status_code == 422
    assert "Tối đa 255 ký tự." in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.scalar(select(User.id).where(User.username == "moi.nguoi")) is None
