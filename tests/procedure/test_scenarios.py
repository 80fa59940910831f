"""Every path of the procedure, end to end, through engine operations only (issue 4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.domain import dossiers
from engine.errors import Conflict
from engine.models import AuditEvent, AwardRecord, SealedBallot
from tests.common.procedure import Procedure

AGREE_ALL = ["agree"] * 7


def test_in_house_title_is_awarded_by_the_director(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    assert world.ready(dossier_id) == ["prepare_dossier"]
    world.to_council(dossier_id)
    assert world.ready(dossier_id) == ["posting"]
    assert world.end_posting() == 1
    assert world.dossier(dossier_id).stage == "council"
    world.hold_session({dossier_id: AGREE_ALL})
    assert world.ready(dossier_id) == ["director_decision"]
    world.complete(
        "giamdoc",
        "director_decision",
        dossier_id,
        decision_no="120/QĐ-SKHCN",
        decision_date="2026-12-30",
        decision_note=None,
    )
    done = world.dossier(dossier_id)
    assert (done.status, done.stage) == ("awarded", "archived")
    assert done.decision_no == "120/QĐ-SKHCN"
    with world.factory() as session:
        award = session.scalars(
            select(AwardRecord).where(AwardRecord.dossier_id == dossier_id)
        ).one()
        assert (award.title_code, award.year, award.decision_no) == ("LDTT", 2026, "120/QĐ-SKHCN")
        assert award.issued_by == "Giám đốc Sở Khoa học và Công nghệ"


def test_unit_head_returns_the_dossier_and_the_clerk_resubmits(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(dossier_id)
    world.unit_review(dossier_id, "return", "Bổ sung minh chứng sáng kiến")
    assert world.ready(dossier_id) == ["prepare_dossier"]
    world.prepare(dossier_id)
    assert world.ready(dossier_id) == ["unit_review"]


def test_secretariat_returns_an_incomplete_dossier_to_the_clerk(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(dossier_id)
    world.unit_review(dossier_id)
    world.completeness(dossier_id, "return", "Thiếu biên bản họp đơn vị")
    assert world.ready(dossier_id) == ["prepare_dossier"]
    assert world.dossier(dossier_id).stage == "prepare"


def test_unit_head_rejects_the_dossier(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(dossier_id)
    world.unit_review(dossier_id, "reject", "Chưa đạt tiêu chuẩn")
    assert world.dossier(dossier_id).status == "rejected"
    assert world.ready(dossier_id) == []


def test_withdrawing_returns_the_dossier_withdrawn_and_leaves_no_transaction_open(
    world: Procedure,
) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    with world.factory() as session:
        dossier = dossiers.withdraw_dossier(
            session, world.user("vanthu.qlkh"), dossier_id, "Cá nhân xin rút"
        )
        assert (dossier.status, session.in_transaction()) == ("withdrawn", False)
    assert world.dossier(dossier_id).status == "withdrawn"


def test_unit_withdraws_before_the_council_but_not_after(world: Procedure) -> None:
    kept = world.file("vanthu.qlkh", "cb004", "LDTT")
    withdrawn = world.file("vanthu.qlkh", "cb011", "LDTT")
    world.to_council(kept)
    world.to_council(withdrawn)
    world.end_posting()
    with world.factory() as session:
        dossiers.withdraw_dossier(session, world.user("vanthu.qlkh"), withdrawn, "Cá nhân xin rút")
    assert world.dossier(withdrawn).status == "withdrawn"
    world.hold_session({kept: AGREE_ALL})
    with world.factory() as session, pytest.raises(Conflict):
        dossiers.withdraw_dossier(session, world.user("vanthu.qlkh"), kept, "Quá muộn")


def test_objection_during_posting_dismissed_then_upheld(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.to_council(dossier_id)
    world.complete(
        "thuky",
        "posting",
        dossier_id,
        objection_summary="Phản ánh về ngày công",
        objection_source="Đơn thư",
        objection_resolution="dismissed",
        resolution_note="Đã xác minh, không có cơ sở",
    )
    assert world.ready(dossier_id) == ["posting"]
    world.complete(
        "thuky",
        "posting",
        dossier_id,
        objection_summary="Vi phạm kỷ luật",
        objection_source="Thanh tra",
        objection_resolution="upheld",
        resolution_note="Có quyết định kỷ luật",
    )
    assert world.dossier(dossier_id).status == "rejected"


def test_quota_cut_ranks_by_votes_and_marks_the_excess_not_selected(world: Procedure) -> None:
    # The quota counts the unit's LĐTT decided for the year (here: 7, so 15 % gives 1), never
    # LĐTT dossiers still waiting for the council.
    for username in ("cb004", "cb011", "cb018", "cb025", "cb032", "cb039", "truongphong.qlkh"):
        world.give_awards(username, "LDTT", (2026,))
    world.make_outstanding("cb004")
    world.make_outstanding("cb011")
    strong = world.file("vanthu.qlkh", "cb004", "CSTDCS")
    weak = world.file("vanthu.qlkh", "cb011", "CSTDCS")
    for dossier_id in [strong, weak]:
        world.to_council(dossier_id)
    world.end_posting()
    votes = {strong: AGREE_ALL}
    votes[weak] = ["agree"] * 6 + ["disagree"]
    world.hold_session(votes)
    assert world.dossier(strong).status == "active"  # selected: the director decides next
    cut = world.dossier(weak)
    assert cut.status == "not_selected"
    with world.factory() as session:
        results = [
            e.summary["payload"]
            for e in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.dossier_id.in_([strong, weak]),
                    AuditEvent.action == "message_delivered",
                )
            )
        ]
    by_agree = {r["agree"]: r for r in results}
    assert by_agree[7]["selected"] is True
    assert by_agree[6]["selected"] is False
    assert "chỉ tiêu" in by_agree[6]["reason"]


def test_province_asks_to_supplement_then_approves(world: Procedure) -> None:
    world.give_awards("cb004", "CSTDCS", (2024, 2025))
    dossier_id = world.file("vanthu.qlkh", "cb004", "BKT")
    world.to_council(dossier_id)
    world.end_posting()
    world.hold_session({dossier_id: AGREE_ALL})
    _submit_to_province(world, dossier_id)
    world.complete(
        "thuky",
        "record_province_outcome",
        dossier_id,
        province_outcome="supplement",
        province_decision_no=None,
        province_decision_date=None,
        province_note="Bổ sung xác nhận sáng kiến",
    )
    assert world.ready(dossier_id) == ["supplement_dossier"]
    world.complete("thuky", "supplement_dossier", dossier_id, supplement_note="Đã bổ sung")
    assert world.ready(dossier_id) == ["record_sent"], "the supplemented set is sent again"
    world.complete(
        "thuky",
        "record_sent",
        dossier_id,
        sent_date="2027-01-10",
        sent_dispatch_no="15/SKHCN-VP",
        sent_to="Sở Nội vụ",
    )
    world.complete(
        "thuky",
        "record_province_outcome",
        dossier_id,
        province_outcome="approved",
        province_decision_no="2150/QĐ-UBND",
        province_decision_date="2027-01-20",
        province_note=None,
    )
    done = world.dossier(dossier_id)
    assert (done.status, done.decision_no) == ("awarded", "2150/QĐ-UBND")


def test_province_does_not_approve(world: Procedure) -> None:
    world.give_awards("cb004", "CSTDCS", (2024, 2025))
    dossier_id = world.file("vanthu.qlkh", "cb004", "BKT")
    world.to_council(dossier_id)
    world.end_posting()
    world.hold_session({dossier_id: AGREE_ALL})
    _submit_to_province(world, dossier_id)
    world.complete(
        "thuky",
        "record_province_outcome",
        dossier_id,
        province_outcome="not_approved",
        province_decision_no=None,
        province_decision_date=None,
        province_note="Không đủ tiêu chuẩn",
    )
    assert world.dossier(dossier_id).status == "not_approved"


def test_council_does_not_select_a_dossier_below_the_threshold(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.to_council(dossier_id)
    world.end_posting()
    world.hold_session({dossier_id: ["agree"] * 3 + ["disagree"] * 4})
    assert world.dossier(dossier_id).status == "not_selected"


def test_written_ballots_of_absent_members_count_and_votes_stay_sealed(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.to_council(dossier_id)
    world.end_posting()
    world.hold_session({dossier_id: AGREE_ALL}, absent=2)
    assert world.ready(dossier_id) == ["director_decision"]
    with world.factory() as session:
        assert session.scalars(select(SealedBallot).where(SealedBallot.written)).all()
        summaries = [e.summary for e in session.scalars(select(AuditEvent))]
    assert not any(_votes_in(s) for s in summaries), "no audit row shows how anyone voted"


def _votes_in(value: object) -> bool:
    """Return whether a vote (agree/disagree/recuse as a value, not a count's name) appears."""
    if isinstance(value, dict):
        return any(_votes_in(v) for v in value.values())
    if isinstance(value, list):
        return any(_votes_in(v) for v in value)
    return value in ("agree", "disagree", "recuse")


def test_ineligible_dossier_is_blocked_and_an_administrator_may_override(world: Procedure) -> None:
    dossier_id = world.file("vanthu.qlkh", "cb004", "CSTDT")
    world.prepare(dossier_id)
    blocked = world.dossier(dossier_id)
    assert blocked.status == "blocked"
    assert any("Chiến sĩ thi đua cơ sở" in reason for reason in blocked.eligibility["unmet"])
    with world.factory() as session:
        dossiers.override_eligibility(
            session, world.user("admin"), dossier_id, "Hội đồng xác nhận thành tích đột xuất"
        )
    assert world.ready(dossier_id) == ["prepare_dossier"]
    world.prepare(dossier_id)
    assert world.ready(dossier_id) == ["unit_review"]


def _submit_to_province(world: Procedure, dossier_id: int) -> None:
    world.complete(
        "thuky",
        "prepare_submission",
        dossier_id,
        submission_no="45/TTr-SKHCN",
        submission_date="2026-12-29",
        submission_summary="Đề nghị tặng Bằng khen",
    )
    world.complete(
        "giamdoc",
        "approve_submission",
        dossier_id,
        submission_decision="approve",
        submission_reason=None,
    )
    world.complete(
        "thuky",
        "record_sent",
        dossier_id,
        sent_date="2026-12-30",
        sent_dispatch_no="1234/SKHCN-VP",
        sent_to="Sở Nội vụ",
    )
    assert world.ready(dossier_id) == ["record_province_outcome"]


def test_a_members_secret_ballot_cannot_be_handed_to_someone_else(world: Procedure) -> None:
    from datetime import date

    from engine.domain import council
    from engine.models import HumanTask
    from engine.workflow import operations

    dossier_id = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.to_council(dossier_id)
    world.end_posting()
    with world.factory() as session:
        council.open_session(session, world.user("thuky"), world.campaign_id, date(2026, 12, 28))
    world.complete(
        "thuky",
        "open_session",
        None,
        meeting_place="Phòng họp Sở",
        chair_name="Nông Văn Thắng",
        absent_member_ids=[],
    )
    members = world.members()
    with world.factory() as session:
        ballot = session.scalars(
            select(HumanTask.id).where(
                HumanTask.element_id == "cast_ballot", HumanTask.assignee_id == members[0].id
            )
        ).one()
    with world.factory() as session, pytest.raises(Conflict, match="không thể giao"):
        operations.reassign(session, ballot, world.user("admin"), members[1].id)
