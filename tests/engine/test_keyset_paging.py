"""Keyset paging (``cursor``) gives exactly the rows and order of OFFSET paging, across ties and
NULLs, forwards and backwards, for every sort of the inboxes and of the dossier list; a cursor
that is not one a list gave out is refused. Runs on SQLite and, with TDKT_TEST_DATABASE_URL, on
PostgreSQL (the two put NULLs in different places by default)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.models import Dossier, HumanTask, User
from engine.read import queries
from engine.read.queries import ListFilters, Page
from tests.common import dossiers, workflow
from tests.common.worlds import World

PER_PAGE = 4
BASE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
NAMES = ("Lê Văn Ba", "Nguyễn Thị An", "Lê Văn Ba", "Trần Cường", "Nguyễn Thị An")


@pytest.fixture
def crowded(world: World, db_session: Session) -> World:
    """Unit A's head lane gets 22 open tasks: deadlines in ties of three, five without one,
    nominees sharing names, tasks created at the same instant; dossiers updated in ties."""
    for i in range(22):
        dossier = dossiers.dossier(
            db_session, world.unit_a, nominee_name=NAMES[i % len(NAMES)], with_instance=True
        )
        due = None if i % 5 == 0 else BASE + timedelta(days=i // 3)
        workflow.task(db_session, dossier, due=due, created=BASE - timedelta(days=i % 2))
        db_session.execute(
            update(Dossier)
            .where(Dossier.id == dossier.id)
            .values(updated_at=BASE - timedelta(hours=i % 3))
        )
    db_session.commit()
    return world


def _ids(page: Page[Any]) -> list[int]:
    return [row.task.id if isinstance(row, queries.TaskRow) else row.id for row in page.items]


def _read(session: Session, user: User, what: str, sort: str, **page: Any) -> Page[Any]:
    filters = ListFilters(sort=sort, per_page=PER_PAGE, **page)
    session.expire_all()
    if what == "dossiers":
        return queries.dossier_list(session, user, filters)
    return queries.inbox(session, user, "group", filters)


def _cursor(value: str | None, sort: str) -> queries.Cursor:
    assert value is not None
    cursor = queries.cursor_arg({"cursor": value}, sort)
    assert cursor is not None
    return cursor


LISTS = [("group", s) for s in queries.TASK_SORTS] + [
    ("dossiers", s) for s in queries.DOSSIER_SORTS
]


@pytest.mark.parametrize(("what", "sort"), LISTS, ids=[f"{w}:{s}" for w, s in LISTS])
def test_cursor_pages_are_the_offset_pages(
    crowded: World, db_session: Session, what: str, sort: str
) -> None:
    user = crowded.users["head_a"]
    first = _read(db_session, user, what, sort)
    pages = first.pages
    assert pages >= 6
    by_offset = [_ids(_read(db_session, user, what, sort, page=n)) for n in range(1, pages + 1)]
    everything = [i for ids in by_offset for i in ids]
    assert len(everything) == len(set(everything)) == first.total

    # Forwards: each page's next cursor leads to the next OFFSET page, numbered as it.
    page, walked = first, [_ids(first)]
    while page.next_cursor is not None:
        page = _read(db_session, user, what, sort, cursor=_cursor(page.next_cursor, sort))
        assert page.number == len(walked) + 1
        walked.append(_ids(page))
    assert walked == by_offset

    # Backwards from the end: the last page, then each previous cursor.
    page = _read(db_session, user, what, sort, cursor=_cursor(first.last_cursor, sort))
    assert page.number == pages
    assert page.next_cursor is None
    back = [_ids(page)]
    while page.prev_cursor is not None:
        page = _read(db_session, user, what, sort, cursor=_cursor(page.prev_cursor, sort))
        back.append(_ids(page))
    assert [i for ids in reversed(back) for i in ids] == everything
    assert back[-1] == by_offset[0]
    assert page.number == 1


def test_the_due_order_puts_ties_by_id_and_no_deadline_last(
    crowded: World, db_session: Session
) -> None:
    user = crowded.users["head_a"]
    tasks = [
        t
        for t in db_session.query(HumanTask).filter(HumanTask.completed_at.is_(None))
        if t.candidate_role == "unit_head" and t.candidate_unit_id == crowded.unit_a.id
    ]
    far = datetime.max.replace(tzinfo=UTC)
    expected = [t.id for t in sorted(tasks, key=lambda t: (t.due_at or far, t.id))]
    got: list[int] = []
    page = _read(db_session, user, "group", "due")
    got += _ids(page)
    while page.next_cursor:
        page = _read(db_session, user, "group", "due", cursor=_cursor(page.next_cursor, "due"))
        got += _ids(page)
    assert got == expected
    descending = [t.id for t in sorted(tasks, key=lambda t: (-(t.due_at or far).timestamp(), t.id))]
    undated = [t.id for t in sorted(tasks, key=lambda t: t.id) if t.due_at is None]
    dated = [i for i in descending if i not in undated]
    pages = _read(db_session, user, "group", "-due").pages
    got = [
        i
        for n in range(1, pages + 1)
        for i in _ids(_read(db_session, user, "group", "-due", page=n))
    ]
    assert got == dated + undated


@pytest.mark.parametrize(
    "value",
    [
        "x",
        "!!!",
        queries.encode_cursor("after", [], 2, "due"),  # "after" needs a position
        queries.encode_cursor("after", ["2030-01-01T00:00:00+00:00", 1], 2, "-waiting"),
        queries.encode_cursor("sideways", ["2030-01-01T00:00:00+00:00", 1], 2, "due"),  # type: ignore[arg-type]
        queries.encode_cursor("after", ["2030-01-01T00:00:00+00:00", 1], 0, "due"),
        "a" * (queries.MAX_CURSOR + 1),
    ],
)
def test_a_malformed_or_foreign_cursor_is_refused(value: str) -> None:
    with pytest.raises(queries.InvalidCursor) as raised:
        queries.ListFilters.from_args({"cursor": value, "sort": "due"}, list(queries.TASK_SORTS))
    assert raised.value.http_status == 400
    assert set(raised.value.field_errors) == {"cursor"}


@pytest.mark.parametrize(
    "values",
    [
        ["not a date", 1],
        ["2030-01-01T00:00:00", 1],  # no zone
        ["2030-01-01T00:00:00+00:00", "1"],
        ["2030-01-01T00:00:00+00:00", 10**20],
        ["2030-01-01T00:00:00+00:00"],
        [None, None],
    ],
)
def test_a_cursor_whose_values_do_not_fit_the_keys_is_refused(
    crowded: World, db_session: Session, values: list[Any]
) -> None:
    cursor = _cursor(queries.encode_cursor("after", values, 2, "due"), "due")
    with pytest.raises(queries.InvalidCursor):
        _read(db_session, crowded.users["head_a"], "group", "due", cursor=cursor)
