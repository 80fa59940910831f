"""Organisation, campaign and rule forms: validation next to fields, effects, the audit trail."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import AuditEvent, Campaign, Notification, OrgUnit, RuleSetting, User
from tests.admin.conftest import post, sign_in
from tests.common.worlds import World


def _actions(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_moving_a_unit_under_its_own_sub_unit_is_refused(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    a, b = world.unit_a.id, world.unit_b.id
    assert post(client, f"/admin/units/{b}", {"name": "Phòng B", "parent_id": a}).status_code == 302
    response = post(client, f"/admin/units/{a}", {"name": "Phòng A", "parent_id": b})
    assert response.status_code == 422
    assert "trực thuộc nó" in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.get(OrgUnit, a).parent_id is None  # type: ignore[union-attr]
    assert _actions(session_factory).count("unit_updated") == 1


def test_a_unit_with_active_staff_cannot_be_deactivated(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    response = post(client, f"/admin/units/{world.unit_b.id}/deactivate", follow_redirects=True)
    assert "còn người dùng đang hoạt động" in response.get_data(as_text=True)
    with session_factory() as s:
        assert s.get(OrgUnit, world.unit_b.id).active  # type: ignore[union-attr]


def test_a_new_user_can_log_in_and_errors_stand_next_to_their_fields(
    client: FlaskClient, world: World, admin_user: User
) -> None:
    sign_in(client, admin_user)
    bad = post(
        client,
        "/admin/users",
        {"username": "moi", "full_name": "", "email": "khong-hop-le", "password": "ngan"},
    )
    assert bad.status_code == 422
    assert 'id="f-full_name-error"' in bad.get_data(as_text=True)
    good = post(
        client,
        "/admin/users",
        {
            "username": "moi",
            "full_name": "Lê Thị Mới",
            "email": "moi@example.test",
            "password": "mat-khau-dai",
            "unit_id": world.unit_a.id,
        },
    )
    assert good.status_code == 302
    client.post("/logout", data={"csrf_token": ""})
    fresh = client.application.test_client()
    page = fresh.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    login = fresh.post(
        "/login", data={"csrf_token": token, "username": "moi", "password": "mat-khau-dai"}
    )
    assert login.status_code == 302


def test_a_unit_scoped_role_needs_a_unit(
    client: FlaskClient, world: World, admin_user: User
) -> None:
    sign_in(client, admin_user)
    response = post(
        client, f"/admin/users/{world.users['outsider'].id}/roles", {"role_code": "unit_clerk"}
    )
    assert response.status_code == 422
    assert 'id="f-unit_id-error"' in response.get_data(as_text=True)


def test_a_term_has_one_chair(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    post(client, "/admin/council", {"name": "Nhiệm kỳ 2025–2030", "starts_on": "2025-01-01"})
    with session_factory() as s:
        term_id = s.scalar(
            select(AuditEvent.summary).where(AuditEvent.action == "council_term_saved")
        )
    assert term_id is not None
    url = f"/admin/council/{term_id['term_id']}/members"
    assert (
        post(client, url, {"user_id": world.users["director"].id, "position": "chair"}).status_code
        == 302
    )
    second = post(client, url, {"user_id": world.users["council"].id, "position": "chair"})
    assert second.status_code == 422
    assert 'id="f-position-error"' in second.get_data(as_text=True)


CAMPAIGN = {
    "code": "TD-2026",
    "name": "Phong trào thi đua năm 2026",
    "kind": "annual",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "registration_deadline": "2026-03-31",
    "nomination_deadline": "2026-11-30",
    "legal_basis": "ND152_2025",
    "title_codes": ["LDTT", "CSTDCS"],
}


def test_campaign_dates_are_checked_next_to_their_fields(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["secretariat"])
    response = post(
        client,
        "/admin/campaigns",
        CAMPAIGN | {"nomination_deadline": "2026-02-01", "title_codes": []},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-nomination_deadline-error"' in page
    assert 'id="f-title_codes-error"' in page
    with session_factory() as s:
        assert s.scalar(select(Campaign).where(Campaign.code == "TD-2026")) is None


def test_opening_a_campaign_tells_every_units_clerk_once(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, world.users["secretariat"])
    assert post(client, "/admin/campaigns", CAMPAIGN).status_code == 302
    with session_factory() as s:
        campaign = s.scalar(select(Campaign).where(Campaign.code == "TD-2026"))
        assert campaign is not None
        assert campaign.opened_at is None
        assert s.scalars(select(Notification)).all() == []
    post(client, f"/admin/campaigns/{campaign.id}/open")
    post(client, f"/admin/campaigns/{campaign.id}/open")  # a second click changes nothing
    with session_factory() as s:
        told = sorted(
            s.scalars(select(Notification.user_id).where(Notification.kind == "campaign_opened"))
        )
        opened = s.get(Campaign, campaign.id)
        assert opened is not None
        assert opened.opened_by == world.users["secretariat"].id
    assert told == sorted([world.users["clerk_a"].id, world.users["clerk_b"].id])


def test_a_rule_setting_records_who_set_it_and_on_what_authority(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    data = {
        "legal_basis": "ND98_2023",
        "title_code": "CSTDT",
        "key": "threshold_percent",
        "value": "90",
        "citation": "Quy chế Hội đồng TĐKT của Sở (QĐ 12/QĐ-SKHCN), Điều 7",
    }
    assert post(client, "/admin/rules/settings", data).status_code == 302
    bad = post(client, "/admin/rules/settings", data | {"value": "150"})
    assert bad.status_code == 422
    assert 'id="f-value-error"' in bad.get_data(as_text=True)
    with session_factory() as s:
        row = s.scalar(select(RuleSetting))
        assert row is not None
        assert (row.value, row.set_by) == (90, admin_user.id)
    page = client.get("/admin/rules").get_data(as_text=True)
    assert "QĐ 12/QĐ-SKHCN" in page
    assert "rule_set" in page


def test_the_rules_page_cites_the_dmn_rows(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    from pathlib import Path

    from engine.workflow import operations

    workflows = Path(__file__).parents[2] / "workflows"
    with session_factory() as s:
        operations.deploy(s, [workflows])
    sign_in(client, admin_user)
    page = client.get("/admin/rules").get_data(as_text=True)
    assert 'data-rule="vote_rule_rule_1"' in page
    assert "NĐ 91/2017 Điều 45" in page
    assert "posting_days" in page  # the posting step's limit, from the procedure


def test_an_invalid_reminder_ladder_is_refused_next_to_it(
    client: FlaskClient, world: World, admin_user: User
) -> None:
    sign_in(client, admin_user)
    response = post(
        client, "/admin/rules/ladders", {"task_type": "default", "ladder": '[{"key": "x"}]'}
    )
    assert response.status_code == 422
    assert "missing field" in response.get_data(as_text=True)


def test_a_basis_outside_its_period_is_refused_unless_an_administrator_gives_a_reason(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    old = {**CAMPAIGN, "code": "TD-CU", "legal_basis": "ND91_2017"}
    sign_in(client, world.users["secretariat"])
    refused = post(client, "/admin/campaigns", {**old, "basis_override_reason": "Thử"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "NĐ 91/2017 có hiệu lực từ 01/10/2017 đến 31/12/2023" in page
    assert "Chỉ quản trị viên được áp dụng ngoài thời kỳ" in page
    sign_in(client, admin_user)
    assert post(client, "/admin/campaigns", old).status_code == 422
    reason = "Hồ sơ năm 2023 xét theo quy định chuyển tiếp (QĐ 9/QĐ-SKHCN)"
    accepted = post(client, "/admin/campaigns", {**old, "basis_override_reason": reason})
    assert accepted.status_code == 302
    with session_factory() as s:
        campaign = s.scalars(select(Campaign).where(Campaign.code == "TD-CU")).one()
        assert campaign.basis_override_reason == reason
        event = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "campaign_created")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert event.summary["reason"] == reason
