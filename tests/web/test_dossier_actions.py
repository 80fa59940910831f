"""Filing a dossier, opening a council session, withdrawing and allowing an exception, through
the pages on the real engine; and what the dossier page then shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.models import Campaign
from engine.read import queries
from tests.common.worlds import World
from tests.web.conftest import NOMINEE, csrf_token, sign_in


def _campaign_id(world: World) -> int:
    with world.procedure.factory() as s:
        return s.scalars(select(Campaign.id)).one()


def _file(client: FlaskClient, world: World, title: str, nominee: str) -> object:
    return client.post(
        "/dossiers/new",
        data={
            "csrf_token": csrf_token(client),
            "campaign_id": _campaign_id(world),
            "title_code": title,
            "nominee": nominee,
            "achievements": "Hoàn thành xuất sắc nhiệm vụ.",
        },
    )


def test_clerk_files_a_dossier_for_a_person_of_the_unit(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["clerk_a"])
    assert 'id="file-dossier"' in client.get("/dossiers").get_data(as_text=True)
    form = client.get("/dossiers/new").get_data(as_text=True)
    assert "Phạm Xuân Tuấn" in form  # cb011, staff of unit A
    assert "Mạc Thanh Quyết" not in form  # cb005, staff of unit B
    assert "Tập thể lao động tiên tiến (tập thể)" in form
    person = world.procedure.user("cb011")
    response = _file(client, world, "LDTT", f"user:{person.id}")
    assert response.status_code == 302  # type: ignore[attr-defined]
    dossier_id = int(response.headers["Location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    assert world.procedure.ready(dossier_id) == ["prepare_dossier"]
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Phạm Xuân Tuấn" in page
    assert "Đã lập hồ sơ" in page


def test_filing_errors_are_shown_next_to_the_fields(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["clerk_a"])
    wrong_kind = _file(client, world, "TTLDTT", f"user:{world.procedure.user('cb011').id}")
    assert wrong_kind.status_code == 422  # type: ignore[attr-defined]
    html = wrong_kind.get_data(as_text=True)  # type: ignore[attr-defined]
    assert re.search(r'id="f-title_code-error">Không xét cho cá nhân\.<', html)
    no_nominee = _file(client, world, "LDTT", "")
    assert re.search(
        r'id="f-nominee-error">Chọn một cá nhân hoặc một tập thể\.<',
        no_nominee.get_data(as_text=True),  # type: ignore[attr-defined]
    )
    again = _file(client, world, "LDTT", f"user:{world.procedure.user('cb004').id}")
    assert again.status_code == 422  # type: ignore[attr-defined]
    assert f"{NOMINEE} đã có hồ sơ" in again.get_data(as_text=True)  # type: ignore[attr-defined]


def test_unit_files_a_collective_title_for_itself(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["clerk_a"])
    response = _file(client, world, "TTLDTT", f"unit:{world.unit_a.id}")
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Tập thể lao động tiên tiến" in page


def test_secretariat_opens_a_council_session_then_fills_its_first_step(
    client: FlaskClient, world: World
) -> None:
    proc = world.procedure
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    proc.end_posting()
    sign_in(client, world.users["secretariat"])
    page = client.get("/council").get_data(as_text=True)
    assert f'name="dossier_id" value="{world.dossier.id}"' in page
    missing_date = client.post(
        "/council",
        data={
            "csrf_token": csrf_token(client),
            "campaign_id": _campaign_id(world),
            "dossier_id": world.dossier.id,
        },
    )
    assert missing_date.status_code == 422
    assert 'id="f-meeting_date-error"' in missing_date.get_data(as_text=True)
    opened = client.post(
        "/council",
        data={
            "csrf_token": csrf_token(client),
            "campaign_id": _campaign_id(world),
            "dossier_id": world.dossier.id,
            "meeting_date": "2026-12-28",
        },
    )
    assert opened.status_code == 302
    task_id = proc.open_task("open_session").id
    assert opened.headers["Location"].endswith(f"/tasks/{task_id}")
    assert f'href="/tasks/{task_id}"' in client.get("/tasks/group").get_data(as_text=True)


def test_clerk_withdraws_with_a_reason_and_the_page_says_so(
    client: FlaskClient, world: World
) -> None:
    sign_in(client, world.users["clerk_a"])
    url = f"/dossiers/{world.dossier.id}"
    assert 'id="withdraw-form"' in client.get(url).get_data(as_text=True)
    blank = client.post(f"{url}/withdraw", data={"csrf_token": csrf_token(client), "reason": ""})
    assert blank.status_code == 422
    assert 'id="withdraw-error"' in blank.get_data(as_text=True)
    assert "Nêu lý do rút hồ sơ." in blank.get_data(as_text=True)
    client.post(f"{url}/withdraw", data={"csrf_token": csrf_token(client), "reason": "Xin rút"})
    page = client.get(url).get_data(as_text=True)
    assert 'data-status="withdrawn"' in page
    assert 'id="withdraw-form"' not in page


def test_a_too_long_reason_is_422_and_the_typed_text_is_kept(
    client: FlaskClient, world: World
) -> None:
    """Refused reasons come back on the page, not as a redirect that loses what was typed."""
    sign_in(client, world.users["clerk_a"])
    url = f"/dossiers/{world.dossier.id}"
    long_reason = "Lý do rất dài " * 2000
    response = client.post(
        f"{url}/withdraw", data={"csrf_token": csrf_token(client), "reason": long_reason}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="withdraw-error"' in page
    assert 'aria-invalid="true"' in page
    assert long_reason.strip()[:200] in page
    assert 'data-status="withdrawn"' not in client.get(url).get_data(as_text=True)
    proc = world.procedure
    ineligible = proc.file("vanthu.qlkh", "cb011", "CSTDT")
    proc.prepare(ineligible)
    sign_in(client, proc.user("admin"))
    response = client.post(
        f"/dossiers/{ineligible}/override",
        data={"csrf_token": csrf_token(client), "reason": long_reason},
    )
    assert response.status_code == 422
    assert 'id="override-error"' in response.get_data(as_text=True)
    assert long_reason.strip()[:200] in response.get_data(as_text=True)


def test_administrator_lets_an_ineligible_dossier_go_on(client: FlaskClient, world: World) -> None:
    proc = world.procedure
    dossier_id = proc.file("vanthu.qlkh", "cb011", "CSTDT")
    proc.prepare(dossier_id)
    sign_in(client, world.users["clerk_a"])
    url = f"/dossiers/{dossier_id}"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<ul class="unmet"><li>[^<]*Chiến sĩ thi đua cơ sở', page)
    assert 'id="override-form"' not in page
    sign_in(client, proc.user("admin"))
    assert 'id="override-form"' in client.get(url).get_data(as_text=True)
    client.post(
        f"{url}/override", data={"csrf_token": csrf_token(client), "reason": "Thành tích đột xuất"}
    )
    assert proc.ready(dossier_id) == ["prepare_dossier"]
    assert "Thành tích đột xuất" in client.get(url).get_data(as_text=True)


def test_dossier_page_shows_the_council_counts_and_the_decision(
    client: FlaskClient, world: World
) -> None:
    proc = world.procedure
    proc.unit_review(world.dossier.id)
    proc.completeness(world.dossier.id)
    proc.end_posting()
    proc.hold_session({world.dossier.id: ["agree"] * 6 + ["disagree"]})
    proc.complete(
        "giamdoc",
        "director_decision",
        world.dossier.id,
        decision_no="120/QĐ-SKHCN",
        decision_date="2026-12-30",
        decision_note=None,
    )
    sign_in(client, world.users["clerk_a"])
    page = client.get(f"/dossiers/{world.dossier.id}").get_data(as_text=True)
    result = re.search(r'id="council-result">(.*?)</dd>', page, re.S)
    assert result
    assert "6 đồng ý, 1 không đồng ý / 7 thành viên" in result.group(1)
    assert re.search(r'id="decision">120/QĐ-SKHCN — 30/12/2026<', page)
    assert "Nghị định 152/2025/NĐ-CP" in page, "the legal basis is named, not coded"
    assert 'data-status="awarded"' in page


def test_due_soon_counts_working_days_not_calendar_days() -> None:
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
    end_of_tuesday = datetime(2026, 12, 1, 16, 59, 59, tzinfo=UTC)
    end_of_wednesday = datetime(2026, 12, 2, 16, 59, 59, tzinfo=UTC)
    # Monday and Tuesday are the next two working days: four calendar days away, still soon.
    assert queries.due_state(end_of_tuesday, friday) == "soon"
    assert queries.due_state(end_of_wednesday, friday) == "ok"
    # Giỗ Tổ Hùng Vương (Sunday 26/4/2026, observed Monday 27/4) and 30/4–1/5 are days off.
    before_holidays = datetime(2026, 4, 24, 2, 0, tzinfo=UTC)
    assert queries.due_state(datetime(2026, 4, 29, 16, 0, tzinfo=UTC), before_holidays) == "soon"
