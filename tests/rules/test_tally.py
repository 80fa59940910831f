"""Council tally: quorum, thresholds, recusal, written ballots, quotas, sealing."""

import pytest

from engine.domain.rules.tally import (
    BallotError,
    UnconfirmedRuleError,
    VoteRule,
    cstdcs_quota,
    seal_hash,
    tally_session,
)
from engine.text import from_data

NINETY_ALL = {
    "threshold_percent": 90,
    "threshold_base": "all_members",
    "quorum_percent": "200/3",
    "confirmed": True,
    "threshold_strict": False,
}
MAJORITY_ALL = {**NINETY_ALL, "threshold_percent": 50, "threshold_strict": True}
MEMBERS = [{"user_id": i, "name": f"Thành viên {i}"} for i in range(1, 8)]


def dossier(dossier_id, title="CSTDT", unit=1, basis="ND91_2017"):
    return {"dossier_id": dossier_id, "title_code": title, "unit_id": unit, "legal_basis": basis}


def ballots_for(votes: dict[int, str], dossier_id: int = 10) -> dict[str, dict[str, str]]:
    return {str(user): {str(dossier_id): vote} for user, vote in votes.items()}


def run(ballots, *, written=None, dossiers=None, rule=NINETY_ALL, recused=None, quotas=None):
    dossiers = dossiers or [dossier(10)]
    return tally_session(
        members=MEMBERS,
        ballots=ballots,
        written_ballots=written or {},
        dossiers=dossiers,
        vote_rules=[rule] * len(dossiers),
        recused=recused,
        quotas=quotas,
    )


def test_dieu_45_nd91_ninety_percent_of_seven_needs_all_seven():
    six = run(ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "agree",
                           6: "agree", 7: "disagree"}))  # fmt: skip
    result = dict(six["results"]["10"])
    # The reason is kept as a message too (shown in the reader's language): it reads back as the
    # same Vietnamese.
    assert from_data(result.pop("reason_text")) == result["reason"]
    assert result == {
        "selected": False,
        "agree": 6,
        "disagree": 1,
        "members": 7,
        "reason": "Không đạt tỷ lệ phiếu: 6/7 phiếu đồng ý, yêu cầu từ 90% tổng số thành viên "
        "(tối thiểu 7 phiếu)",
    }
    seven = run(ballots_for(dict.fromkeys(range(1, 8), "agree")))
    assert seven["results"]["10"]["selected"] is True


def test_reasons_are_messages_an_english_reader_sees_in_english():
    """The tally's reasons are catalogue messages with their figures as parameters, so the
    dossier page and the API show them in English to an English reader (the f-strings they were
    could only be shown in Vietnamese)."""
    import json

    from babel.support import Translations

    from engine.text import localize
    from tests.web.page_text import PO

    english = Translations.load(str(PO.parents[2]), ["en"])
    six = run(ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "agree",
                           6: "agree", 7: "disagree"}))  # fmt: skip
    stored = json.loads(json.dumps(six["results"]["10"]))  # as the audit trail keeps it
    shown = localize(from_data(stored["reason_text"]), english.gettext, "en")
    assert shown == (
        "Not passed: 6/7 votes in favour, required at least 90% of all members (at least 7 votes)"
    )


def test_vote_rule_needed_uses_exact_arithmetic():
    rule = VoteRule.from_data(NINETY_ALL)
    assert [rule.needed(n) for n in (7, 10, 11, 20)] == [7, 9, 10, 18]
    majority = VoteRule.from_data(MAJORITY_ALL)
    assert [majority.needed(n) for n in (7, 8, 200)] == [4, 5, 101]


def test_quorum_not_met_leaves_dossier_undecided():
    outcome = run(ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "agree"}))
    assert outcome["results"] == {}
    assert outcome["minutes"]["undecided"] == {
        "10": "Không đủ số thành viên tham gia biểu quyết: 4/7, yêu cầu từ 66.67%"
    }


def test_two_thirds_quorum_boundary_is_exact():
    members = [{"user_id": i} for i in range(1, 4)]
    outcome = tally_session(
        members=members,
        ballots=ballots_for({1: "agree", 2: "agree"}),
        written_ballots={},
        dossiers=[dossier(10)],
        vote_rules=[MAJORITY_ALL],
    )
    assert outcome["results"]["10"]["selected"] is True


def test_written_ballots_count_toward_quorum_and_votes():
    present = ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "agree"})
    written = ballots_for({5: "agree", 6: "agree", 7: "agree"})
    outcome = run(present, written=written)
    assert outcome["results"]["10"]["agree"] == 7
    assert outcome["results"]["10"]["selected"] is True
    assert outcome["minutes"]["written"] == 3


def test_unreturned_written_ballot_does_not_count():
    present = ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "agree"})
    outcome = run(present, written={"5": {}, "6": {}})
    assert outcome["results"] == {}
    assert outcome["minutes"]["participants"] == 4


def test_recused_member_leaves_count_and_denominator():
    votes = dict.fromkeys(range(1, 7), "agree")
    votes[7] = "recuse"
    outcome = run(ballots_for(votes))
    assert outcome["results"]["10"]["members"] == 6
    assert outcome["results"]["10"]["agree"] == 6
    assert outcome["results"]["10"]["selected"] is True
    assert outcome["minutes"]["dossiers"]["10"]["recused"] == 1


def test_nominee_recused_by_engine_has_vote_ignored():
    votes = dict.fromkeys(range(1, 7), "agree")
    votes[7] = "agree"
    outcome = run(ballots_for(votes), recused={"10": [7]})
    assert outcome["results"]["10"]["agree"] == 6
    assert outcome["results"]["10"]["members"] == 6


def test_recusal_only_affects_its_own_dossier():
    ballot = {"10": "recuse", "11": "agree"}
    ballots = {str(u): {"10": "agree", "11": "agree"} for u in range(1, 7)}
    ballots["7"] = ballot
    outcome = run(ballots, dossiers=[dossier(10), dossier(11)])
    assert outcome["results"]["10"]["members"] == 6
    assert outcome["results"]["11"]["members"] == 7


def test_blank_vote_is_not_agreement():
    votes = {str(u): {"10": "agree"} for u in range(1, 7)}
    votes["7"] = {}
    outcome = run(votes)
    assert outcome["results"]["10"]["selected"] is False
    assert outcome["minutes"]["dossiers"]["10"]["blank"] == 1


def test_present_base_counts_only_voters():
    rule = {**MAJORITY_ALL, "threshold_base": "present"}
    outcome = run(ballots_for({1: "agree", 2: "agree", 3: "agree", 4: "disagree", 5: "disagree"}),
                  rule=rule)  # fmt: skip
    assert outcome["results"]["10"]["members"] == 5
    assert outcome["results"]["10"]["selected"] is True


def test_unconfirmed_rule_stops_the_tally():
    with pytest.raises(UnconfirmedRuleError, match="Quản trị viên phải thiết lập"):
        run(
            ballots_for(dict.fromkeys(range(1, 8), "agree")),
            rule={**NINETY_ALL, "confirmed": False},
        )


def test_ballot_from_outsider_is_refused():
    with pytest.raises(BallotError):
        run(ballots_for({99: "agree"}))


def test_invalid_vote_is_refused():
    with pytest.raises(BallotError):
        run(ballots_for({1: "maybe"}))


def test_member_cannot_vote_in_person_and_in_writing():
    with pytest.raises(BallotError):
        run(ballots_for({1: "agree"}), written=ballots_for({1: "agree"}))


def _quota_session(agree_counts: dict[int, int], limit: int):
    dossiers = [dossier(d, title="CSTDCS") for d in agree_counts]
    ballots = {
        str(user): {
            str(d): "agree" if user <= count else "disagree" for d, count in agree_counts.items()
        }
        for user in range(1, 8)
    }
    return run(ballots, dossiers=dossiers, rule=MAJORITY_ALL, quotas={"CSTDCS:1": limit})


def test_nd91_quota_cuts_lowest_agree_votes():
    outcome = _quota_session({10: 7, 11: 6, 12: 5}, limit=2)
    results = outcome["results"]
    assert [results[k]["selected"] for k in ("10", "11", "12")] == [True, True, False]
    assert (
        results["12"]["reason"]
        == "Vượt chỉ tiêu 2 của nhóm CSTDCS:1: xếp thứ 3 theo số phiếu đồng ý (5)"
    )


def test_nd91_quota_tie_at_cut_line_selects_none_of_the_tied():
    outcome = _quota_session({10: 7, 11: 5, 12: 5, 13: 4}, limit=2)
    results = outcome["results"]
    assert [results[k]["selected"] for k in ("10", "11", "12", "13")] == [True, False, False, False]
    assert "Bằng số phiếu đồng ý (5) tại ngưỡng chỉ tiêu 2" in results["11"]["reason"]
    assert "Bằng số phiếu đồng ý (5)" in results["12"]["reason"]
    assert results["13"]["reason"].startswith("Vượt chỉ tiêu 2")


def test_quota_is_ignored_below_the_limit_and_for_other_units():
    outcome = _quota_session({10: 7, 11: 6}, limit=2)
    assert all(r["selected"] for r in outcome["results"].values())


def test_nd91_cstdcs_quota_is_fifteen_percent_rounded_down():
    assert cstdcs_quota(20, "ND91_2017") == 3
    assert cstdcs_quota(6, "ND91_2017") == 0


def test_cstdcs_quota_unconfirmed_for_later_bases():
    with pytest.raises(UnconfirmedRuleError):
        cstdcs_quota(20, "ND152_2025")


def test_seal_hash_is_canonical_and_salted():
    a = {"1": {"10": "agree", "11": "disagree"}, "2": {"10": "agree"}}
    b = {"2": {"10": "agree"}, "1": {"11": "disagree", "10": "agree"}}
    assert seal_hash(a, "n1") == seal_hash(b, "n1")
    assert seal_hash(a, "n1") != seal_hash(a, "n2")
    assert seal_hash(a, "n1") != seal_hash({**a, "2": {"10": "disagree"}}, "n1")
    assert len(seal_hash(a, "n1")) == 64
    with pytest.raises(ValueError, match="nonce"):
        seal_hash(a, "")


def test_minutes_hold_no_individual_vote():
    outcome = run(ballots_for(dict.fromkeys(range(1, 8), "agree")))
    text = repr(outcome["minutes"])
    assert "user_id" not in text
    assert set(outcome["minutes"]["dossiers"]["10"]) == {
        "agree", "disagree", "blank", "recused", "base", "needed", "passed", "selected", "reason",
    }  # fmt: skip
