"""Conflicts of interest on the real procedure: nobody reviews, decides or votes on their own
dossier; the step goes to the next holder in line and the audit trail says so."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.domain import conflicts, council
from engine.errors import Forbidden, ValidationFailed
from engine.models import AuditEvent, CouncilSession, HumanTask
from tests.common.procedure import Procedure
from tests.web.conftest import csrf_token, sign_in


def test_a_unit_heads_own_nomination_is_reviewed_by_the_next_in_line(world: Procedure) -> None:
    own = world.file("vanthu.qlkh", "truongphong.qlkh", "LDTT")
    world.prepare(own)
    review = world.open_task("unit_review", own)
    # The head is the nominee and the only unit_head of QLKH: the secretariat takes the review.
    assert (review.candidate_role, review.candidate_unit_id) == (
        conflicts.NEXT_IN_LINE["unit_head"],
        None,
    )
    with pytest.raises(Forbidden):
        world.complete(
            "truongphong.qlkh",
            "unit_review",
            own,
            unit_decision="approve",
            unit_reason=None,
            unit_minutes_no="05/BB-QLKH",
            unit_meeting_date="2026-11-25",
        )
    world.complete(
        "thuky",
        "unit_review",
        own,
        unit_decision="approve",
        unit_reason=None,
        unit_minutes_no="05/BB-QLKH",
        unit_meeting_date="2026-11-25",
    )
    with world.factory() as session:
        moved = session.scalars(
            select(AuditEvent).where(
                AuditEvent.dossier_id == own, AuditEvent.action == "task_rerouted_conflict"
            )
        ).one()
    assert moved.summary["from"] == "unit_head"
    assert moved.summary["to"] == "secretariat"
    # Someone else's dossier stays with the unit head.
    other = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(other)
    assert world.open_task("unit_review", other).candidate_role == "unit_head"


def test_the_directors_own_decision_goes_to_the_next_in_line(world: Procedure) -> None:
    own = world.file("vanthu.vp", "giamdoc", "LDTT")
    director, secretary = world.user("giamdoc"), world.user("thuky")
    with world.factory() as session:
        values = {
            "candidate_role": "director",
            "candidate_unit_id": None,
            "dossier_id": own,
            "element_id": "director_decision",
            "subject_user_id": None,
            "assignee_id": None,
        }
        conflicts.route_task(session, values)
        assert values["candidate_role"] == conflicts.NEXT_IN_LINE["director"]
        session.rollback()
        task = HumanTask(candidate_role="director", dossier_id=own, name="Ký quyết định")
        with pytest.raises(Forbidden):
            conflicts.refuse_own(session, task, director)
        conflicts.refuse_own(session, task, secretary)  # anyone else may


def test_a_member_is_not_offered_nor_allowed_a_vote_on_his_own_dossier(
    world: Procedure,
) -> None:
    own = world.file("vanthu.qlkh", "truongphong.qlkh", "LDTT")
    other = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(own)
    world.complete(
        "thuky",
        "unit_review",
        own,
        unit_decision="approve",
        unit_reason=None,
        unit_minutes_no="05/BB-QLKH",
        unit_meeting_date="2026-11-25",
    )
    world.completeness(own)
    world.to_council(other)
    world.end_posting()
    sitting = world.open_sitting([own, other])
    head = world.user("truongphong.qlkh")
    with world.factory() as session:
        assert council.recused_dossiers(session, [own, other], head.id) == {own}
        with pytest.raises(ValidationFailed) as refused:
            council.seal_ballot(
                session, sitting, head.id, {str(own): "agree", str(other): "agree"}, [own, other]
            )
        assert f"#{own}" in refused.value.field_errors["ballot"]
        receipt = council.seal_ballot(
            session, sitting, head.id, {str(other): "agree"}, [own, other]
        )
        assert receipt["count"] == 2  # his own dossier is sealed as a recusal
        present, _written = council.sealed_ballots(session, sitting)
        assert present[str(head.id)] == {str(own): "recuse", str(other): "agree"}


def test_the_ballot_page_does_not_offer_a_members_own_dossier(
    app: Flask, client: FlaskClient, world: Procedure
) -> None:
    own = world.file("vanthu.qlkh", "truongphong.qlkh", "LDTT")
    other = world.file("vanthu.qlkh", "cb004", "LDTT")
    world.prepare(own)
    world.complete(
        "thuky",
        "unit_review",
        own,
        unit_decision="approve",
        unit_reason=None,
        unit_minutes_no="05/BB-QLKH",
        unit_meeting_date="2026-11-25",
    )
    world.completeness(own)
    world.to_council(other)
    world.end_posting()
    world.open_sitting([own, other])
    task_id = world.ballot_of("truongphong.qlkh")
    sign_in(client, world.user("truongphong.qlkh"))
    page = client.get(f"/ballots/{task_id}").get_data(as_text=True)
    assert f'name="vote_{own}"' not in page
    assert f'name="vote_{other}"' in page
    assert "Không tham gia biểu quyết: hồ sơ của chính mình" in page
    sent = client.post(
        f"/ballots/{task_id}", data={"csrf_token": csrf_token(client), f"vote_{other}": "agree"}
    )
    assert sent.status_code == 302
    with world.factory() as session:
        sitting = session.scalar(select(CouncilSession.id).order_by(CouncilSession.id.desc()))
        assert sitting is not None
        present, _written = council.sealed_ballots(session, sitting)
    head = world.user("truongphong.qlkh")
    assert present[str(head.id)] == {str(own): "recuse", str(other): "agree"}
