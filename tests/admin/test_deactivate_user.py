"""Deactivating a user (or taking a role away) never leaves an open task with nobody to act."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import admin
from engine.errors import ValidationFailed
from engine.models import HumanTask, RoleMembership, User
from tests.admin.conftest import post, sign_in
from tests.common import people, workflow
from tests.common.worlds import World


def _open_tasks(session: Session) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(HumanTask.status == "ready")))


def _actor(session: Session, user: User) -> User:
    """Load the acting user with their roles (the operation adopts this read transaction)."""
    actor = session.get(User, user.id)
    assert actor is not None
    list(actor.memberships)
    return actor


def _nobody_orphaned(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        orphans = [t.id for t in _open_tasks(s) if not admin.has_actor(s, t)]
    assert orphans == []


def test_page_lists_the_tasks_only_this_user_can_act_on(
    client: FlaskClient, world: World, admin_user: User
) -> None:
    sign_in(client, admin_user)
    page = client.get(f"/admin/users/{world.users['head_a'].id}").get_data(as_text=True)
    assert f'name="task_{world.task.id}"' in page
    assert "Bình xét tại đơn vị" in page


def test_last_role_holder_cannot_be_deactivated_without_a_handover(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    head = world.users["head_a"]
    sign_in(client, admin_user)
    response = post(client, f"/admin/users/{head.id}/deactivate")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="f-task_{world.task.id}-error"' in page
    with session_factory() as s:
        assert s.get(User, head.id).active  # type: ignore[union-attr]
    _nobody_orphaned(session_factory)


def test_handover_gives_the_successor_the_role_and_the_task(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    head, successor = world.users["head_a"], world.users["head_b"]
    sign_in(client, admin_user)
    response = post(
        client,
        f"/admin/users/{head.id}/deactivate",
        {f"task_{world.task.id}": successor.id},
    )
    assert response.status_code == 302
    with session_factory() as s:
        assert not s.get(User, head.id).active  # type: ignore[union-attr]
        task = s.get(HumanTask, world.task.id)
        assert task is not None
        assert task.assignee_id == successor.id
        assert s.scalar(
            select(RoleMembership).where(
                RoleMembership.user_id == successor.id,
                RoleMembership.role_code == "unit_head",
                RoleMembership.unit_id == world.unit_a.id,
            )
        )
    _nobody_orphaned(session_factory)


def test_a_task_assigned_to_the_user_blocks_deactivation_even_with_other_role_holders(
    world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s, s.begin():
        other = people.user(s, "clerk_a2", unit=world.unit_a, roles=(("unit_clerk", world.unit_a),))
        task = workflow.task(
            s,
            world.dossier,
            element_id="prepare",
            name="Chuẩn bị hồ sơ",
            role="unit_clerk",
            assignee=s.get(User, world.users["clerk_a"].id),
        )
        task_id, other_id = task.id, other.id
    with session_factory() as s:
        actor = _actor(s, admin_user)
        with pytest.raises(ValidationFailed) as refused:
            admin.deactivate_user(s, actor, world.users["clerk_a"].id)
        assert f"task_{task_id}" in refused.value.field_errors
        actor = _actor(s, admin_user)
        admin.deactivate_user(s, actor, world.users["clerk_a"].id, {task_id: other_id})
    _nobody_orphaned(session_factory)


def test_a_successor_who_is_leaving_too_is_refused(
    world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        actor = _actor(s, admin_user)
        head = world.users["head_a"]
        with pytest.raises(ValidationFailed):
            admin.deactivate_user(s, actor, head.id, {world.task.id: head.id})
    _nobody_orphaned(session_factory)


def test_revoking_the_last_holders_role_is_refused(
    world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        membership = s.scalar(
            select(RoleMembership).where(RoleMembership.user_id == world.users["head_a"].id)
        )
        assert membership is not None
        actor = _actor(s, admin_user)
        with pytest.raises(ValidationFailed):
            admin.revoke_role(s, actor, membership.id)
    _nobody_orphaned(session_factory)


def test_a_user_with_no_sole_tasks_is_deactivated_at_once(
    client: FlaskClient, world: World, admin_user: User, session_factory: sessionmaker[Session]
) -> None:
    sign_in(client, admin_user)
    assert post(client, f"/admin/users/{world.users['outsider'].id}/deactivate").status_code == 302
    with session_factory() as s:
        assert not s.get(User, world.users["outsider"].id).active  # type: ignore[union-attr]
