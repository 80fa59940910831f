"""Initiatives attached to a dossier: only the nominee's own, once per title and nominee, while
the dossier is prepared; the rules then read them (the cited article unchanged), the page, the
documents and the API show them, and each change is audited."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import admin
from engine.documents.context import nominee_rows
from engine.domain import dossiers, initiatives, nominees, sessions
from engine.domain.rules.legal_basis import citation
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.models import AuditEvent, Dossier, HumanTask, User
from engine.workflow import operations
from tests.agency import initiative_agency as ia

ND91_CSTDCS = "Luật TĐKT 2003 (sửa đổi 2013) Điều 23; NĐ 91/2017 Điều 9 khoản 3"


@pytest.fixture
def world(db_session: Session) -> ia.World:
    return ia.build(db_session)


def _file(
    session: Session,
    world: ia.World,
    title: str = "CSTDCS",
    *,
    nominee_user_id: int | None = None,
    nominee_unit_id: int | None = None,
) -> Dossier:
    if nominee_unit_id is None and nominee_user_id is None:
        nominee_user_id = world.anh.id
    return dossiers.file_dossier(
        session,
        world.clerk,
        campaign_id=world.campaign.id,
        title_code=title,
        nominee_user_id=nominee_user_id,
        nominee_unit_id=nominee_unit_id,
    )


def test_the_choices_are_the_nominees_own_initiatives_with_their_decision(
    db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    choices = initiatives.candidates(db_session, dossier)
    assert [c.title for c in choices] == [ia.LUU_TRU, ia.SO_HOA, ia.THAM_DINH]  # not Chi's
    so_hoa = next(c for c in choices if c.title == ia.SO_HOA)
    assert (so_hoa.year, so_hoa.level, so_hoa.kind) == (2022, "co_so", "initiative")
    assert so_hoa.decision == "12/QĐ-SKHCN — 15/12/2022 (Sở Khoa học và Công nghệ)"
    luu_tru = next(c for c in choices if c.title == ia.LUU_TRU)
    assert luu_tru.authors == ("Nguyễn Thị Ánh", "Trần Văn Bình")
    assert luu_tru.level == "bo_tinh"
    # A collective's: its members' of that year, recognised that year (not Chi's, not 2021's).
    team = _file(db_session, world, "TTLDTT", nominee_unit_id=world.qlkh.id)
    assert [c.title for c in initiatives.candidates(db_session, team)] == [ia.LUU_TRU, ia.SO_HOA]


def test_the_rules_read_the_attached_initiatives_and_cite_the_same_article(
    db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    # Nothing attached: every recognised initiative of the person counts, as before.
    assert dossier.eligibility["eligible"] is True
    cited = [c.citation for c in nominees.check(db_session, dossier).checked]
    assert set(cited) == {ND91_CSTDCS} == {citation("ND91_2017", "CSTDCS")}

    # Only the 2021 one attached: the 2022 CSTĐCS has no initiative of its year.
    initiatives.set_attached(db_session, world.clerk, dossier.id, [world.initiatives[ia.THAM_DINH]])
    db_session.refresh(dossier)
    assert dossier.eligibility["eligible"] is False
    assert dossier.eligibility["unmet"] == [
        "Theo NĐ 91/2017, Chiến sĩ thi đua cơ sở bắt buộc có sáng kiến được công nhận; "
        f"năm 2022 chưa có sáng kiến nào được công nhận ({ND91_CSTDCS})"
    ]

    attached = initiatives.set_attached(
        db_session, world.clerk, dossier.id, [world.initiatives[ia.SO_HOA]]
    )
    db_session.refresh(dossier)
    assert [a.title for a in attached] == [ia.SO_HOA]
    assert dossier.eligibility["eligible"] is True
    assert dossier.eligibility["unmet"] == []
    assert {c.citation for c in nominees.check(db_session, dossier).checked} == {ND91_CSTDCS}

    events = db_session.scalars(
        select(AuditEvent)
        .where(AuditEvent.dossier_id == dossier.id, AuditEvent.action == "initiatives_attached")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.summary["added"], e.summary["removed"]) for e in events] == [
        (world.clerk.id, [ia.THAM_DINH], []),
        (world.clerk.id, [ia.SO_HOA], [ia.THAM_DINH]),
    ]
    assert [e.summary["eligible"] for e in events] == [False, True]
    # Saving the same choice again changes nothing and records nothing.
    initiatives.set_attached(db_session, world.clerk, dossier.id, [world.initiatives[ia.SO_HOA]])
    assert (
        len(
            db_session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "initiatives_attached")
            ).all()
        )
        == 2
    )


def test_the_scope_of_the_attached_initiatives_is_what_cstdt_reads(
    db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    initiatives.set_attached(db_session, world.clerk, dossier.id, [world.initiatives[ia.LUU_TRU]])
    facts = nominees.history_for(db_session, dossier).facts(2022)
    assert facts is not None
    assert (facts.initiatives, facts.initiative_scope) == (1, "province")
    initiatives.set_attached(db_session, world.clerk, dossier.id, [world.initiatives[ia.SO_HOA]])
    facts = nominees.history_for(db_session, dossier).facts(2022)
    assert facts is not None
    assert (facts.initiatives, facts.initiative_scope) == (1, "unit")


def test_someone_elses_initiative_is_refused_with_a_reason(
    db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    with pytest.raises(ValidationFailed) as refused:
        initiatives.set_attached(
            db_session, world.clerk, dossier.id, [world.initiatives[ia.THANH_TRA]]
        )
    assert refused.value.field_errors["initiatives"] == (
        "Chỉ chọn được sáng kiến, đề tài mà Nguyễn Thị Ánh là tác giả, được công nhận từ năm "
        "2018 đến 2022."
    )
    with pytest.raises(ValidationFailed):
        initiatives.set_attached(db_session, world.clerk, dossier.id, [999_999])
    assert initiatives.attached(db_session, dossier.id) == []
    # The clerk of another unit may not choose them.
    with pytest.raises(Forbidden):
        initiatives.set_attached(
            db_session, world.other_clerk, dossier.id, [world.initiatives[ia.SO_HOA]]
        )


def test_one_initiative_backs_one_dossier_of_a_title_per_nominee(
    db_session: Session, world: ia.World
) -> None:
    first = _file(db_session, world)
    luu_tru = world.initiatives[ia.LUU_TRU]
    initiatives.set_attached(db_session, world.clerk, first.id, [luu_tru])
    # A co-author cites it in their own dossier.
    binh = _file(db_session, world, nominee_user_id=world.binh.id)
    initiatives.set_attached(db_session, world.clerk, binh.id, [luu_tru])
    # The same person's CSTĐCS of another round of the same year may not cite it again.
    second_round = admin.create_campaign(db_session, world.admin, ia.campaign_data("TD-2022-2"))
    again = dossiers.file_dossier(
        db_session,
        world.clerk,
        campaign_id=second_round.id,
        title_code="CSTDCS",
        nominee_user_id=world.anh.id,
    )
    held = {c.title: c.held_by for c in initiatives.candidates(db_session, again)}
    assert held[ia.LUU_TRU] == first.id
    assert held[ia.SO_HOA] is None
    with pytest.raises(ValidationFailed) as refused:
        initiatives.set_attached(db_session, world.clerk, again.id, [luu_tru])
    assert f"đã dùng cho hồ sơ #{first.id}" in refused.value.field_errors["initiatives"]
    # Withdrawn, the first dossier frees it.
    dossiers.withdraw_dossier(db_session, world.clerk, first.id, "Đề nghị ở đợt sau")
    initiatives.set_attached(db_session, world.clerk, again.id, [luu_tru])
    assert [a.title for a in initiatives.attached(db_session, again.id)] == [ia.LUU_TRU]


def test_the_clerks_submission_judges_by_the_attached_initiatives_then_takes_no_change(
    db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    assert dossier.eligibility["eligible"] is True  # by every initiative of the person
    initiatives.set_attached(db_session, world.clerk, dossier.id, [world.initiatives[ia.THAM_DINH]])
    task = db_session.scalars(
        select(HumanTask).where(
            HumanTask.dossier_id == dossier.id,
            HumanTask.element_id == "prepare_dossier",
            HumanTask.status == "ready",
        )
    ).one()
    # The real workflow's submission: the eligibility gateway reads the attached initiatives.
    operations.complete(
        db_session,
        task.id,
        world.clerk,
        {"achievement_report": "Báo cáo thành tích năm 2022", "initiative": None},
    )
    db_session.refresh(dossier)
    assert dossier.status == "blocked"
    assert "năm 2022 chưa có sáng kiến nào được công nhận" in dossier.eligibility["unmet"][0]
    with pytest.raises(Conflict):
        initiatives.set_attached(
            db_session, world.clerk, dossier.id, [world.initiatives[ia.SO_HOA]]
        )


def test_the_documents_list_the_attached_initiatives_with_the_achievements(
    db_session: Session, world: ia.World
) -> None:
    dossier = dossiers.file_dossier(
        db_session,
        world.clerk,
        campaign_id=world.campaign.id,
        title_code="CSTDCS",
        nominee_user_id=world.anh.id,
        achievements="Hoàn thành tốt nhiệm vụ năm 2022.",
    )
    plain = _file(db_session, world, nominee_user_id=world.binh.id)
    initiatives.set_attached(
        db_session,
        world.clerk,
        dossier.id,
        [world.initiatives[ia.SO_HOA], world.initiatives[ia.LUU_TRU]],
    )
    rows = {r.name: r for r in nominee_rows(db_session, [dossier, plain])}
    assert rows["Nguyễn Thị Ánh"].achievements == (
        "Hoàn thành tốt nhiệm vụ năm 2022.\n"
        "Sáng kiến, đề tài:\n"
        f"- Đề tài «{ia.LUU_TRU}» (2022, cấp bộ, ngành, tỉnh; 88/QĐ-UBND — 20/12/2022 "
        "(UBND tỉnh))\n"
        f"- Sáng kiến «{ia.SO_HOA}» (2022, cấp cơ sở; 12/QĐ-SKHCN — 15/12/2022 "
        "(Sở Khoa học và Công nghệ))"
    )
    assert rows["Trần Văn Bình"].achievements == ""


def _login(client: FlaskClient, user: User) -> None:
    """Sign in with a server-side session and send the CSRF token with every form."""
    factory = client.application.extensions["tdkt"].session_factory
    with factory() as db_session:
        token = sessions.start(db_session, user)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{token}"
        session["_fresh"] = True
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match
    client.environ_base["HTTP_X_CSRFTOKEN"] = match.group(1)


def test_the_page_offers_the_choice_and_refuses_bad_input_with_a_message(
    client: FlaskClient, db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    _login(client, world.clerk)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'id="initiatives-form"' in page
    assert ia.SO_HOA in page
    assert "12/QĐ-SKHCN" in page
    assert ia.THANH_TRA not in page

    bad = client.post(f"/dossiers/{dossier.id}/initiatives", data={"initiative_id": "abc"})
    assert bad.status_code == 422
    assert "Chọn sáng kiến, đề tài trong danh sách." in bad.get_data(as_text=True)
    foreign = client.post(
        f"/dossiers/{dossier.id}/initiatives",
        data={"initiative_id": str(world.initiatives[ia.THANH_TRA])},
    )
    assert foreign.status_code == 422
    assert "mà Nguyễn Thị Ánh là tác giả" in foreign.get_data(as_text=True)

    saved = client.post(
        f"/dossiers/{dossier.id}/initiatives",
        data={"initiative_id": str(world.initiatives[ia.SO_HOA])},
    )
    assert saved.status_code == 302
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'id="attached-initiatives"' in page
    assert "Cập nhật sáng kiến, đề tài của hồ sơ" in page  # the history

    # The API's dossier detail shows them, read-only.
    detail = client.get(f"/api/v1/dossiers/{dossier.id}").get_json()
    assert [
        (i["title"], i["year"], i["level"], i["decision_no"]) for i in detail["initiatives"]
    ] == [(ia.SO_HOA, 2022, "co_so", "12/QĐ-SKHCN")]


def test_a_clerk_of_another_unit_is_refused(
    client: FlaskClient, db_session: Session, world: ia.World
) -> None:
    dossier = _file(db_session, world)
    _login(client, world.other_clerk)
    response = client.post(
        f"/dossiers/{dossier.id}/initiatives",
        data={"initiative_id": str(world.initiatives[ia.SO_HOA])},
    )
    assert response.status_code in (403, 404)
    assert initiatives.attached(db_session, dossier.id) == []
