"""The front door: the outermost unit of work commits once, nested ones join it, errors undo all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import OrgUnit
from engine.unit_of_work import in_unit_of_work, unit_of_work


@pytest.fixture
def commits(db_session: Session) -> Iterator[list[int]]:
    """Count the commits of ``db_session``."""
    seen: list[int] = []

    def committed(_session: Session) -> None:
        seen.append(1)

    event.listen(db_session, "after_commit", committed)
    yield seen
    event.remove(db_session, "after_commit", committed)


def _codes(factory: sessionmaker[Session]) -> list[str]:
    """Return the unit codes as another session sees them (what was committed)."""
    with factory() as other:
        return list(other.scalars(select(OrgUnit.code).order_by(OrgUnit.code)))


def test_the_outermost_unit_commits_when_it_ends(
    db_session: Session, session_factory: sessionmaker[Session], commits: list[int]
) -> None:
    with unit_of_work(db_session) as session:
        assert session is db_session
        assert in_unit_of_work(db_session)
        session.add(OrgUnit(code="A", name="A"))
    assert not in_unit_of_work(db_session)
    assert (commits, _codes(session_factory)) == ([1], ["A"])


def test_a_nested_unit_joins_the_outer_one_and_there_is_one_commit(
    db_session: Session, session_factory: sessionmaker[Session], commits: list[int]
) -> None:
    with unit_of_work(db_session):
        db_session.add(OrgUnit(code="A", name="A"))
        with unit_of_work(db_session):
            db_session.add(OrgUnit(code="B", name="B"))
        assert in_unit_of_work(db_session)
        assert commits == []
        assert _codes(session_factory) == []
    assert (commits, _codes(session_factory)) == ([1], ["A", "B"])


def test_an_exception_in_a_nested_unit_rolls_back_everything(
    db_session: Session, session_factory: sessionmaker[Session], commits: list[int]
) -> None:
    with pytest.raises(LookupError), unit_of_work(db_session):  # noqa: PT012
        db_session.add(OrgUnit(code="A", name="A"))
        with unit_of_work(db_session):
            db_session.add(OrgUnit(code="B", name="B"))
            db_session.flush()
            raise LookupError("inner")
    assert not in_unit_of_work(db_session)
    assert not db_session.in_transaction()
    assert (commits, _codes(session_factory)) == ([], [])
    # The session is usable again: the next unit starts afresh.
    with unit_of_work(db_session):
        db_session.add(OrgUnit(code="C", name="C"))
    assert _codes(session_factory) == ["C"]


def test_a_unit_adopts_the_read_transaction_a_request_began(
    db_session: Session, session_factory: sessionmaker[Session]
) -> None:
    db_session.execute(select(func.count(OrgUnit.id)))  # the request's checks autobegan one
    assert db_session.in_transaction()
    with unit_of_work(db_session):
        db_session.add(OrgUnit(code="A", name="A"))
    assert not db_session.in_transaction()
    assert _codes(session_factory) == ["A"]


def test_pending_changes_outside_a_unit_are_refused(
    db_session: Session, session_factory: sessionmaker[Session]
) -> None:
    db_session.add(OrgUnit(code="A", name="A"))
    with pytest.raises(RuntimeError, match="outside a unit of work"), unit_of_work(db_session):
        pass
    assert _codes(session_factory) == []


def test_a_factory_unit_opens_and_closes_its_own_session(
    session_factory: sessionmaker[Session],
) -> None:
    with unit_of_work(session_factory) as session:
        session.add(OrgUnit(code="A", name="A"))
        assert in_unit_of_work(session)
    assert not in_unit_of_work(session)
    assert _codes(session_factory) == ["A"]
    with pytest.raises(LookupError), unit_of_work(session_factory) as session:  # noqa: PT012
        session.add(OrgUnit(code="B", name="B"))
        raise LookupError("undo")
    assert _codes(session_factory) == ["A"]
