"""Deadline arithmetic of case clocks (pure: a WorkCalendar built in the test, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from fazhi.cases.clock import ClockSpec, ClockUnit, Deadline, DeadlineRule, compute_deadline
from fazhi.core.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
TWENTY = DeadlineRule(20, ClockUnit.WORKING_DAYS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day} 23:59:59").replace(tzinfo=TZ)


def deadline(started: str, rule: DeadlineRule = TWENTY, **kwargs) -> Deadline:
    return compute_deadline(ClockSpec(started_at=at(started), rule=rule, **kwargs), CAL)


# -- the DOMAIN §0 worked examples -------------------------------------------------------------
def test_received_21_sep_2026():
    result = deadline("2026-09-21 10:00")
    assert result.due_at == end_of("2026-10-26")
    assert result.due_at.tzinfo is not None and result.due_at.utcoffset().total_seconds() == 8 * 3600
    assert not result.provisional
    assert result.explanation[0] == "自2026-09-21起计20个工作日（起算当日不计入）"
    assert "跨越中秋节（2026-09-25至2026-09-27，不计入）" in result.explanation
    assert "跨越国庆节（2026-10-01至2026-10-07，不计入）" in result.explanation
    assert "调休上班：2026-10-10（国庆节，计入）" in result.explanation


def test_received_10_feb_2026():
    result = deadline("2026-02-10 16:20")
    assert result.due_at == end_of("2026-03-16")
    assert "调休上班：2026-02-14、2026-02-28（春节，计入）" in result.explanation


def test_third_party_consultation_pause():
    result = deadline("2026-03-02 09:00", pauses=((at("2026-03-05 15:00"), at("2026-03-16 10:00")),))
    assert result.due_at == end_of("2026-04-10")
    assert "暂停2026-03-05至2026-03-16（不计入）" in result.explanation
    assert "跨越清明节（2026-04-04至2026-04-06，不计入）" in result.explanation
    assert result.explanation[-1] == "期限届满：2026-04-10 23:59:59"


def test_dates_are_taken_in_shanghai():
    # 1 Mar 17:30 UTC is already 2 Mar 01:30 in Shanghai: the count starts from 2 Mar.
    spec = ClockSpec(started_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC), rule=TWENTY)
    assert compute_deadline(spec, CAL).due_at == end_of("2026-03-30")


# -- extensions and warnings -------------------------------------------------------------------
def test_an_extension_adds_twenty_more_working_days():
    assert deadline("2026-03-02 09:00").due_at == end_of("2026-03-30")
    result = deadline("2026-03-02 09:00", extensions=(20,))
    assert result.due_at == end_of("2026-04-28")
    assert "延长20个工作日（已批准）" in result.explanation
    assert "合计40个工作日" in result.explanation


def test_warning_fires_when_warn_before_working_days_remain():
    # Due Monday 30 Mar: from Friday 27 Mar 00:00 two working days remain (Fri, Mon).
    assert deadline("2026-03-02 09:00").warn_at == at("2026-03-27 00:00")
    three = DeadlineRule(20, ClockUnit.WORKING_DAYS, warn_before=3)
    assert deadline("2026-03-02 09:00", three).warn_at == at("2026-03-26 00:00")
    # Across a holiday: due 26 Oct, the warning skips the weekend to Friday 23 Oct.
    assert deadline("2026-09-21 10:00").warn_at == at("2026-10-23 00:00")


def test_no_warning_when_warn_before_is_zero_and_never_before_the_start():
    assert (
        deadline("2026-03-02 09:00", DeadlineRule(20, ClockUnit.WORKING_DAYS, warn_before=0)).warn_at is None
    )
    short = deadline("2026-03-02 09:00", DeadlineRule(1, ClockUnit.WORKING_DAYS, warn_before=5))
    assert short.due_at == end_of("2026-03-03")
    assert short.warn_at == at("2026-03-02 09:00")


# -- natural days ------------------------------------------------------------------------------
def test_urgent_one_natural_day_over_a_weekend_ends_on_monday():
    urgent = DeadlineRule(1, ClockUnit.NATURAL_DAYS, warn_before=1)
    result = deadline("2026-03-06 18:00", urgent)  # Friday; Saturday is the last day
    assert result.due_at == end_of("2026-03-09")
    assert result.warn_at == at("2026-03-09 00:00")
    assert "期限末日2026-03-07为休息日或节假日，顺延至2026-03-09" in result.explanation


def test_natural_days_over_national_day():
    result = deadline("2026-09-30 10:00", DeadlineRule(1, ClockUnit.NATURAL_DAYS))
    assert result.due_at == end_of("2026-10-08")
    assert "跨越国庆节（2026-10-01至2026-10-07）" in result.explanation


def test_natural_days_count_holidays_and_skip_pauses():
    assert deadline("2026-09-20 10:00", DeadlineRule(30, ClockUnit.NATURAL_DAYS)).due_at == end_of(
        "2026-10-20"
    )
    paused = deadline(
        "2026-09-20 10:00",
        DeadlineRule(30, ClockUnit.NATURAL_DAYS),
        pauses=((at("2026-09-22 10:00"), at("2026-09-23 11:00")),),
    )
    assert paused.due_at == end_of("2026-10-22")


# -- natural hours -----------------------------------------------------------------------------
def test_natural_hours_with_a_pause():
    rule = DeadlineRule(24, ClockUnit.NATURAL_HOURS)
    assert deadline("2026-03-02 09:00", rule).due_at == at("2026-03-03 09:00")
    result = deadline("2026-03-02 09:00", rule, pauses=((at("2026-03-02 10:00"), at("2026-03-02 12:30")),))
    assert result.due_at == at("2026-03-03 11:30")
    assert result.warn_at == at("2026-03-03 09:30")
    assert "暂停2026-03-02 10:00至2026-03-02 12:30（2.5小时不计入）" in result.explanation
    assert not result.provisional


def test_natural_hours_overlapping_and_late_pauses():
    rule = DeadlineRule(2, ClockUnit.NATURAL_HOURS)
    pauses = (
        (at("2026-03-02 09:30"), at("2026-03-02 10:30")),
        (at("2026-03-02 10:00"), at("2026-03-02 11:00")),  # overlaps: 1.5 h paused in all
        (at("2026-03-03 09:00"), at("2026-03-03 10:00")),  # after the due time: no effect
    )
    assert deadline("2026-03-02 09:00", rule, pauses=pauses).due_at == at("2026-03-02 12:30")


def test_natural_hours_counted_in_real_time_over_a_weekend():
    result = deadline("2026-03-06 20:00", DeadlineRule(12, ClockUnit.NATURAL_HOURS))
    assert result.due_at == at("2026-03-07 08:00")


# -- open pauses, provisional years, bad input -------------------------------------------------
def test_an_open_pause_has_no_deadline():
    result = deadline("2026-03-02 09:00", pauses=((at("2026-03-05 15:00"), None),))
    assert result.due_at is None and result.warn_at is None
    assert any(line.startswith("计时暂停中（自2026-03-05 15:00起）") for line in result.explanation)


def test_a_deadline_reaching_into_2027_is_provisional_until_entered():
    result = deadline("2026-12-15 09:00")
    assert result.provisional
    assert result.due_at == end_of("2027-01-12")
    assert any("2027年节假日安排尚未公布或录入" in line for line in result.explanation)

    entered = WorkCalendar({date(2027, 1, 1): (False, "元旦")}, known_years=[2027])
    firm = compute_deadline(ClockSpec(started_at=at("2026-12-15 09:00"), rule=TWENTY), entered)
    assert not firm.provisional
    assert firm.due_at == end_of("2027-01-13")
    assert "跨越元旦（2027-01-01，不计入）" in firm.explanation


def test_naive_datetimes_and_backward_pauses_are_refused():
    with pytest.raises(ValueError):
        compute_deadline(ClockSpec(started_at=datetime(2026, 3, 2, 9), rule=TWENTY), CAL)
    with pytest.raises(ValueError):
        deadline("2026-03-02 09:00", pauses=((at("2026-03-05 09:00"), at("2026-03-04 09:00")),))


def test_rule_unit_may_arrive_as_its_stored_string():
    # cases/clocks.py rebuilds rules from JSON; ClockUnit is a str enum, so both spellings work.
    rule = DeadlineRule(20, ClockUnit("working_days"))
    assert deadline("2026-09-21 10:00", rule).due_at == end_of("2026-10-26")
