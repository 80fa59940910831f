"""tdkt_council_session: ballots, written ballots, recusal, tally, thrown council_result."""

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.text import from_data
from tests.workflows.spiff_helper import Run

MEMBERS = [{"user_id": i, "name": f"Thành viên {i}"} for i in range(1, 8)]
DOSSIERS = [
    {"dossier_id": 41, "title_code": "CSTDT", "unit_id": 7, "legal_basis": "ND91_2017"},
    {"dossier_id": 42, "title_code": "CSTDCS", "unit_id": 7, "legal_basis": "ND91_2017"},
]


def start(dossiers=DOSSIERS, recused=None) -> Run:
    return Run(
        "tdkt_council_session",
        {
            "session_id": 5,
            "members": MEMBERS,
            "dossiers": dossiers,
            "recused": recused or {},
            "quotas": {},
        },
    )


def open_session(run: Run, absent: list[int] | None = None) -> None:
    run.complete(
        "open_session",
        meeting_place="Phòng họp Sở",
        chair_name="Giám đốc Sở",
        absent_member_ids=absent or [],
    )


def test_session_tallies_and_throws_council_result():
    run = start(recused={"42": [3]})
    open_session(run, absent=[6, 7])
    assert (
        sorted(t.task_spec.bpmn_id for t in run.ready())
        == ["cast_ballot"] * 5 + ["enter_written_ballot"] * 2
    )
    assert [r["threshold_percent"] for r in run.data["vote_rules"]] == [90, 50]
    for user in range(1, 6):
        run.complete("cast_ballot", item=user, ballot={"41": "agree", "42": "agree"})
    run.complete("enter_written_ballot", item=6, written_ballot={"41": "agree", "42": "disagree"})
    run.complete("enter_written_ballot", item=7, written_ballot={"41": "disagree"})
    assert run.completed
    results = run.data["session_results"]
    assert results["41"]["selected"] is False
    assert results["41"]["agree"] == 6
    assert results["42"] == {
        "selected": True,
        "agree": 4,
        "disagree": 1,
        "members": 6,
        "reason": results["42"]["reason"],
        "reason_text": results["42"]["reason_text"],
    }
    # The reason travels as a message too (the dossier's readers see it in their language).
    assert from_data(results["42"]["reason_text"]) == results["42"]["reason"]
    events = run.thrown()
    assert len(events) == 1
    assert events[0].event_definition.name == "council_result"
    assert events[0].payload == results
    assert run.data["session_minutes"]["written"] == 2


def test_unreturned_written_ballot_and_member_declared_recusal():
    run = start(dossiers=DOSSIERS[1:])
    open_session(run, absent=[7])
    for user in range(1, 6):
        run.complete("cast_ballot", item=user, ballot={"42": "agree"})
    run.complete("cast_ballot", item=6, ballot={"42": "recuse"})
    run.complete("enter_written_ballot", item=7, written_ballot={})
    result = run.data["session_results"]["42"]
    assert result["members"] == 6
    assert result["agree"] == 5
    assert result["selected"] is True
    assert run.data["session_minutes"]["participants"] == 6


def test_secretariat_closes_voting_early():
    run = start(dossiers=DOSSIERS[1:])
    open_session(run)
    for user in range(1, 6):
        run.complete("cast_ballot", item=user, ballot={"42": "agree"})
    run.send("close_voting", None)
    assert run.completed
    assert len(run.thrown()) == 1


def test_unknown_absent_member_is_refused():
    run = start()
    with pytest.raises(WorkflowTaskException, match="Không phải thành viên Hội đồng: 99"):
        open_session(run, absent=[99])


def test_unconfirmed_vote_rule_stops_the_session_before_any_ballot():
    dossiers = [{**DOSSIERS[0], "legal_basis": "ND152_2025"}]
    run = start(dossiers=dossiers)
    with pytest.raises(
        WorkflowTaskException, match="chưa được xác nhận cho: 41 \\(CSTDT, ND152_2025\\)"
    ):
        open_session(run)
