"""engine.permissions asked directly: each rule with who gets it and who must be refused.

The people: unit A's clerk and head, unit B's head, a council member, the secretariat, the
director, an administrator and an outsider of unit B with no role. The dossier is unit A's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from engine import permissions
from engine.errors import NotFound
from engine.models import Dossier, GeneratedDocument, OrgUnit, User
from engine.read import queries
from tests.common import campaigns, council, dossiers, workflow
from tests.common import people as rows

EVERYONE = ("clerk_a", "head_a", "head_b", "member", "secretary", "director", "admin", "outsider")


@dataclass
class People:
    unit_a: OrgUnit
    unit_b: OrgUnit
    dossier: Dossier
    by_name: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.by_name[name]


@pytest.fixture
def people(db_session: Session) -> People:
    s = db_session
    a, b = rows.unit(s), rows.unit(s)
    by_name = {
        "clerk_a": rows.user(s, unit=a, roles=(("unit_clerk", a),)),
        "head_a": rows.user(s, unit=a, roles=(("unit_head", a),)),
        "head_b": rows.user(s, unit=b, roles=(("unit_head", b),)),
        "member": rows.user(s, roles=(("council_member", None),)),
        "secretary": rows.user(s, roles=(("secretariat", None),)),
        "director": rows.user(s, roles=(("director", None),)),
        "admin": rows.user(s, roles=(("admin", None),)),
        "outsider": rows.user(s, unit=b),
    }
    return People(a, b, dossiers.dossier(s, a), by_name)


def _allowed(people: People, rule: Callable[[User], bool]) -> set[str]:
    return {name for name in EVERYONE if rule(people[name])}


# --- dossiers ----------------------------------------------------------------------------------


def test_a_dossier_is_seen_by_its_unit_and_the_agency_wide_roles(people: People) -> None:
    seen = _allowed(people, lambda u: permissions.may_see_dossier(u, people.dossier))
    # A draft being prepared is not the council's yet (docs/security.md).
    assert people.dossier.stage == "unit_review"
    assert seen == {"clerk_a", "head_a", "secretary", "director", "admin"}
    assert permissions.visible_unit_ids(people["head_b"]) == {people.unit_b.id}
    assert not permissions.may_see_all_dossiers(people["head_b"])


def test_withdrawing_is_the_units_or_the_secretariats_not_the_administrators(
    people: People,
) -> None:
    allowed = _allowed(people, lambda u: permissions.may_withdraw(u, people.dossier))
    assert allowed == {"clerk_a", "head_a", "secretary"}


def test_cancelling_is_the_units_the_secretariats_and_the_administrators(people: People) -> None:
    unit_a = people.unit_a.id
    allowed = _allowed(people, lambda u: permissions.may_cancel(u, unit_a))
    assert allowed == {"clerk_a", "head_a", "secretary", "admin"}
    # An instance without a dossier (a council session): the unit roles have no say.
    assert _allowed(people, lambda u: permissions.may_cancel(u, None)) == {"secretary", "admin"}


def test_only_an_administrator_overrides_eligibility(people: People) -> None:
    assert _allowed(people, permissions.may_override_eligibility) == {"admin"}


def test_filing_is_the_units_clerks_or_the_secretariats(people: People) -> None:
    unit_a = people.unit_a.id
    allowed = _allowed(people, lambda u: permissions.may_file(u, unit_a))
    assert allowed == {"clerk_a", "secretary", "admin"}
    assert permissions.filing_unit_ids(people["clerk_a"]) == {unit_a}
    assert permissions.filing_unit_ids(people["head_b"]) == set()
    assert permissions.filing_unit_ids(people["secretary"]) is None  # every unit


def test_council_sessions_are_opened_by_the_secretariat_and_administrators(
    people: People,
) -> None:
    assert _allowed(people, permissions.may_open_council_session) == {"secretary", "admin"}


# --- tasks -------------------------------------------------------------------------------------


def test_an_open_task_is_its_lanes_alone(db_session: Session, people: People) -> None:
    task = workflow.task(db_session, people.dossier, role="unit_clerk")
    assert _allowed(people, lambda u: permissions.may_act(u, task)) == {"clerk_a"}
    assert _allowed(people, lambda u: permissions.may_claim(u, task)) == {"clerk_a"}


def test_an_assigned_task_is_its_assignees_alone(db_session: Session, people: People) -> None:
    other_clerk = rows.user(db_session, unit=people.unit_a, roles=(("unit_clerk", people.unit_a),))
    task = workflow.task(db_session, people.dossier, role="unit_clerk", assignee=other_clerk)
    assert _allowed(people, lambda u: permissions.may_act(u, task)) == set()
    assert permissions.may_act(other_clerk, task)
    assert not permissions.may_claim(other_clerk, task)  # already theirs: nothing to claim
    # The lane is still unit A's clerks': the task may be handed to clerk_a.
    assert _allowed(people, lambda u: permissions.may_be_given(u, task)) == {"clerk_a"}
    assert permissions.may_unclaim(other_clerk, task)
    assert _allowed(people, lambda u: permissions.may_unclaim(u, task)) == {
        "head_a",
        "secretary",
        "admin",
    }


def test_a_closed_task_or_an_inactive_user_acts_on_nothing(
    db_session: Session, people: People
) -> None:
    done = workflow.task(db_session, people.dossier, role="unit_clerk", status="completed")
    assert not permissions.may_act(people["clerk_a"], done)
    task = workflow.task(db_session, people.dossier, role="unit_clerk")
    people["clerk_a"].active = False
    assert not permissions.may_act(people["clerk_a"], task)
    assert not permissions.may_be_given(people["clerk_a"], task)


def test_reassigning_is_the_tasks_unit_head_the_secretariat_and_administrators(
    db_session: Session, people: People
) -> None:
    task = workflow.task(db_session, people.dossier, role="unit_clerk")
    allowed = _allowed(people, lambda u: permissions.may_reassign(u, task))
    assert allowed == {"head_a", "secretary", "admin"}


def test_a_ballot_is_seen_only_by_its_member(db_session: Session, people: People) -> None:
    meeting = council.open_session(db_session, campaigns.campaign(db_session))
    ballot = council.ballot_task(db_session, meeting, people["member"], [people.dossier])
    assert _allowed(people, lambda u: permissions.may_see_task(u, ballot, None)) == {"member"}
    on_dossier = workflow.task(db_session, people.dossier, role="unit_head")
    seen = _allowed(people, lambda u: permissions.may_see_task(u, on_dossier, people.dossier))
    assert seen == {"clerk_a", "head_a", "secretary", "director", "admin"}


# --- administration, reports, documents --------------------------------------------------------


def test_any_admin_page_is_for_the_secretariat_and_administrators(people: People) -> None:
    assert _allowed(people, permissions.may_administer) == {"secretary", "admin"}
    people["admin"].active = False
    assert not permissions.may_administer(people["admin"], "org")


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("org", {"admin"}),
        ("versions", {"admin"}),
        ("rules", {"admin"}),
        ("outbox", {"admin"}),
        ("campaigns", {"secretary", "admin"}),
        ("calendar", {"secretary", "admin"}),
    ],
)
def test_administration_sections(
    people: People, section: permissions.Section, expected: set[str]
) -> None:
    assert _allowed(people, lambda u: permissions.may_administer(u, section)) == expected


def test_reports_are_the_managers(people: People) -> None:
    assert _allowed(people, permissions.may_see_reports) == {"director", "secretary", "admin"}


def test_a_generated_document_is_downloaded_by_who_asked_for_it(people: People) -> None:
    document = GeneratedDocument(requested_by=people["director"].id)
    assert _allowed(people, lambda u: permissions.may_download(u, document)) == {"director"}


@pytest.mark.parametrize(
    ("stage", "status", "member_reads"),
    [
        ("prepare", "active", False),
        ("unit_review", "active", False),
        ("completeness", "active", False),
        ("posting", "active", True),
        ("council", "active", True),
        ("decision", "active", True),
        ("province", "active", True),
        ("archived", "awarded", True),
        ("archived", "not_selected", True),
        ("archived", "withdrawn", False),
        ("archived", "rejected", False),
    ],
)
def test_a_council_member_reads_a_dossier_from_its_posting_on(
    people: People, db_session: Session, stage: str, status: str, member_reads: bool
) -> None:
    dossier = people.dossier
    dossier.stage, dossier.status = stage, status
    db_session.flush()
    member = people["member"]
    assert permissions.may_see_dossier(member, dossier) is member_reads
    # The lists' SQL states the same rule as the row check.
    listed = db_session.scalars(queries.visible_dossiers(member)).all()
    assert (dossier in listed) is member_reads
    if not member_reads:
        with pytest.raises(NotFound):
            permissions.visible_dossier(db_session, member, dossier.id)
    # The unit's own people and the agency-wide roles read it at every stage.
    for name in ("clerk_a", "head_a", "secretary", "director", "admin"):
        assert permissions.may_see_dossier(people[name], dossier)
    assert not permissions.may_see_dossier(people["head_b"], dossier)
