import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import WorkingCalendar
from engine.notify.ladder import (
    DEFAULT_LADDER,
    Recipient,
    Rung,
    RungKind,
    RungOccurrence,
    due_rungs,
    ladder_from_json,
    ladder_to_json,
    next_rung_at,
    schedule,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HCM).astimezone(UTC)


def opening(y: int, m: int, d: int) -> datetime:
    return local(y, m, d, 7, 30)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# A 5-working-day task created Monday 2/3/2026, due at the end of Monday 9/3/2026.
CREATED = local(2026, 3, 2, 9)


@pytest.fixture
def due(cal: WorkingCalendar) -> datetime:
    due_at = cal.add_working_days(CREATED, 5)
    assert due_at == datetime(2026, 3, 9, 16, 59, 59, tzinfo=UTC)
    return due_at


def keys(occurrences: list[RungOccurrence]) -> list[str]:
    return [o.key for o in occurrences]


def test_task_goes_due_soon_due_overdue_escalated(cal: WorkingCalendar, due: datetime) -> None:
    def at(now: datetime) -> list[RungOccurrence]:
        return due_rungs(DEFAULT_LADDER, due, now, cal, CREATED)

    assert at(local(2026, 3, 4, 12)) == []
    assert at(local(2026, 3, 5, 7, 29)) == []
    assert at(local(2026, 3, 5, 7, 30)) == [
        RungOccurrence("before_2", opening(2026, 3, 5), RungKind.REMIND, Recipient.HOLDER)
    ]
    assert keys(at(local(2026, 3, 9, 16))) == ["before_2", "due_day"]
    assert keys(at(local(2026, 3, 10, 8))) == ["before_2", "due_day", "overdue_1"]
    escalated = at(local(2026, 3, 12, 9))
    assert keys(escalated) == [
        "before_2",
        "due_day",
        "overdue_1",
        "overdue_2",
        "overdue_3",
        "escalate",
    ]
    assert escalated[-1] == RungOccurrence(
        "escalate", opening(2026, 3, 12), RungKind.ESCALATE, Recipient.ESCALATION
    )
    # fires_at is when each rung came due, not when the sweep looked.
    assert [o.fires_at for o in escalated] == [
        opening(2026, 3, 5),
        opening(2026, 3, 9),
        opening(2026, 3, 10),
        opening(2026, 3, 11),
        opening(2026, 3, 12),
        opening(2026, 3, 12),
    ]


def test_overdue_repeats_on_working_days_only_up_to_its_limit(
    cal: WorkingCalendar, due: datetime
) -> None:
    everything = due_rungs(DEFAULT_LADDER, due, local(2026, 12, 31), cal, CREATED)
    overdue = [o for o in everything if o.key.startswith("overdue_")]
    assert keys(overdue) == [f"overdue_{n}" for n in range(1, 11)]
    # overdue_4 is Friday 13/3, overdue_5 the Monday after.
    assert overdue[3].fires_at == opening(2026, 3, 13)
    assert overdue[4].fires_at == opening(2026, 3, 16)
    assert len(set(keys(everything))) == len(everything)


def test_repeat_limit_is_configurable(cal: WorkingCalendar, due: datetime) -> None:
    ladder = (Rung("overdue", 1, RungKind.REMIND, Recipient.HOLDER, repeat=True, repeat_limit=3),)
    assert keys(due_rungs(ladder, due, local(2026, 12, 31), cal, CREATED)) == [
        "overdue_1",
        "overdue_2",
        "overdue_3",
    ]


def test_a_sweep_that_runs_twice_or_late_sees_the_same_occurrences(
    cal: WorkingCalendar, due: datetime
) -> None:
    early = due_rungs(DEFAULT_LADDER, due, local(2026, 3, 10, 8), cal, CREATED)
    assert due_rungs(DEFAULT_LADDER, due, local(2026, 3, 10, 8), cal, CREATED) == early
    late = due_rungs(DEFAULT_LADDER, due, local(2026, 3, 20), cal, CREATED)
    assert late[: len(early)] == early


def test_next_rung_at_is_the_earliest_future_occurrence(
    cal: WorkingCalendar, due: datetime
) -> None:
    assert next_rung_at(DEFAULT_LADDER, due, CREATED, cal, CREATED) == opening(2026, 3, 5)
    assert next_rung_at(DEFAULT_LADDER, due, opening(2026, 3, 5), cal, CREATED) == opening(
        2026, 3, 9
    )
    assert next_rung_at(DEFAULT_LADDER, due, local(2026, 12, 31), cal, CREATED) is None


def test_ladder_skips_tet(cal: WorkingCalendar) -> None:
    created = local(2026, 2, 5)
    due = cal.add_working_days(created, 6)  # Fri 6, Mon 9 … Fri 13/2/2026
    assert due == datetime(2026, 2, 13, 23, 59, 59, tzinfo=HCM)
    occurrences = schedule(DEFAULT_LADDER, due, cal, created)
    fires = {o.key: o.fires_at for o in occurrences}
    assert fires["before_2"] == opening(2026, 2, 11)
    assert fires["due_day"] == opening(2026, 2, 13)
    assert fires["overdue_1"] == opening(2026, 2, 23)
    assert fires["escalate"] == opening(2026, 2, 25)


def test_due_on_a_day_off_is_reminded_on_the_working_day_before(cal: WorkingCalendar) -> None:
    due = local(2026, 3, 8, 23, 59)  # a Sunday, e.g. a campaign deadline
    fires = {o.key: o.fires_at for o in schedule(DEFAULT_LADDER, due, cal, local(2026, 2, 23))}
    assert fires["before_2"] == opening(2026, 3, 4)
    assert fires["due_day"] == opening(2026, 3, 6)
    assert fires["overdue_1"] == opening(2026, 3, 9)


def test_task_created_late_skips_before_2_but_still_gets_due_day(cal: WorkingCalendar) -> None:
    created = local(2026, 3, 6)  # Friday, 1 working day before the due date
    due = cal.add_working_days(created, 1)
    occurrences = schedule(DEFAULT_LADDER, due, cal, created)
    assert keys(occurrences)[:2] == ["due_day", "overdue_1"]
    assert occurrences[0].fires_at == opening(2026, 3, 9)


def test_task_created_on_before_2_day_after_opening_skips_it(
    cal: WorkingCalendar, due: datetime
) -> None:
    created = local(2026, 3, 5, 9)
    assert keys(schedule(DEFAULT_LADDER, due, cal, created))[0] == "due_day"
    assert keys(schedule(DEFAULT_LADDER, due, cal, opening(2026, 3, 5)))[0] == "before_2"


def test_task_created_on_its_due_day_gets_due_day_at_creation(
    cal: WorkingCalendar, due: datetime
) -> None:
    created = local(2026, 3, 9, 14)
    assert due_rungs(DEFAULT_LADDER, due, created, cal, created) == [
        RungOccurrence("due_day", created, RungKind.REMIND, Recipient.HOLDER)
    ]


def test_task_created_overdue_gets_one_catch_up_per_audience(
    cal: WorkingCalendar, due: datetime
) -> None:
    created = local(2026, 3, 13, 11)  # Friday, 4 working days after the due date
    now = local(2026, 3, 13, 12)
    assert due_rungs(DEFAULT_LADDER, due, now, cal, created) == [
        RungOccurrence("escalate", created, RungKind.ESCALATE, Recipient.ESCALATION),
        RungOccurrence("overdue_4", created, RungKind.REMIND, Recipient.HOLDER),
    ]
    assert next_rung_at(DEFAULT_LADDER, due, now, cal, created) == opening(2026, 3, 16)


def test_empty_ladder_sends_nothing(cal: WorkingCalendar, due: datetime) -> None:
    assert due_rungs((), due, local(2026, 12, 31), cal, CREATED) == []
    assert next_rung_at((), due, CREATED, cal, CREATED) is None


def test_naive_now_is_refused(cal: WorkingCalendar, due: datetime) -> None:
    with pytest.raises(ValueError, match="now must be an aware datetime"):
        due_rungs(DEFAULT_LADDER, due, datetime(2026, 3, 9), cal, CREATED)


def test_default_ladder_round_trips_through_json() -> None:
    text = ladder_to_json(DEFAULT_LADDER)
    assert ladder_from_json(text) == DEFAULT_LADDER
    assert json.loads(text)[2] == {
        "key": "overdue",
        "offset": 1,
        "kind": "remind",
        "recipient": "holder",
        "repeat": True,
        "repeat_limit": 10,
    }


def rung(**changes: object) -> dict[str, object]:
    return {"key": "soon", "offset": -1, "kind": "remind", "recipient": "holder", **changes}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"key": "x"}, "must be a JSON list"),
        (["due_day"], r"rung #1 must be a JSON object"),
        (
            [{"key": "soon", "offset": -1, "kind": "remind"}],
            r"rung #1 \('soon'\): missing .*recipient",
        ),
        ([rung(color="red")], r"rung #1 \('soon'\): unknown field\(s\) 'color'"),
        ([rung(), rung(key="late", kind="shout")], r"rung #2 \('late'\): field 'kind'"),
        ([rung(recipient="director")], r"rung #1 \('soon'\): field 'recipient'"),
        ([rung(offset="2")], r"rung #1: rung 'soon': field 'offset'"),
        ([rung(offset=True)], r"rung #1: rung 'soon': field 'offset'"),
        ([rung(offset=99)], r"rung 'soon': field 'offset' must be an integer from -60 to 60"),
        ([rung(key="Sớm")], r"rung #1: rung 'Sớm': field 'key'"),
        ([rung(repeat="yes")], r"rung 'soon': field 'repeat' must be true or false"),
        ([rung(repeat=True)], r"rung 'soon': field 'repeat' is only allowed from the due day"),
        ([rung(repeat_limit=3)], r"rung #1 \('soon'\): field 'repeat_limit' needs"),
        ([rung(offset=1, repeat=True, repeat_limit=0)], r"field 'repeat_limit' must be"),
        ([rung(), rung()], r"rung 'soon': field 'key' gives occurrence key 'soon', already"),
        (
            [rung(key="overdue_3", offset=3), rung(key="overdue", offset=1, repeat=True)],
            r"rung 'overdue': .*'overdue_3', already used by rung 'overdue_3'",
        ),
    ],
)
def test_bad_ladders_are_refused_with_a_clear_message(data: object, message: str) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ValueError, match=message):
        ladder_from_json(text)
