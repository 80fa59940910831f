"""The reminder ladder: which reminders and escalations a human task gets, as data.

A ladder is a sequence of :class:`Rung`; an administrator edits it as JSON
(:func:`ladder_from_json` / :func:`ladder_to_json`). The sweep asks :func:`due_rungs` what has
come due for an open task and inserts one row per (task, occurrence key) under a unique
constraint, so a rung is sent at most once however often or late the sweep runs; it stops asking
once the task is done. The keys are the idempotency identity: renaming a rung re-sends it.

When a rung fires, for a task due on local date D (``due_at``, normally 23:59:59 local of a
working day, as :meth:`WorkingCalendar.add_working_days` gives):

- offset < 0: at office opening of the ``|offset|``-th working day before D (if D is not a
  working day, counted from the last working day before it, the day the holder must act by);
- offset 0: at office opening of D, or of the last working day before it if D is off;
- offset > 0: at office opening of the ``offset``-th working day after D, which is the day
  ``working_days_between(due_at, now)`` reaches ``offset``; a repeating rung fires again on each
  following working day, ``repeat_limit`` times in all, with keys ``<key>_<offset>``
  (``overdue_1``, ``overdue_2`` …).

A task created after some of its rungs' times (created close to or past its due date):

- the "before due" rungs (offset < 0) from before creation are skipped: the new-task notice
  already tells the holder the due date, so "due in 2 days" would be a stale duplicate;
- of the rungs at or after the due day from before creation, only the latest per (kind,
  recipient) is kept, and it fires at ``created_at`` (it cannot have been due before the task
  existed): a task created on its due day gets ``due_day`` at once, one created 4 working days
  late gets ``overdue_4`` and ``escalate`` at once, not a burst of ``overdue_1`` … ``overdue_4``.

Recipients are roles, resolved by the caller: ``holder`` is whoever holds the task;
``escalation`` is the unit head for unit-scoped lanes and the council secretariat for the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from weakref import WeakKeyDictionary

from engine.calendar import WorkingCalendar

__all__ = [
    "DEFAULT_LADDER",
    "DEFAULT_REPEAT_LIMIT",
    "Recipient",
    "Rung",
    "RungKind",
    "RungOccurrence",
    "check_ladder",
    "due_rungs",
    "ladder_from_data",
    "ladder_from_json",
    "ladder_to_data",
    "ladder_to_json",
    "next_rung_at",
    "schedule",
]

DEFAULT_REPEAT_LIMIT = 10
# Beyond a quarter of working days a reminder is noise; the dashboard shows what is late.
MAX_OFFSET = 60
MAX_REPEAT_LIMIT = 60
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _is_int(value: object) -> bool:
    # JSON true/false arrive as bool, which Python counts as int.
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _require_aware(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {instant.isoformat()}")
    return instant


class RungKind(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"


class Recipient(StrEnum):
    HOLDER = "holder"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class Rung:
    """One step of the ladder, ``offset`` working days relative to the due day."""

    key: str
    offset: int
    kind: RungKind
    recipient: Recipient
    repeat: bool = False
    repeat_limit: int = DEFAULT_REPEAT_LIMIT

    def __post_init__(self) -> None:
        def bad(field: str, problem: str) -> ValueError:
            return ValueError(f"rung {self.key!r}: field {field!r} {problem}")

        if not isinstance(self.key, str) or not _KEY.fullmatch(self.key):
            raise bad("key", "must be 1–40 of a-z, 0-9, _ starting with a letter")
        if not _is_int(self.offset) or not -MAX_OFFSET <= self.offset <= MAX_OFFSET:
            raise bad("offset", f"must be an integer from {-MAX_OFFSET} to {MAX_OFFSET}")
        if not isinstance(self.kind, RungKind):
            raise bad("kind", f"must be one of {_choices(RungKind)}")
        if not isinstance(self.recipient, Recipient):
            raise bad("recipient", f"must be one of {_choices(Recipient)}")
        if not isinstance(self.repeat, bool):
            raise bad("repeat", "must be true or false")
        if not _is_int(self.repeat_limit) or not 1 <= self.repeat_limit <= MAX_REPEAT_LIMIT:
            raise bad("repeat_limit", f"must be an integer from 1 to {MAX_REPEAT_LIMIT}")
        if self.repeat and self.offset < 0:
            raise bad("repeat", "is only allowed from the due day on (offset >= 0)")

    def offsets(self) -> range:
        """Return the offsets this rung fires at."""
        return range(self.offset, self.offset + (self.repeat_limit if self.repeat else 1))

    def occurrence_key(self, offset: int) -> str:
        """Return the unique key of this rung's occurrence at ``offset``."""
        return f"{self.key}_{offset}" if self.repeat else self.key


@dataclass(frozen=True)
class RungOccurrence:
    """One reminder or escalation that is (or will be) due for a task."""

    key: str
    fires_at: datetime
    kind: RungKind
    recipient: Recipient


DEFAULT_LADDER: tuple[Rung, ...] = (
    Rung("before_2", -2, RungKind.REMIND, Recipient.HOLDER),
    Rung("due_day", 0, RungKind.REMIND, Recipient.HOLDER),
    Rung("overdue", 1, RungKind.REMIND, Recipient.HOLDER, repeat=True),
    Rung("escalate", 3, RungKind.ESCALATE, Recipient.ESCALATION),
)


def check_ladder(ladder: Sequence[Rung]) -> None:
    """Raise ValueError unless every occurrence of the ladder has a distinct key."""
    seen: dict[str, str] = {}
    for rung in ladder:
        for offset in rung.offsets():
            key = rung.occurrence_key(offset)
            if key in seen:
                raise ValueError(
                    f"rung {rung.key!r}: field 'key' gives occurrence key {key!r}, "
                    f"already used by rung {seen[key]!r}"
                )
            seen[key] = rung.key


#: An occurrence as planned from the due day: (fires_at, offset, position in the ladder, it).
_Planned = tuple[datetime, int, int, RungOccurrence]
#: Plans by calendar, then by ladder and due day: every task given the same limit on the same
#: day has the same plan, and each engine step asks for its new task's (the default ladder's 13
#: occurrences took 29 us a step to plan, 6 us once kept). Weak keys: plans go with their
#: calendar, which is replaced, never changed, when the overrides change (Runtime.refresh_calendar).
_plans: WeakKeyDictionary[WorkingCalendar, dict[tuple[tuple[Rung, ...], date], list[_Planned]]]
_plans = WeakKeyDictionary()


def schedule(
    ladder: Sequence[Rung],
    due_at: datetime,
    calendar: WorkingCalendar,
    created_at: datetime,
) -> list[RungOccurrence]:
    """Return every occurrence the task will get while open, in firing order.

    Applies the creation rule of the module docstring; the order is by ``fires_at``, then offset,
    then position in the ladder.
    """
    _require_aware(created_at, "created_at")
    due_day = calendar.local_date(_require_aware(due_at, "due_at"))
    kept: list[_Planned] = []
    latest_missed: dict[tuple[RungKind, Recipient], _Planned] = {}
    for planned in _plan(tuple(ladder), due_day, calendar):
        fires_at, offset, index, occurrence = planned
        if fires_at >= created_at:
            kept.append(planned)
        elif offset >= 0:
            group = (occurrence.kind, occurrence.recipient)
            if group not in latest_missed or (offset, index) > latest_missed[group][1:3]:
                latest_missed[group] = planned
    for _, offset, index, occurrence in latest_missed.values():
        kept.append((created_at, offset, index, replace(occurrence, fires_at=created_at)))

    kept.sort(key=lambda item: item[:3])
    return [occurrence for *_, occurrence in kept]


def _plan(ladder: tuple[Rung, ...], due_day: date, calendar: WorkingCalendar) -> list[_Planned]:
    """Return the ladder's occurrences for a task due on ``due_day``, in firing order."""
    plans = _plans.get(calendar)
    if plans is None:
        plans = _plans.setdefault(calendar, {})
    plan = plans.get((ladder, due_day))
    if plan is not None:
        return plan
    check_ladder(ladder)
    # The last working day on or before the due date: the day the holder must act by.
    act_by = calendar.shift_working_days(due_day + timedelta(days=1), -1)
    plan = []
    for index, rung in enumerate(ladder):
        for offset in rung.offsets():
            day = (
                calendar.shift_working_days(act_by, offset)
                if offset <= 0
                else calendar.shift_working_days(due_day, offset)
            )
            fires_at = calendar.start_of_office_day(day)
            plan.append((fires_at, offset, index, _occurrence(rung, offset, fires_at)))
    plan.sort(key=lambda item: item[:3])
    plans[ladder, due_day] = plan
    return plan


def due_rungs(
    ladder: Sequence[Rung],
    due_at: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    created_at: datetime,
) -> list[RungOccurrence]:
    """Return the occurrences whose time has come by ``now``, in firing order.

    ``fires_at`` is when each became due, not ``now``: record that. Pure and deterministic, so a
    sweep may call it as often as it likes and rely on the (task, key) unique constraint.
    """
    _require_aware(now, "now")
    return [o for o in schedule(ladder, due_at, calendar, created_at) if o.fires_at <= now]


def next_rung_at(
    ladder: Sequence[Rung],
    due_at: datetime,
    now: datetime,
    calendar: WorkingCalendar,
    created_at: datetime,
) -> datetime | None:
    """Return when the task's next occurrence after ``now`` fires, or None when none is left."""
    _require_aware(now, "now")
    upcoming = [o.fires_at for o in schedule(ladder, due_at, calendar, created_at)]
    return min((t for t in upcoming if t > now), default=None)


def ladder_to_data(ladder: Sequence[Rung]) -> list[dict[str, Any]]:
    """Return the ladder as JSON-ready data, the form :func:`ladder_from_data` reads."""
    data: list[dict[str, Any]] = []
    for rung in ladder:
        item: dict[str, Any] = {
            "key": rung.key,
            "offset": rung.offset,
            "kind": rung.kind.value,
            "recipient": rung.recipient.value,
            "repeat": rung.repeat,
        }
        if rung.repeat:
            item["repeat_limit"] = rung.repeat_limit
        data.append(item)
    return data


def ladder_to_json(ladder: Sequence[Rung]) -> str:
    """Return the ladder as JSON text."""
    return json.dumps(ladder_to_data(ladder), ensure_ascii=False, indent=2)


def ladder_from_json(text: str) -> tuple[Rung, ...]:
    """Parse and validate a ladder from JSON text; raise ValueError naming what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"reminder ladder is not valid JSON: {exc}") from None
    return ladder_from_data(data)


_REQUIRED = ("key", "offset", "kind", "recipient")
_FIELDS = frozenset(f.name for f in fields(Rung))


def ladder_from_data(data: object) -> tuple[Rung, ...]:
    """Validate parsed JSON (a list of rung objects) and return the ladder."""
    if not isinstance(data, list):
        raise ValueError(f"reminder ladder must be a JSON list of rungs, got {_json_type(data)}")
    ladder: list[Rung] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"rung #{number} must be a JSON object, got {_json_type(item)}")
        name = f"rung #{number} ({item['key']!r})" if "key" in item else f"rung #{number}"
        missing = [f for f in _REQUIRED if f not in item]
        if missing:
            raise ValueError(f"{name}: missing field(s) {', '.join(map(repr, missing))}")
        unknown = sorted(set(item) - _FIELDS)
        if unknown:
            raise ValueError(f"{name}: unknown field(s) {', '.join(map(repr, unknown))}")
        if "repeat_limit" in item and item.get("repeat") is not True:
            raise ValueError(f"{name}: field 'repeat_limit' needs \"repeat\": true")
        kind, recipient = item["kind"], item["recipient"]
        if kind not in _choices(RungKind):
            raise ValueError(f"{name}: field 'kind' must be one of {_choices(RungKind)}")
        if recipient not in _choices(Recipient):
            raise ValueError(f"{name}: field 'recipient' must be one of {_choices(Recipient)}")
        try:
            rung = Rung(
                key=item["key"],
                offset=item["offset"],
                kind=RungKind(kind),
                recipient=Recipient(recipient),
                repeat=item.get("repeat", False),
                repeat_limit=item.get("repeat_limit", DEFAULT_REPEAT_LIMIT),
            )
        except ValueError as exc:
            raise ValueError(f"rung #{number}: {exc}") from None
        ladder.append(rung)
    check_ladder(ladder)
    return tuple(ladder)


def _occurrence(rung: Rung, offset: int, fires_at: datetime) -> RungOccurrence:
    return RungOccurrence(rung.occurrence_key(offset), fires_at, rung.kind, rung.recipient)
