"""One scenario per path of tdkt_nomination, run in memory."""

import pytest
from SpiffWorkflow.exceptions import WorkflowException

from tests.workflows.spiff_helper import Run

ELIGIBLE = {"eligible": True, "unmet": [], "overridden": False}
SELECTED = {"selected": True, "agree": 7, "disagree": 0, "members": 7, "reason": "Đạt 7/7"}
NOT_SELECTED = {"selected": False, "agree": 3, "disagree": 4, "members": 7, "reason": "Không đạt"}


def start(title="LDTT", eligibility=ELIGIBLE, posting_days=5) -> Run:
    return Run(
        "tdkt_nomination",
        {
            "dossier_id": 41,
            "unit_id": 7,
            "campaign_id": 3,
            "title_code": title,
            "nominee_kind": "individual",
            "legal_basis": "ND152_2025",
            "eligibility": eligibility,
            "posting_days": posting_days,
        },
    )


def prepare(run: Run) -> None:
    run.complete("prepare_dossier", achievement_report="Báo cáo thành tích năm 2025")


def to_posting(run: Run) -> None:
    prepare(run)
    run.complete("unit_review", unit_decision="approve")
    run.complete("completeness_check", completeness_decision="accept")
    assert run.ready_ids() == ["posting"]


def to_council(run: Run) -> None:
    to_posting(run)
    run.advance(6)
    assert run.ready_ids() == []


def to_submission(run: Run) -> None:
    to_council(run)
    run.send("council_result", SELECTED)
    run.complete("prepare_submission", submission_no="12/TTr-SKHCN", submission_date="2025-12-01")
    run.complete("approve_submission", submission_decision="approve")
    run.complete("record_sent", sent_date="2025-12-02", sent_dispatch_no="99", sent_to="Ban TĐKT")


def assert_ended(run: Run, outcome: str) -> None:
    assert run.completed
    assert run.data["outcome"] == outcome
    assert run.data["stage"] == "archived"


def test_director_title_approved_end_to_end():
    run = start("CSTDCS")
    to_council(run)
    run.send("council_result", SELECTED)
    assert run.data["council_result"] == SELECTED
    assert run.data["decided_by"] == "director"
    run.complete("director_decision", decision_no="123/QĐ-SKHCN", decision_date="2025-12-10")
    assert_ended(run, "awarded")
    assert run.data["awarded"] is True


def test_ineligible_dossier_is_blocked_with_reasons_kept():
    unmet = ["Chưa đủ 3 năm liên tục đạt Chiến sĩ thi đua cơ sở (Luật TĐKT 2022 Điều 22)"]
    run = start("CSTDT", {"eligible": False, "unmet": unmet, "overridden": False})
    prepare(run)
    assert_ended(run, "blocked")
    assert run.data["eligibility"]["unmet"] == unmet


def test_overridden_ineligibility_continues_to_unit_review():
    run = start("CSTDT", {"eligible": False, "unmet": ["…"], "overridden": True})
    prepare(run)
    assert run.ready_ids() == ["unit_review"]


def test_unit_review_return_goes_back_to_clerk_and_is_counted():
    run = start()
    prepare(run)
    run.complete("unit_review", unit_decision="return", unit_reason="Bổ sung minh chứng")
    assert run.ready_ids() == ["prepare_dossier"]
    assert run.data["unit_returns"] == 1
    prepare(run)
    assert run.ready_ids() == ["unit_review"]


def test_unit_review_return_loop_is_bounded():
    run = start()
    for _ in range(3):
        prepare(run)
        run.complete("unit_review", unit_decision="return", unit_reason="Chưa đạt")
    prepare(run)
    run.complete("unit_review", unit_decision="return", unit_reason="Lần thứ tư")
    assert_ended(run, "rejected")


def test_unit_head_rejects():
    run = start()
    prepare(run)
    run.complete("unit_review", unit_decision="reject", unit_reason="Không đủ thành tích")
    assert_ended(run, "rejected")


def test_completeness_return_goes_back_to_clerk():
    run = start()
    prepare(run)
    run.complete("unit_review", unit_decision="approve")
    run.complete("completeness_check", completeness_decision="return", completeness_reason="Thiếu")
    assert run.ready_ids() == ["prepare_dossier"]
    assert run.data["completeness_returns"] == 1
    prepare(run)
    run.complete("unit_review", unit_decision="approve")
    assert run.ready_ids() == ["completeness_check"]


def test_posting_period_uses_posting_days():
    run = start(posting_days=10)
    to_posting(run)
    assert run.data["posting_until"] == "2025-11-13T08:00:00+00:00"
    run.advance(9)
    assert run.ready_ids() == ["posting"]
    run.advance(1.1)
    assert run.ready_ids() == []


def test_objection_dismissed_keeps_posting_until_original_deadline():
    run = start()
    to_posting(run)
    run.advance(2)
    run.complete(
        "posting",
        objection_summary="Phản ánh về số liệu",
        objection_source="Ẩn danh",
        objection_resolution="dismissed",
        resolution_note="Đã xác minh, số liệu đúng",
    )
    assert run.ready_ids() == ["posting"]
    assert len(run.data["objections"]) == 1
    assert run.data["objections"][0]["resolution"] == "dismissed"
    run.advance(3.1)
    assert run.ready_ids() == []
    run.send("council_result", SELECTED)
    assert run.ready_ids() == ["director_decision"]


def test_objection_upheld_rejects_the_dossier():
    run = start()
    to_posting(run)
    run.complete(
        "posting",
        objection_summary="Sáng kiến không phải của người được đề nghị",
        objection_resolution="upheld",
        resolution_note="Xác minh đúng",
    )
    assert_ended(run, "rejected")


@pytest.mark.parametrize("at", ["prepare_dossier", "unit_review", "completeness_check", "posting"])
def test_withdraw_before_council_ends_withdrawn(at):
    run = start()
    steps = [
        ("prepare_dossier", {"achievement_report": "x"}),
        ("unit_review", {"unit_decision": "approve"}),
        ("completeness_check", {"completeness_decision": "accept"}),
    ]
    for bpmn_id, data in steps:
        if bpmn_id == at:
            break
        run.complete(bpmn_id, data)
    assert run.ready_ids() == [at]
    run.send("withdraw", {"reason": "Đơn vị xin rút"})
    assert_ended(run, "withdrawn")
    assert run.data["withdrawal"] == {"reason": "Đơn vị xin rút"}


def test_withdraw_while_waiting_for_council():
    run = start()
    to_council(run)
    run.send("withdraw", {"reason": "Người được đề nghị chuyển công tác"})
    assert_ended(run, "withdrawn")


def test_withdraw_after_council_is_refused():
    run = start("CSTDCS")
    to_council(run)
    run.send("council_result", SELECTED)
    with pytest.raises(WorkflowException, match="not waiting for withdraw"):
        run.send("withdraw", {"reason": "muộn"})


def test_council_result_is_refused_before_posting_ends():
    run = start()
    to_posting(run)
    with pytest.raises(WorkflowException, match="not waiting for council_result"):
        run.send("council_result", SELECTED)


def test_not_selected_by_council():
    run = start()
    to_council(run)
    run.send("council_result", NOT_SELECTED)
    assert_ended(run, "not_selected")
    assert run.data["council_result"]["reason"] == "Không đạt"


def test_province_approves():
    run = start("BKT")
    to_submission(run)
    assert run.data["decided_by"] == "province"
    assert run.data["follow_up_days"] == 20
    run.complete(
        "record_province_outcome",
        province_outcome="approved",
        province_decision_no="456/QĐ-UBND",
        province_decision_date="2026-01-15",
    )
    assert_ended(run, "awarded")
    assert run.passed("record_award")


def test_central_title_goes_through_submission():
    run = start("HCLD3")
    to_submission(run)
    assert run.data["decided_by"] == "central"
    assert run.ready_ids() == ["record_province_outcome"]


def test_director_returns_submission_letter_once():
    run = start("CSTDT")
    to_council(run)
    run.send("council_result", SELECTED)
    run.complete("prepare_submission", submission_no="1", submission_date="2025-12-01")
    run.complete("approve_submission", submission_decision="return", submission_reason="Sửa")
    assert run.ready_ids() == ["prepare_submission"]
    assert run.data["submission_returns"] == 1


def test_province_supplement_loop_then_approved():
    run = start("TTLDXS")
    to_submission(run)
    run.complete("record_province_outcome", province_outcome="supplement", province_note="Thiếu")
    assert run.ready_ids() == ["supplement_dossier"]
    run.complete("supplement_dossier", supplement_note="Đã bổ sung biên bản")
    assert run.ready_ids() == ["record_sent"]
    assert run.data["supplement_rounds"] == 1
    run.complete("record_sent", sent_date="2026-01-05", sent_dispatch_no="100", sent_to="Ban TĐKT")
    run.complete(
        "record_province_outcome",
        province_outcome="approved",
        province_decision_no="789/QĐ-UBND",
        province_decision_date="2026-02-01",
    )
    assert_ended(run, "awarded")


def test_province_does_not_approve():
    run = start("BKT")
    to_submission(run)
    run.complete(
        "record_province_outcome", province_outcome="not_approved", province_note="Không đạt"
    )
    assert_ended(run, "not_approved")
    assert run.data["awarded"] is False


def test_instance_survives_save_and_load_while_waiting_for_council():
    run = start("BKT")
    to_council(run)
    run.reload()
    run.send("council_result", SELECTED)
    assert run.ready_ids() == ["prepare_submission"]
