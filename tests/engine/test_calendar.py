from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import CalendarOverride, WorkingCalendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """Return a local Hanoi-time instant as UTC, the way callers hold instants."""
    return datetime(y, m, d, hh, mm, tzinfo=HCM).astimezone(UTC)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time(23, 59, 59), HCM).astimezone(UTC)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_weekends_are_off_and_weekdays_work(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 3, 6))  # Friday
    assert not cal.is_working_day(date(2026, 3, 7))
    assert not cal.is_working_day(date(2026, 3, 8))


def test_limit_ends_at_end_of_local_day_in_utc(cal: WorkingCalendar) -> None:
    due = cal.add_working_days(local(2026, 3, 9), 1)
    assert due == datetime(2026, 3, 10, 16, 59, 59, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_tet_2026_shifts_a_five_day_limit(cal: WorkingCalendar) -> None:
    # The package gives 16–20/2/2026 (Giao thừa to mùng 4): Fri 13, then Mon 23 … Thu 26.
    assert not any(cal.is_working_day(date(2026, 2, 16) + timedelta(i)) for i in range(5))
    assert cal.add_working_days(local(2026, 2, 12), 5) == end_of(2026, 2, 26)


def test_tet_2027_shifts_a_five_day_limit(cal: WorkingCalendar) -> None:
    # Tết 2027 is Saturday 6/2; the package moves the weekend days to 29 Tết (Thu 4/2) and
    # mùng 5 (Wed 10/2), so 4–10/2 are all off.
    off = [date(2027, 2, 4) + timedelta(i) for i in range(7)]
    assert not any(cal.is_working_day(d) for d in off)
    assert cal.is_working_day(date(2027, 2, 11))
    # Wed 3/2 is day 1, then Thu 11, Fri 12, Mon 15, Tue 16.
    assert cal.add_working_days(local(2027, 2, 2), 5) == end_of(2027, 2, 16)


def test_gio_to_hung_vuong(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2025, 4, 7))
    assert cal.add_working_days(local(2025, 4, 4), 1) == end_of(2025, 4, 8)


def test_gio_to_on_a_sunday_is_observed_on_monday(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 27))
    assert cal.add_working_days(local(2026, 4, 24), 1) == end_of(2026, 4, 28)


def test_30_4_and_1_5_and_the_2025_swap(cal: WorkingCalendar) -> None:
    # 2025: 30/4, 1/5 and 2/5 (swapped for Saturday 26/4, which is worked) are off.
    assert cal.add_working_days(local(2025, 4, 29), 2) == end_of(2025, 5, 6)
    assert cal.is_working_day(date(2025, 4, 26))
    assert cal.add_working_days(local(2025, 4, 25), 1) == end_of(2025, 4, 26)


def test_30_4_and_1_5_in_2026(cal: WorkingCalendar) -> None:
    # Wed 29/4 is day 1; Thu 30/4 and Fri 1/5 are off; Mon 4/5 is day 2.
    assert cal.add_working_days(local(2026, 4, 28), 2) == end_of(2026, 5, 4)


def test_national_day_and_the_day_beside_it(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2025, 9, 1))
    assert not cal.is_working_day(date(2025, 9, 2))
    assert cal.add_working_days(local(2025, 8, 29), 1) == end_of(2025, 9, 3)
    # 2026: 31/8 is swapped for Saturday 22/8; 1/9 and 2/9 are the holiday.
    assert cal.add_working_days(local(2026, 8, 28), 1) == end_of(2026, 9, 3)
    assert cal.is_working_day(date(2026, 8, 22))


def test_make_up_working_saturday_counts() -> None:
    cal = WorkingCalendar([CalendarOverride(date(2026, 1, 10), "working", "Làm bù")])
    assert cal.is_working_day(date(2026, 1, 10))
    assert cal.add_working_days(local(2026, 1, 9), 1) == end_of(2026, 1, 10)
    assert (date(2026, 1, 10), "Làm bù") in cal.make_up_days_in(2026)


def test_extra_day_off_does_not_count() -> None:
    cal = WorkingCalendar([CalendarOverride(date(2026, 1, 12), "off", "Nghỉ thêm")])
    assert not cal.is_working_day(date(2026, 1, 12))
    assert cal.add_working_days(local(2026, 1, 9), 1) == end_of(2026, 1, 13)
    assert (date(2026, 1, 12), "Nghỉ thêm") in cal.holidays_in(2026)


def test_override_can_make_a_holiday_a_working_day() -> None:
    cal = WorkingCalendar([CalendarOverride(date(2026, 8, 31), "working", "Không nghỉ")])
    assert cal.is_working_day(date(2026, 8, 31))
    assert date(2026, 8, 31) not in dict(cal.holidays_in(2026))


def test_contradicting_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="2026-01-10"):
        WorkingCalendar(
            [
                CalendarOverride(date(2026, 1, 10), "working", ""),
                CalendarOverride(date(2026, 1, 10), "off", ""),
            ]
        )


def test_override_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="kind must be"):
        CalendarOverride(date(2026, 1, 10), "holiday", "")  # type: ignore[arg-type]


def test_negative_n_counts_back_over_tet(cal: WorkingCalendar) -> None:
    # Two working days before Tue 24/2/2026: Mon 23/2, then back over Tết to Fri 13/2.
    assert cal.add_working_days(local(2026, 2, 24), -2) == end_of(2026, 2, 13)


def test_zero_days_on_a_day_off_rolls_to_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(local(2026, 3, 9), 0) == end_of(2026, 3, 9)
    assert cal.add_working_days(local(2026, 3, 7), 0) == end_of(2026, 3, 9)


def test_created_at_2330_local_counts_from_the_local_date(cal: WorkingCalendar) -> None:
    created = local(2026, 3, 9, 23, 30)  # Monday 23:30 in Hanoi, still Monday 16:30 in UTC
    assert cal.add_working_days(created, 1) == end_of(2026, 3, 10)
    just_after_midnight = local(2026, 3, 10, 0, 30)  # Tuesday in Hanoi, Monday in UTC
    assert just_after_midnight.date() == date(2026, 3, 9)
    assert cal.add_working_days(just_after_midnight, 1) == end_of(2026, 3, 11)


def test_naive_datetimes_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_days(datetime(2026, 3, 9, 10), 1)


def test_absurd_limits_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="out of range"):
        cal.add_working_days(local(2026, 3, 9), 100_000)


def test_working_days_between_is_signed(cal: WorkingCalendar) -> None:
    due = end_of(2026, 2, 13)
    assert cal.working_days_between(due, local(2026, 2, 13, 23, 59)) == 0
    assert cal.working_days_between(due, local(2026, 2, 20)) == 0  # Tết only
    assert cal.working_days_between(due, local(2026, 2, 23, 8)) == 1
    assert cal.working_days_between(due, local(2026, 2, 25)) == 3
    assert cal.working_days_between(local(2026, 2, 25), due) == -3
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1


@pytest.mark.parametrize(
    "start", [local(2026, 2, 12), local(2026, 4, 25, 23, 30), local(2027, 2, 5)]
)
def test_working_days_between_inverts_a_forward_limit(
    cal: WorkingCalendar, start: datetime
) -> None:
    for n in range(1, 16):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@pytest.mark.parametrize("start", [local(2026, 2, 12), local(2026, 2, 23, 23, 30)])
def test_working_days_between_inverts_a_backward_limit_from_a_working_day(
    cal: WorkingCalendar, start: datetime
) -> None:
    for n in range(-15, 0):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_iso_working_days_ahead_is_a_timer_ready_string(cal: WorkingCalendar) -> None:
    now = local(2026, 2, 12)
    text = cal.iso_working_days_ahead(5, now)
    assert text == "2026-02-26T16:59:59+00:00"
    assert datetime.fromisoformat(text) == cal.add_working_days(now, 5)


def test_holidays_in_lists_vietnamese_names(cal: WorkingCalendar) -> None:
    days = dict(cal.holidays_in(2026))
    assert days[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert days[date(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"
    assert days[date(2026, 4, 30)] == "Ngày Chiến thắng"
    assert days[date(2026, 5, 1)] == "Ngày Quốc tế Lao động"
    assert days[date(2026, 9, 2)] == "Quốc khánh"
    assert list(days) == sorted(days)


def test_make_up_days_come_from_the_package_swaps(cal: WorkingCalendar) -> None:
    assert cal.make_up_days_in(2025) == [(date(2025, 4, 26), "Ngày làm việc bù")]


def test_warm_up_loads_this_year_and_the_next_before_the_first_step():
    from engine import calendar

    calendar.warm_up(date(2031, 6, 1))
    before = calendar._package_year.cache_info()
    calendar._package_year(2031)
    calendar._package_year(2032)
    after = calendar._package_year.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (2, 0)
