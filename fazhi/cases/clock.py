"""Deadline arithmetic for case clocks: pure functions over a ClockSpec and a WorkCalendar.

No database and no "now": the case engine (cases/clocks.py) stores the spec on the case and
calls compute_deadline() whenever the clock or the holiday schedule changes, then stores the
result (due_at, warn_at) so queues filter on an indexed column. See ADR 0004 for the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from fazhi.core.calendar import DayResult, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A day-counted deadline runs to the end of its last day, as the statutes count whole days.
END_OF_DAY = time(23, 59, 59)


class ClockUnit(StrEnum):
    WORKING_DAYS = "working_days"
    NATURAL_DAYS = "natural_days"
    NATURAL_HOURS = "natural_hours"


_UNIT_LABELS = {
    ClockUnit.WORKING_DAYS: "个工作日",
    ClockUnit.NATURAL_DAYS: "个自然日",
    ClockUnit.NATURAL_HOURS: "小时",
}


@dataclass(frozen=True)
class DeadlineRule:
    amount: int
    unit: ClockUnit
    warn_before: int = 2  # warn when this many units remain; 0 or less means no warning


@dataclass(frozen=True)
class ClockSpec:
    started_at: datetime  # aware
    rule: DeadlineRule
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()  # an open pause ends with None
    extensions: tuple[int, ...] = ()  # approved extensions, in the rule's unit


@dataclass(frozen=True)
class Deadline:
    due_at: datetime | None
    warn_at: datetime | None
    provisional: bool
    explanation: tuple[str, ...]  # Chinese lines saying how the deadline was counted


def compute_deadline(spec: ClockSpec, calendar: WorkCalendar, tz: ZoneInfo = SHANGHAI) -> Deadline:
    """Compute when a clock runs out, and say how it was counted.

    While a pause is open the clock is stopped and nobody knows when it will resume, so
    there is no deadline: due_at and warn_at are None (the warning sweep and the overdue
    filter then skip the case) until the pause is closed and this is called again.
    """
    _require_aware(spec.started_at, "started_at")
    for begin, end in spec.pauses:
        _require_aware(begin, "pause start")
        if end is not None:
            _require_aware(end, "pause end")
            if end < begin:
                raise ValueError(f"pause ends before it starts: {begin} > {end}")
    unit = ClockUnit(spec.rule.unit)
    label = _UNIT_LABELS[unit]
    amount = spec.rule.amount + sum(spec.extensions)
    if amount < 0:
        raise ValueError("the clock amount cannot be negative")
    start = spec.started_at.astimezone(tz)

    if unit is ClockUnit.NATURAL_HOURS:
        lines = [f"自{start:%Y-%m-%d %H:%M}起计{spec.rule.amount}{label}"]
    else:
        lines = [f"自{start.date().isoformat()}起计{spec.rule.amount}{label}（起算当日不计入）"]
    lines += [f"延长{extra}{label}（已批准）" for extra in spec.extensions]
    if spec.extensions:
        lines.append(f"合计{amount}{label}")

    open_pauses = [begin for begin, end in spec.pauses if end is None]
    if open_pauses:
        since = min(open_pauses).astimezone(tz)
        lines.append(f"计时暂停中（自{since:%Y-%m-%d %H:%M}起），恢复计时后重新计算期限")
        return Deadline(None, None, False, tuple(lines))

    closed = [(b, e) for b, e in spec.pauses if e is not None]
    if unit is ClockUnit.NATURAL_HOURS:
        return _hours_deadline(spec, calendar, start, amount, closed, tz, lines)
    return _days_deadline(spec, calendar, unit, start, amount, closed, tz, lines)


def _hours_deadline(
    spec: ClockSpec,
    calendar: WorkCalendar,
    start: datetime,
    amount: int,
    pauses: list,
    tz: ZoneInfo,
    lines: list[str],
) -> Deadline:
    due = calendar.add_natural_hours(start.astimezone(UTC), amount)
    # Each pause that begins before the (moving) due time pushes it back by the part of
    # the pause after the clock started; merged first so overlapping pauses count once.
    for begin, end in _merge([(max(b, start), e) for b, e in pauses if e > start]):
        if begin >= due:
            break
        due += end - begin
        lines.append(
            f"暂停{begin.astimezone(tz):%Y-%m-%d %H:%M}至{end.astimezone(tz):%Y-%m-%d %H:%M}"
            f"（{_hours_text(end - begin)}小时不计入）"
        )
    due_at = due.astimezone(tz)
    warn_at = None
    if spec.rule.warn_before > 0:
        warn_at = max(due_at - timedelta(hours=spec.rule.warn_before), start)
    lines.append(f"期限届满：{due_at:%Y-%m-%d %H:%M}")
    return Deadline(due_at, warn_at, False, tuple(lines))


def _days_deadline(
    spec: ClockSpec,
    calendar: WorkCalendar,
    unit: ClockUnit,
    start: datetime,
    amount: int,
    pauses: list,
    tz: ZoneInfo,
    lines: list[str],
) -> Deadline:
    start_day = start.date()
    excluded = [(b.astimezone(tz).date(), e.astimezone(tz).date()) for b, e in pauses]
    lines += [f"暂停{a.isoformat()}至{b.isoformat()}（不计入）" for a, b in excluded]

    if unit is ClockUnit.WORKING_DAYS:
        result = calendar.add_working_days(start_day, amount, excluded=excluded)
        counts = _working_counter(calendar, excluded)
    else:
        result = calendar.add_natural_days(start_day, amount, excluded=excluded)
        counts = _natural_counter(excluded)
    lines += _crossed_lines(result, counted=unit is ClockUnit.WORKING_DAYS)
    if unit is ClockUnit.NATURAL_DAYS:
        last = calendar.nth_natural_day(start_day, amount, excluded=excluded)
        if last != result.date:
            lines.append(f"期限末日{last.isoformat()}为休息日或节假日，顺延至{result.date.isoformat()}")

    due_at = datetime.combine(result.date, END_OF_DAY, tzinfo=tz)
    warn_at = None
    if spec.rule.warn_before > 0:
        warn_day = _count_back(result.date, spec.rule.warn_before, counts, floor=start_day)
        warn_at = max(datetime.combine(warn_day, time(0, 0), tzinfo=tz), start)
    if result.provisional:
        years = [y for y in range(start_day.year, result.date.year + 1) if not calendar.is_known(y)]
        lines.append(
            f"{'、'.join(f'{y}年' for y in years)}节假日安排尚未公布或录入，暂按周末推算，"
            "属暂定期限，录入后自动重算"
        )
    lines.append(f"期限届满：{result.date.isoformat()} 23:59:59")
    return Deadline(due_at, warn_at, result.provisional, tuple(lines))


def _count_back(due: date, units: int, counts: Callable[[date], bool], *, floor: date) -> date:
    """The day from whose start exactly `units` counted days remain up to the end of `due`.

    With warn_before=2 and a Friday due date that is Thursday 00:00: Thursday and Friday
    remain, i.e. the warning fires when two units are left, as DeadlineRule says. A period
    shorter than the warning never looks back past its start day (`floor`).
    """
    d, seen = due, 0
    while d > floor:
        if counts(d):
            seen += 1
            if seen >= units:
                return d
        d -= timedelta(days=1)
    return floor


def _working_counter(calendar: WorkCalendar, excluded: Sequence[tuple[date, date]]) -> Callable[[date], bool]:
    return lambda d: calendar.is_working_day(d) and not any(a <= d <= b for a, b in excluded)


def _natural_counter(excluded: Sequence[tuple[date, date]]) -> Callable[[date], bool]:
    return lambda d: not any(a <= d <= b for a, b in excluded)


def _crossed_lines(result: DayResult, *, counted: bool) -> list[str]:
    """Group consecutive crossed holidays by name ("跨越国庆节（10-01至10-07）") and list 调休 days."""
    lines: list[str] = []
    runs: list[list] = []  # [name, first, last] of holiday runs
    makeups: dict[str, list[date]] = {}
    for day, name, is_workday in result.crossed:
        if is_workday:
            makeups.setdefault(name, []).append(day)
        elif runs and runs[-1][0] == name and (day - runs[-1][2]).days == 1:
            runs[-1][2] = day
        else:
            runs.append([name, day, day])
    suffix = "，不计入" if counted else ""
    for name, first, last in runs:
        span = first.isoformat() if first == last else f"{first.isoformat()}至{last.isoformat()}"
        lines.append(f"跨越{name}（{span}{suffix}）")
    if counted:  # a make-up workday only matters when working days are counted
        for name, days in makeups.items():
            listed = "、".join(d.isoformat() for d in days)
            note = "计入" if name == "调休上班" else f"{name}，计入"
            lines.append(f"调休上班：{listed}（{note}）")
    return lines


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _hours_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g}" if hours == round(hours, 2) else f"{hours:.2f}"


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
