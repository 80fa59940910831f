"""The working-day calendar (ngày làm việc) that every limit in the procedure is counted in.

A day is a working day unless it is a Saturday or Sunday or a Vietnamese public holiday; an
administrator's overrides win over both (a make-up working Saturday, an extra day off).

Public holidays come from the ``holidays`` package (``holidays.country_holidays("VN")``, checked
against version 0.109). Its only category for Vietnam is ``public``; with the default
``observed=True`` it gives, with Vietnamese names (``language="vi"``, its default language):

- 1/1 Tết Dương lịch;
- Tết Nguyên Đán: Giao thừa (lunar 30/12 or 29/12) and mùng 1–4 (mùng 1–3 before 2013); when
  some of those fall on a weekend the package adds the substitute days itself ("29 Tết" before,
  "Mùng năm/sáu" after), e.g. 2027 gives 4–10/2;
- Giỗ Tổ Hùng Vương (10/3 lunar, since 2007);
- 30/4 Ngày Chiến thắng and 1/5 Ngày Quốc tế Lao động;
- 2/9 Quốc khánh plus, since 2021, the adjacent day (1/9 or 3/9);
- 24/11 Ngày Văn hóa Việt Nam, since 2026;
- observed days ("… (nghỉ bù)"): a holiday on a Saturday or Sunday moves to the next working day
  (e.g. Giỗ Tổ 26/4/2026 is a Sunday, so 27/4/2026 is off);
- the government's announced day swaps ("Ngày nghỉ (thay cho ngày …)"), e.g. 2/5/2025 off in
  exchange for Saturday 26/4/2025 worked, 31/8/2026 off for Saturday 22/8/2026. The package
  lists the swapped-in Saturday in ``weekend_workdays``; this calendar counts that Saturday as a
  working day, as the swap intends.

Swaps the government announces after the installed package was released, and local decisions of
the province, are entered as :class:`CalendarOverride` rows.

Time semantics (see :meth:`WorkingCalendar.add_working_days`): instants are aware datetimes in
UTC; dates are local dates in the calendar's time zone (Asia/Ho_Chi_Minh by default). A limit of
N working days does not count the day it is given on and ends at 23:59:59 local time of its last
working day, as the Civil Code 2015 counts periods given in days (the first day is not counted;
the period ends at 24:00 of its last day). That also means work finished late on the last day is
on time, which is what staff will expect; 17:00 would make a task closed at 17:05 overdue.
"""

from __future__ import annotations

import functools
import threading
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import CalendarOverrideDay
from engine.text import N_, Localized

__all__ = [
    "DEFAULT_TZ",
    "END_OF_DAY",
    "OFFICE_OPENS",
    "CalendarOverride",
    "ProcessCalendar",
    "WorkingCalendar",
    "load_calendar",
    "warm_up",
]

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# The last second of a local day: a limit ends here (see the module docstring).
END_OF_DAY = time(23, 59, 59)
# Provincial agencies open at 07:30; reminders for a day go out then.
OFFICE_OPENS = time(7, 30)
# A limit longer than this is a bug in the caller, not a real procedure.
_MAX_WORKING_DAYS = 3660

OverrideKind = Literal["working", "off"]


@dataclass(frozen=True)
class CalendarOverride:
    """An administrator's correction for one day: a make-up working day or an extra day off."""

    day: date
    kind: OverrideKind
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("working", "off"):
            raise ValueError(
                f"calendar override for {self.day.isoformat()}: kind must be 'working' or 'off', "
                f"got {self.kind!r}"
            )


@dataclass(frozen=True)
class _PackageYear:
    """What the ``holidays`` package says about one year."""

    names: dict[date, str]
    weekend_workdays: frozenset[date]


@functools.cache
def _package_year(year: int) -> _PackageYear:
    """Return the package's holidays and swapped-in working Saturdays for ``year`` (cached)."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    # The package names VN's holidays in English too: each name carries it for English readers.
    english = holidays.country_holidays("VN", years=year, language="en_US")
    names: dict[date, str] = {
        d: Localized(str(name), {"en": str(english.get(d) or name)})
        for d, name in vn.items()
        if d.year == year
    }
    # The set also carries swaps of other years (the package adds cross-year ones everywhere).
    workdays = frozenset(d for d in vn.weekend_workdays if d.year == year and d not in names)
    return _PackageYear(names=names, weekend_workdays=workdays)


def warm_up(today: date | None = None) -> None:
    """Load the package's holidays of this year and the next, for every calendar of the process.

    The first lookup of a year costs ~50 ms (the package builds its lunar holidays); call this at
    process start so that the first engine step of a worker, or the first due date that crosses
    into next year, does not pay it inside a transaction that holds the instance lock.
    """
    year = (today or datetime.now(UTC).date()).year
    for y in (year, year + 1):
        _package_year(y)


class WorkingCalendar:
    """Weekends, Vietnamese public holidays and an administrator's overrides, in one time zone."""

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        tz: str = DEFAULT_TZ,
        office_opens: time = OFFICE_OPENS,
    ) -> None:
        self.tz = ZoneInfo(tz)
        self.office_opens = office_opens
        self._overrides: dict[date, CalendarOverride] = {}
        for override in overrides:
            previous = self._overrides.get(override.day)
            if previous is not None and previous.kind != override.kind:
                raise ValueError(
                    f"calendar overrides for {override.day.isoformat()} contradict each other: "
                    f"{previous.kind!r} and {override.kind!r}"
                )
            self._overrides[override.day] = override
        self._exceptions: dict[int, frozenset[date]] = {}
        # Answers kept for the calendar's life: a step's due date and its reminder ladder asked
        # ~90 is_working_day and ~15 shift_working_days calls, the same for every task created
        # that day (bench/engine.py). Nothing changes a calendar; new overrides make a new one
        # (ProcessCalendar.refresh), so a kept answer is never stale.
        self._working: dict[date, bool] = {}
        self._shifted: dict[tuple[date, int], date] = {}

    def _exceptions_in(self, year: int) -> frozenset[date]:
        """Return the package's days of ``year`` that break the weekday rule.

        Those are holidays on a weekday and working weekend days; the set is cached per year
        because the calendar is asked on every engine step.
        """
        cached = self._exceptions.get(year)
        if cached is None:
            package = _package_year(year)
            weekday_holidays = frozenset(d for d in package.names if d.weekday() < 5)
            cached = weekday_holidays | package.weekend_workdays
            self._exceptions[year] = cached
        return cached

    def is_working_day(self, d: date) -> bool:
        """Return whether ``d`` (a local date) is a working day."""
        if isinstance(d, datetime):
            raise TypeError("is_working_day takes a local date; use local_date() on a datetime")
        working = self._working.get(d)
        if working is None:
            override = self._overrides.get(d)
            if override is not None:
                working = override.kind == "working"
            else:
                working = (d.weekday() >= 5) == (d in self._exceptions_in(d.year))
            self._working[d] = working
        return working

    def local_date(self, instant: datetime) -> date:
        """Return the local date of an aware instant."""
        return _require_aware(instant).astimezone(self.tz).date()

    def end_of_day(self, d: date) -> datetime:
        """Return the instant (UTC) a limit ending on local date ``d`` ends."""
        return datetime.combine(d, END_OF_DAY, self.tz).astimezone(UTC)

    def start_of_office_day(self, d: date) -> datetime:
        """Return the instant (UTC) the office opens on local date ``d``."""
        return datetime.combine(d, self.office_opens, self.tz).astimezone(UTC)

    def shift_working_days(self, d: date, n: int) -> date:
        """Return the ``n``-th working day after (``n`` > 0) or before (``n`` < 0) local date ``d``.

        ``d`` itself is never counted. ``n`` = 0 returns ``d`` if it is a working day, else the
        next working day.
        """
        shifted = self._shifted.get((d, n))
        if shifted is None:
            shifted = self._shifted[d, n] = self._shift(d, n)
        return shifted

    def _shift(self, d: date, n: int) -> date:
        if abs(n) > _MAX_WORKING_DAYS:
            raise ValueError(f"{n} working days is out of range (at most {_MAX_WORKING_DAYS})")
        step = timedelta(days=-1 if n < 0 else 1)
        if n == 0:
            while not self.is_working_day(d):
                d += step
            return d
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Return when a limit of ``n`` working days given at ``start`` ends, in UTC.

        The limit ends at 23:59:59 local time of the ``n``-th working day after ``start``'s local
        date; the day of ``start`` is not counted, whatever the hour (a task created at 23:30 on
        a Monday with 1 working day is due at the end of Tuesday, the same as one created at
        08:00). Negative ``n`` counts back: the end of the ``|n|``-th working day before
        ``start``'s local date. ``n`` = 0 means "by the end of today", rolled to the next working
        day if today is off.
        """
        return self.end_of_day(self.shift_working_days(self.local_date(start), n))

    def iso_working_days_ahead(self, n: int, now: datetime) -> str:
        """Return :meth:`add_working_days` as an ISO-8601 string with an explicit UTC offset.

        BPMN timer expressions must evaluate to strings; the offset matters because SpiffWorkflow
        reads an offset-less timestamp in the server's local zone.
        """
        return self.add_working_days(now, n).isoformat()

    def working_days_between(self, a: date, b: date) -> int:
        """Return the signed number of working days after ``a`` up to and including ``b``.

        Datetimes are taken at their local date. The result is how many working days ``b`` is
        past ``a`` (negative when ``b`` is before ``a``), so ``working_days_between(due_at, now)``
        is "working days overdue". It inverts :meth:`add_working_days` for ``n`` > 0, and for
        ``n`` < 0 when the start is a working day (the interval is half-open at ``a``).
        """
        start, end = self._as_local_date(a), self._as_local_date(b)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """Return the holidays of ``year`` in date order, with their Vietnamese names.

        The package's holidays (weekend ones included, as the package names them) together with
        the administrator's extra days off, named by their note; a day an administrator made a
        working day is left out.
        """
        days = {
            d: name
            for d, name in _package_year(year).names.items()
            if self._overrides.get(d) is None or self._overrides[d].kind == "off"
        }
        for d, override in self._overrides.items():
            if d.year == year and override.kind == "off":
                days[d] = override.note or days.get(d, N_("Ngày nghỉ"))
        return sorted(days.items())

    def make_up_days_in(self, year: int) -> list[tuple[date, str]]:
        """Return the weekend days of ``year`` that are working days, with a Vietnamese label."""
        days = dict.fromkeys(_package_year(year).weekend_workdays, N_("Ngày làm việc bù"))
        for d, override in self._overrides.items():
            if d.year == year and override.kind == "working" and d.weekday() >= 5:
                days[d] = override.note or N_("Ngày làm việc bù")
        return sorted((d, n) for d, n in days.items() if self.is_working_day(d))

    def _as_local_date(self, value: date) -> date:
        if isinstance(value, datetime):
            return self.local_date(value)
        return value


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    return instant


def load_calendar(session: Session, tz: str = DEFAULT_TZ) -> WorkingCalendar:
    """Return the working-day calendar with the administrators' overrides."""
    rows = session.scalars(select(CalendarOverrideDay))
    overrides = [CalendarOverride(r.day, r.kind, r.note) for r in rows]  # type: ignore[arg-type]
    return WorkingCalendar(overrides, tz=tz)


class ProcessCalendar:
    """This process's copy of the calendar with the overrides: due dates and scripts count in it.

    Read again at start-up, after an administrator's change in this process, by every reminder
    sweep and, when older than :attr:`max_age` seconds, by web requests and timer sweeps, so a
    change made in one process reaches the others within a minute.
    """

    def __init__(self, tz: str = DEFAULT_TZ, max_age: float = 60.0) -> None:
        self.tz = tz
        self.max_age = max_age
        self._calendar = WorkingCalendar(tz=tz)
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def current(self) -> WorkingCalendar:
        """Return the calendar in force in this process."""
        return self._calendar

    def use(self, calendar: WorkingCalendar) -> None:
        """Put ``calendar`` in force (one just loaded in a committed change)."""
        self._calendar = calendar
        self._loaded_at = clock.monotonic()

    def load(self, session: Session) -> WorkingCalendar:
        """Read the overrides with ``session`` and put that calendar in force."""
        self.use(load_calendar(session, self.tz))
        return self._calendar

    def is_stale(self) -> bool:
        """Return whether the copy is older than :attr:`max_age` (or was never read)."""
        loaded = self._loaded_at
        return loaded is None or clock.monotonic() - loaded >= self.max_age

    def claim_refresh(self) -> bool:
        """Return True to exactly one caller once the copy is stale; it then calls :meth:`load`."""
        if not self.is_stale():
            return False
        with self._lock:
            if not self.is_stale():
                return False
            # Counted as read now, so that threads arriving meanwhile do not read it too.
            self._loaded_at = clock.monotonic()
            return True
