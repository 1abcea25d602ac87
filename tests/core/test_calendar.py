"""The working-day calendar: worked examples, the official 2023–2026 schedules, properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.calendar import WorkCalendar

CAL = WorkCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


def span(first: str, last: str) -> list[date]:
    a, b = d(first), d(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# -- DOMAIN §0 worked examples (2026 schedule) -------------------------------------------------
def test_received_21_sep_2026_is_due_26_oct():
    result = CAL.add_working_days(d("2026-09-21"), 20)
    assert result.date == d("2026-10-26")
    assert not result.provisional
    assert (d("2026-10-10"), "国庆节", True) in result.crossed  # make-up Saturday counted
    assert (d("2026-09-25"), "中秋节", False) in result.crossed
    assert (d("2026-09-20"), "国庆节", True) not in result.crossed  # before the start


def test_received_10_feb_2026_is_due_16_mar():
    result = CAL.add_working_days(d("2026-02-10"), 20)
    assert result.date == d("2026-03-16")
    makeups = [day for day, _, is_workday in result.crossed if is_workday]
    assert makeups == [d("2026-02-14"), d("2026-02-28")]


def test_third_party_consultation_is_excluded():
    result = CAL.add_working_days(d("2026-03-02"), 20, excluded=[(d("2026-03-05"), d("2026-03-16"))])
    assert result.date == d("2026-04-10")
    assert [day for day, name, _ in result.crossed if name == "清明节"] == span("2026-04-04", "2026-04-06")


# -- the State Council notices, 2023–2026 ---------------------------------------------------
# (holiday ranges, make-up workdays) exactly as published:
# 2023 国办发明电〔2022〕16号 (2022-12-08); 2024 国办发明电〔2023〕7号 (2023-10-25);
# 2025 国办发明电〔2024〕12号 (2024-11-12); 2026 notice of 2025-11-04.
NOTICES = {
    2023: (
        [
            ("2022-12-31", "2023-01-02"),
            ("2023-01-21", "2023-01-27"),
            ("2023-04-05", "2023-04-05"),
            ("2023-04-29", "2023-05-03"),
            ("2023-06-22", "2023-06-24"),
            ("2023-09-29", "2023-10-06"),
        ],
        ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"],
    ),
    2024: (
        [
            ("2024-01-01", "2024-01-01"),
            ("2024-02-10", "2024-02-17"),
            ("2024-04-04", "2024-04-06"),
            ("2024-05-01", "2024-05-05"),
            ("2024-06-10", "2024-06-10"),
            ("2024-09-15", "2024-09-17"),
            ("2024-10-01", "2024-10-07"),
        ],
        [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    2025: (
        [
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ],
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    2026: (
        [
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ],
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
}


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_calendar_matches_the_official_notice_for_the_whole_year(year):
    ranges, makeups = NOTICES[year]
    off = {day for first, last in ranges for day in span(first, last)}
    work = {d(text) for text in makeups}
    assert all(day.weekday() >= 5 for day in work), "make-up workdays are always weekend days"
    for day in span(f"{year}-01-01", f"{year}-12-31"):
        expected = day in work or (day.weekday() < 5 and day not in off)
        assert CAL.is_working_day(day) is expected, day
        assert chinese_calendar.is_workday(day) is expected, day
    assert CAL.is_known(year)


def test_2024_spring_festival_make_up_days_are_both_sundays():
    # The notice says 2月4日（星期日）、2月18日（星期日）上班.
    assert d("2024-02-04").weekday() == d("2024-02-18").weekday() == 6
    assert CAL.is_working_day(d("2024-02-04")) and CAL.is_working_day(d("2024-02-18"))
    assert not any(CAL.is_working_day(day) for day in span("2024-02-10", "2024-02-17"))


def test_2025_added_spring_festival_eve_and_2_may():
    assert not CAL.is_working_day(d("2025-01-28"))  # 除夕, a Tuesday
    assert not CAL.is_working_day(d("2025-05-02"))  # a Friday
    assert CAL.add_working_days(d("2025-01-27"), 1).date == d("2025-02-05")


def test_2023_national_day_and_mid_autumn_merged():
    assert not any(CAL.is_working_day(day) for day in span("2023-09-29", "2023-10-06"))
    assert CAL.is_working_day(d("2023-10-07")) and CAL.is_working_day(d("2023-10-08"))
    assert CAL.add_working_days(d("2023-09-28"), 1).date == d("2023-10-07")


# -- unknown years and overrides ---------------------------------------------------------------
def test_2027_is_unknown_to_the_package_and_counts_weekends_only():
    assert not CAL.is_known(2027)
    assert CAL.is_working_day(d("2027-01-01"))  # a Friday; no schedule yet
    result = CAL.add_working_days(d("2026-12-20"), 20)
    assert result.provisional
    assert result.date == d("2027-01-15")
    assert not CAL.add_working_days(d("2026-11-02"), 20).provisional


def test_overrides_and_known_years_make_2027_firm():
    cal = WorkCalendar(
        {d("2027-01-01"): (False, "元旦"), d("2027-01-09"): (True, "元旦")}, known_years=[2027]
    )
    assert cal.is_known(2027)
    assert not cal.is_working_day(d("2027-01-01"))
    assert cal.is_working_day(d("2027-01-09"))  # a Saturday make-up day
    result = cal.add_working_days(d("2026-12-31"), 1)
    assert result == cal.add_working_days(d("2026-12-31"), 1)
    assert result.date == d("2027-01-04")
    assert not result.provisional
    assert result.crossed == ((d("2027-01-01"), "元旦", False),)


def test_an_override_wins_over_the_package():
    cal = WorkCalendar({d("2026-03-03"): (False, "临时休假"), d("2026-10-07"): (True, "")})
    assert not cal.is_working_day(d("2026-03-03"))
    assert cal.is_working_day(d("2026-10-07"))
    assert cal.add_working_days(d("2026-03-02"), 1).date == d("2026-03-04")
    assert (d("2026-10-07"), "调休上班", True) in cal.add_working_days(d("2026-10-06"), 1).crossed


def test_overrides_in_an_unmarked_year_are_used_but_stay_provisional():
    cal = WorkCalendar({d("2027-01-01"): (False, "元旦")})
    result = cal.add_working_days(d("2026-12-31"), 1)
    assert result.date == d("2027-01-04")
    assert result.provisional


# -- the other operations ----------------------------------------------------------------------
def test_working_days_between():
    assert CAL.working_days_between(d("2026-09-21"), d("2026-10-26")) == 20
    assert CAL.working_days_between(d("2026-10-26"), d("2026-09-21")) == -20
    assert CAL.working_days_between(d("2026-03-02"), d("2026-03-02")) == 0
    assert CAL.working_days_between(d("2026-12-30"), d("2027-01-04")) == 3  # 31 Dec, 1 Jan, 4 Jan


def test_zero_days_and_bad_input():
    assert CAL.add_working_days(d("2026-10-03"), 0).date == d("2026-10-03")
    with pytest.raises(ValueError):
        CAL.add_working_days(d("2026-10-03"), -1)
    with pytest.raises(ValueError):
        CAL.add_working_days(d("2026-03-02"), 5, excluded=[(d("2026-03-10"), d("2026-03-05"))])


def test_natural_days_roll_over_to_the_next_working_day():
    assert CAL.add_natural_days(d("2026-03-02"), 3).date == d("2026-03-05")
    assert CAL.add_natural_days(d("2026-03-06"), 1).date == d("2026-03-09")  # Sat -> Mon
    result = CAL.add_natural_days(d("2026-09-30"), 1)  # 1 Oct -> after National Day
    assert result.date == d("2026-10-08")
    assert {name for _, name, _ in result.crossed} == {"国庆节"}
    assert CAL.add_natural_days(d("2026-02-07"), 7).date == d("2026-02-14")  # make-up Saturday
    assert CAL.nth_natural_day(d("2026-03-02"), 5, excluded=[(d("2026-03-03"), d("2026-03-04"))]) == d(
        "2026-03-09"
    )


def test_natural_days_are_provisional_only_when_the_end_is():
    assert not CAL.add_natural_days(d("2026-12-01"), 10).provisional
    assert CAL.add_natural_days(d("2026-12-01"), 60).provisional


def test_natural_hours():
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 3, 2, 9, 30, tzinfo=tz)
    assert CAL.add_natural_hours(start, 24) == datetime(2026, 3, 3, 9, 30, tzinfo=tz)
    assert CAL.add_natural_hours(start, 1.5).tzinfo is tz
    assert CAL.add_natural_hours(datetime(2026, 3, 2, 1, tzinfo=UTC), 2) == datetime(
        2026, 3, 2, 3, tzinfo=UTC
    )


# -- properties --------------------------------------------------------------------------------
days = st.dates(min_value=date(2022, 1, 1), max_value=date(2028, 6, 30))
counts = st.integers(min_value=0, max_value=80)
intervals = st.lists(
    st.tuples(days, st.integers(min_value=0, max_value=30)).map(
        lambda t: (t[0], t[0] + timedelta(days=t[1]))
    ),
    max_size=3,
)
# The package's years plus a 2027 entered by hand, so properties hold over mixed calendars.
CAL_2027 = WorkCalendar(
    {d("2027-02-08"): (False, "春节"), d("2027-02-20"): (True, "春节")}, known_years=[2027]
)


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_monotonic_in_n(start, n):
    for cal in (CAL, CAL_2027):
        assert cal.add_working_days(start, n).date < cal.add_working_days(start, n + 1).date


@settings(max_examples=200, deadline=None)
@given(a=days, b=days, n=counts)
def test_monotonic_in_start(a, b, n):
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_days(a, n).date <= CAL.add_working_days(b, n).date


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_between_inverts_add(start, n):
    for cal in (CAL, CAL_2027):
        end = cal.add_working_days(start, n).date
        assert cal.working_days_between(start, end) == n
        assert cal.working_days_between(end, start) == -n


@settings(max_examples=200, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=80), excluded=intervals)
def test_results_are_working_days(start, n, excluded):
    assert CAL.is_working_day(CAL.add_working_days(start, n).date)
    result = CAL.add_working_days(start, n, excluded=excluded)
    assert CAL.is_working_day(result.date)
    assert not any(a <= result.date <= b for a, b in excluded)


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts, excluded=intervals)
def test_excluded_intervals_only_push_later(start, n, excluded):
    plain = CAL.add_working_days(start, n)
    paused = CAL.add_working_days(start, n, excluded=excluded)
    assert paused.date >= plain.date
    counted = [
        day
        for day in span(str(start + timedelta(days=1)), str(paused.date))
        if CAL.is_working_day(day) and not any(a <= day <= b for a, b in excluded)
    ]
    assert len(counted) == n


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_fast_path_agrees_with_the_day_by_day_walk(start, n):
    # An excluded interval far in the past forces the reference walk without changing the answer.
    never = [(date(1990, 1, 1), date(1990, 1, 1))]
    for cal in (CAL, CAL_2027):
        assert cal.add_working_days(start, n) == cal.add_working_days(start, n, excluded=never)


@settings(max_examples=100, deadline=None)
@given(start=days, n=counts)
def test_natural_days_end_on_a_working_day_not_before_the_nominal_day(start, n):
    result = CAL.add_natural_days(start, n)
    assert result.date >= start + timedelta(days=n)
    assert CAL.is_working_day(result.date)
