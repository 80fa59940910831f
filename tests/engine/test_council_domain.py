"""Council sessions: sealing ballots, counting from the sealed table, verifying the seal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.demo import load_demo
from engine.domain import council
from engine.domain.rules.tally import UnconfirmedRuleError
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.models import Campaign, CouncilMember, Dossier, RuleSetting, SealedBallot, User
from engine.text import search_key
from tests.common.awards import award

MEETING = date(2026, 12, 10)


@pytest.fixture
def demo(db_session: Session) -> Session:
    load_demo(db_session, today=date(2026, 11, 24))
    db_session.commit()
    return db_session


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _dossier(session: Session, nominee: User, title: str, basis: str = "ND152_2025") -> Dossier:
    campaign = session.scalars(select(Campaign)).one()
    dossier = Dossier(
        campaign_id=campaign.id,
        unit_id=nominee.unit_id,
        nominee_kind="individual",
        nominee_user_id=nominee.id,
        nominee_name=nominee.full_name,
        nominee_search=search_key(nominee.full_name),
        title_code=title,
        legal_basis=basis,
        year=2026,
        stage="council",
    )
    session.add(dossier)
    session.flush()
    return dossier


def _members(session: Session) -> list[int]:
    return [m.user_id for m in session.scalars(select(CouncilMember).order_by(CouncilMember.id))]


def test_sealed_ballot_keeps_only_a_receipt_in_the_workflow(demo: Session) -> None:
    secretariat = _user(demo, "thuky")
    sitting = council.new_council_session(demo, secretariat, 1, MEETING)
    dossier = _dossier(demo, _user(demo, "cb001"), "LDTT")
    member = _members(demo)[0]
    receipt = council.seal_ballot(
        demo, sitting.id, member, {str(dossier.id): "agree"}, [dossier.id]
    )
    assert receipt == {"sealed": True, "member_id": member, "written": False, "count": 1}
    assert "agree" not in str(receipt)
    stored = demo.scalars(select(SealedBallot)).one()
    assert (stored.dossier_id, stored.vote) == (dossier.id, "agree")
    # The row names no member: only the keyed hash of (session, member) links it to its sheet.
    assert stored.sheet == council.sheet_of(demo, sitting.id, member)
    assert council.sealed_ballots(demo, sitting.id)[0] == {str(member): {str(dossier.id): "agree"}}


def test_a_database_reader_cannot_link_a_vote_to_a_member(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    dossier = _dossier(demo, _user(demo, "cb001"), "LDTT")
    members = _members(demo)
    for member, vote in zip(members[:2], ("agree", "disagree"), strict=True):
        council.seal_ballot(demo, sitting.id, member, {str(dossier.id): vote}, [dossier.id])
    columns = set(SealedBallot.__table__.columns.keys())
    assert columns == {"id", "session_id", "sheet", "dossier_id", "vote", "written"}
    # Without the application's key, the plain hashes a reader could try do not match.
    import hashlib

    for member in members[:2]:
        guess = hashlib.sha256(f"{sitting.id}:{member}".encode()).hexdigest()
        assert demo.scalar(select(SealedBallot.id).where(SealedBallot.sheet == guess)) is None
    assert council.participation(demo, sitting.id) == {members[0]: False, members[1]: False}


def test_a_member_votes_once_per_session(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    dossier = _dossier(demo, _user(demo, "cb001"), "LDTT")
    member = _members(demo)[1]
    council.seal_ballot(demo, sitting.id, member, {str(dossier.id): "agree"}, [dossier.id])
    with pytest.raises(Conflict):
        council.seal_ballot(demo, sitting.id, member, {str(dossier.id): "disagree"}, [dossier.id])


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ({"999999": "agree"}, "không thuộc phiên họp"),
        ({"{id}": "maybe"}, "Đồng ý, Không đồng ý"),
        ({"abc": "agree"}, "Hồ sơ không hợp lệ"),
    ],
)
def test_a_bad_ballot_is_refused_with_a_reason(
    demo: Session, votes: dict[str, str], message: str
) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    dossier = _dossier(demo, _user(demo, "cb001"), "LDTT")
    ballot = {k.replace("{id}", str(dossier.id)): v for k, v in votes.items()}
    with pytest.raises(ValidationFailed) as info:
        council.seal_ballot(demo, sitting.id, _members(demo)[0], ballot, [dossier.id])
    assert message in info.value.field_errors["ballot"]
    assert demo.scalars(select(SealedBallot)).first() is None


def test_only_council_members_vote_and_only_the_secretariat_opens(demo: Session) -> None:
    with pytest.raises(Forbidden):
        council.new_council_session(demo, _user(demo, "vanthu.qlkh"), 1, MEETING)
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    dossier = _dossier(demo, _user(demo, "cb001"), "LDTT")
    outsider = _user(demo, "vanthu.qlkh")
    with pytest.raises(Forbidden):
        council.seal_ballot(demo, sitting.id, outsider.id, {str(dossier.id): "agree"}, [dossier.id])


def test_tally_counts_the_sealed_ballots_and_the_seal_verifies(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    passing = _dossier(demo, _user(demo, "cb001"), "LDTT")
    failing = _dossier(demo, _user(demo, "cb002"), "LDTT")
    dossiers = [passing, failing]
    data = council.session_start_data(demo, sitting, dossiers)
    rule = {
        "threshold_percent": 50,
        "threshold_base": "all_members",
        "threshold_strict": True,
        "quorum_percent": "200/3",
        "confirmed": True,
    }
    members = _members(demo)
    for index, member in enumerate(members[:6]):
        votes = {str(passing.id): "agree", str(failing.id): "agree" if index < 3 else "disagree"}
        council.seal_ballot(demo, sitting.id, member, votes, [d.id for d in dossiers])
    council.seal_ballot(
        demo,
        sitting.id,
        members[6],
        {str(passing.id): "agree"},
        [d.id for d in dossiers],
        written=True,
    )
    result = council.tally(
        demo,
        sitting.id,
        members=data["members"],
        dossiers=data["dossiers"],
        vote_rules=[rule, rule],
        recused=data["recused"],
        quotas=data["quotas"],
    )
    assert result["results"][str(passing.id)]["selected"] is True
    assert result["results"][str(passing.id)]["agree"] == 7
    assert result["results"][str(failing.id)]["selected"] is False
    assert result["results"][str(failing.id)]["agree"] == 3
    assert sitting.seal_hash
    assert council.verify_seal(demo, sitting.id)
    tampered = demo.scalars(select(SealedBallot).where(SealedBallot.vote == "disagree")).first()
    assert tampered is not None
    tampered.vote = "agree"
    demo.flush()
    assert not council.verify_seal(demo, sitting.id)


def test_a_member_who_is_the_nominee_is_recused(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    head = _user(demo, "truongphong.qlkh")
    dossier = _dossier(demo, head, "CSTDCS")
    data = council.session_start_data(demo, sitting, [dossier])
    assert data["recused"] == {str(dossier.id): [head.id]}
    assert len(data["members"]) == 7


def test_cstdcs_quota_uses_the_agency_setting_under_nd152(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    unit_staff = demo.scalars(select(User).where(User.unit_id == 4).order_by(User.id)).all()
    for person in unit_staff[:7]:
        award(demo, person, "LDTT", 2026)
    for person in unit_staff[7:14]:
        _dossier(demo, person, "LDTT")  # undecided: not counted
    cstdcs = _dossier(demo, unit_staff[0], "CSTDCS")
    data = council.session_start_data(demo, sitting, [cstdcs])
    assert data["quotas"] == {f"CSTDCS:{cstdcs.unit_id}": 1}  # 15 % of 7 LĐTT, rounded down


def test_cstdcs_quota_without_a_setting_is_not_guessed(demo: Session) -> None:
    sitting = council.new_council_session(demo, _user(demo, "thuky"), 1, MEETING)
    cstdcs = _dossier(demo, _user(demo, "cb003"), "CSTDCS", basis="ND98_2023")
    for row in demo.scalars(select(RuleSetting).where(RuleSetting.key == "cstdcs_quota_percent")):
        demo.delete(row)
    demo.flush()
    with pytest.raises(UnconfirmedRuleError):
        council.session_start_data(demo, sitting, [cstdcs])
