"""An inbox's total is what its pages hold: the group box counted one role at a time (a lane
held everywhere and in one unit counted once), a supervisor's group list as their lanes' tasks
plus the claimed ones they may hand on. Runs on SQLite and, with TDKT_TEST_DATABASE_URL, on
PostgreSQL, where each count is read off an index alone."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.models import HumanTask, RoleMembership, User
from engine.read import queries
from engine.read.queries import ListFilters
from tests.common import dossiers, workflow
from tests.common.worlds import World


def _every_row(session: Session, user: User, *, with_claimed: bool = False) -> list[int]:
    session.expire_all()
    filters = ListFilters(per_page=3)
    page = queries.inbox(session, user, "group", filters, with_claimed=with_claimed)
    ids = [row.task.id for row in page.items]
    for number in range(2, page.pages + 1):
        filters = ListFilters(per_page=3, page=number)
        more = queries.inbox(session, user, "group", filters, with_claimed=with_claimed)
        assert more.total == page.total
        ids += [row.task.id for row in more.items]
    assert len(ids) == len(set(ids)) == page.total
    return ids


def test_group_totals_are_the_rows_of_every_lane_once_and_the_claimed_a_supervisor_hands_on(
    world: World, db_session: Session
) -> None:
    head_a, head_b = world.users["head_a"], world.users["head_b"]
    expected: dict[str, set[int]] = {"a": set(), "b": set(), "council": set()}
    for unit, key in ((world.unit_a, "a"), (world.unit_b, "b")):
        for _ in range(4):
            dossier = dossiers.dossier(db_session, unit, with_instance=True)
            expected[key].add(workflow.task(db_session, dossier).id)
    council = dossiers.dossier(db_session, world.unit_a, with_instance=True)
    expected["council"].add(
        workflow.task(db_session, council, role="council_member", candidate_unit=None).id
    )
    # Done or cancelled tasks are in no box.
    workflow.task(db_session, council, status="completed")
    # Unit A's head also heads unit B (two lanes of one role) and sits on the council.
    db_session.add(
        RoleMembership(user_id=head_a.id, role_code="unit_head", unit_id=world.unit_b.id)
    )
    db_session.add(RoleMembership(user_id=head_a.id, role_code="council_member", unit_id=None))
    db_session.commit()
    db_session.refresh(head_a)

    lanes = expected["a"] | expected["b"] | expected["council"]
    assert set(_every_row(db_session, head_a)) == lanes
    assert queries.task_counts(db_session, head_a)["group"] == len(lanes)

    # Unit B's head claims one of unit B's tasks: it leaves the others' group box; the head of
    # unit A (who heads B too) still sees it in his supervisor's list, to hand it on.
    claimed = min(expected["b"])
    db_session.get(HumanTask, claimed).assignee_id = head_b.id  # type: ignore[union-attr]
    db_session.commit()
    assert set(_every_row(db_session, head_a)) == lanes - {claimed}
    assert queries.task_counts(db_session, head_a)["group"] == len(lanes) - 1
    assert set(_every_row(db_session, head_a, with_claimed=True)) == lanes
    # The secretariat hands on every claimed task but a member's ballot; its own lane is empty.
    secretariat = world.users["secretariat"]
    assert _every_row(db_session, secretariat, with_claimed=True) == [claimed]
    assert queries.task_counts(db_session, secretariat) == {"mine": 0, "group": 0}
    # Someone with no lane has an empty group box.
    assert queries.task_counts(db_session, world.users["outsider"])["group"] == 0
