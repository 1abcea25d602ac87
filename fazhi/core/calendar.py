"""The working-day calendar that every statutory clock counts on.

The chinese-calendar package carries the State Council schedules it knows (holidays and the
weekend make-up workdays, 调休); the `Holiday` table overrides it and fills years the package
does not know yet. A year nobody knows is counted on weekends alone and the result is flagged
provisional, so a deadline is never silently wrong: it says it may move. See ADR 0004.

This module is pure at import time (no ORM import): `WorkCalendar` is plain arithmetic that
the tests and the case engine can build directly, and only `get_calendar()` reads the database.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import chinese_calendar

_ONE_DAY = timedelta(days=1)

# The package labels holidays in English with short Chinese names; show the names the
# State Council notices use.
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
_PACKAGE_YEARS = frozenset(d.year for d in chinese_calendar.holidays)


def _package_name(english: str) -> str:
    try:
        short = chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english
    return _FULL_NAMES.get(short, short)


@dataclass(frozen=True)
class DayResult:
    date: date
    provisional: bool  # the count relied on a year whose schedule is unknown (weekends only)
    crossed: tuple[tuple[date, str, bool], ...]  # (date, name, is_workday) of holidays / 调休 crossed


class _Day(NamedTuple):
    working: bool
    special: tuple[str, bool] | None  # (name, is_workday) for a holiday or a make-up workday
    known: bool


class _YearIndex(NamedTuple):
    working: list[int]  # ordinals of the working days of the year, ascending
    special: list[int]  # ordinals of the year's holidays and make-up workdays, ascending
    entries: list[tuple[date, str, bool]]  # the same days as DayResult.crossed entries
    known: bool


class WorkCalendar:
    """Working-day arithmetic over the package schedule plus overrides.

    Every day is resolved once and memoised on the instance: the appeals hub computes
    deadlines for 100,000 imported appeals with one calendar, and the package's own
    `is_workday` re-scans its tables on every call.
    """

    def __init__(
        self,
        overrides: Mapping[date, tuple[bool, str]] | None = None,
        known_years: Iterable[int] = (),
    ) -> None:
        self._overrides = dict(overrides or {})
        self._known_years = frozenset(known_years)
        self._days: dict[date, _Day] = {}
        self._years: dict[int, _YearIndex] = {}

    # -- single days --------------------------------------------------------------------
    def is_known(self, year: int) -> bool:
        return year in _PACKAGE_YEARS or year in self._known_years

    def is_working_day(self, d: date) -> bool:
        return self._day(d).working

    def _day(self, d: date) -> _Day:
        info = self._days.get(d)
        if info is None:
            info = self._days[d] = self._resolve(d)
        return info

    def _resolve(self, d: date) -> _Day:
        known = self.is_known(d.year)
        if d in self._overrides:
            working, name = self._overrides[d]
            label = name or ("调休上班" if working else "节假日")
            return _Day(bool(working), (label, bool(working)), known)
        if d.year in _PACKAGE_YEARS:
            if d in chinese_calendar.workdays:
                return _Day(True, (_package_name(chinese_calendar.workdays[d]), True), known)
            if d in chinese_calendar.holidays:
                return _Day(False, (_package_name(chinese_calendar.holidays[d]), False), known)
        # A year nobody has entered yet: Mon–Fri, and `known` False makes results provisional.
        return _Day(d.weekday() < 5, None, known)

    # -- counting -----------------------------------------------------------------------
    def add_working_days(
        self, start: date, n: int, *, excluded: Sequence[tuple[date, date]] = ()
    ) -> DayResult:
        """The n-th working day after `start` (the start day itself is never counted).

        Working days inside an excluded [a, b] interval (both ends included) are skipped:
        that is how a pause (补正, third-party consultation) stops the statutory clock.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        intervals = _intervals(excluded)
        if intervals:
            return self._walk_working_days(start, n, intervals)
        if n == 0:
            return DayResult(start, False, ())
        # Fast path, the common case with no pause: bisect per-year working-day lists.
        year, after = start.year, start.toordinal()
        while True:
            index = self._year(year)
            pos = bisect_right(index.working, after)
            available = len(index.working) - pos
            if n <= available:
                end = date.fromordinal(index.working[pos + n - 1])
                break
            n -= available
            year += 1
        return DayResult(end, self._provisional(start, end), self._crossed(start, end))

    def _walk_working_days(self, start: date, n: int, intervals: tuple[tuple[date, date], ...]) -> DayResult:
        """Day-by-day reference implementation; the property tests hold the fast path to it."""
        d, remaining, provisional, crossed = start, n, False, []
        while remaining > 0:
            d += _ONE_DAY
            info = self._day(d)
            provisional = provisional or not info.known
            if info.special:
                crossed.append((d, *info.special))
            if info.working and not _inside(intervals, d):
                remaining -= 1
        return DayResult(d, provisional, tuple(crossed))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b < a, so it inverts add_working_days."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        for year in range(a.year, b.year + 1):
            working = self._year(year).working
            low = bisect_right(working, a.toordinal()) if year == a.year else 0
            high = bisect_right(working, b.toordinal()) if year == b.year else len(working)
            count += high - low
        return count

    def _year(self, year: int) -> _YearIndex:
        index = self._years.get(year)
        if index is None:
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            days = [(o, self._day(date.fromordinal(o))) for o in range(first, last + 1)]
            index = self._years[year] = _YearIndex(
                working=[o for o, info in days if info.working],
                special=[o for o, info in days if info.special],
                entries=[(date.fromordinal(o), *info.special) for o, info in days if info.special],
                known=self.is_known(year),
            )
        return index

    def _provisional(self, start: date, end: date) -> bool:
        """Whether any day in (start, end] lies in a year whose schedule is unknown."""
        first = (start + _ONE_DAY).year if end > start else end.year
        return not all(self._year(y).known for y in range(first, end.year + 1))

    def _crossed(self, start: date, end: date) -> tuple[tuple[date, str, bool], ...]:
        crossed: list[tuple[date, str, bool]] = []
        for year in range(start.year, end.year + 1):
            index = self._year(year)
            lo = bisect_right(index.special, start.toordinal())
            hi = bisect_left(index.special, end.toordinal() + 1)
            crossed.extend(index.entries[lo:hi])
        return tuple(crossed)

    def nth_natural_day(self, start: date, n: int, *, excluded: Sequence[tuple[date, date]] = ()) -> date:
        """The n-th calendar day after `start`, skipping excluded days, before any roll-over."""
        if n < 0:
            raise ValueError("n must be >= 0")
        intervals = _intervals(excluded)
        if not intervals:
            return start + timedelta(days=n)
        d, remaining = start, n
        while remaining > 0:
            d += _ONE_DAY
            if not _inside(intervals, d):
                remaining -= 1
        return d

    def add_natural_days(
        self, start: date, n: int, *, excluded: Sequence[tuple[date, date]] = ()
    ) -> DayResult:
        """A period of n calendar days; if its last day is not a working day it ends on the next one.

        That roll-over is the Civil Procedure Law's period rule, applied by the Administrative
        Reconsideration Law (DOMAIN §0). Only the last day and the roll-over depend on the
        calendar, so `provisional` looks at those days alone.
        """
        last = self.nth_natural_day(start, n, excluded=excluded)
        d, provisional = last, False
        while True:
            info = self._day(d)
            provisional = provisional or not info.known
            if info.working:
                break
            d += _ONE_DAY
        return DayResult(d, provisional, self._crossed(start, d))

    def add_natural_hours(self, start: datetime, hours: float) -> datetime:
        """Elapsed-time addition: done in UTC so a zone with DST would still count real hours."""
        if start.tzinfo is None:
            return start + timedelta(hours=hours)
        return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(start.tzinfo)


def _intervals(excluded: Sequence[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    for a, b in excluded:
        if b < a:
            raise ValueError(f"excluded interval ends before it starts: {a} > {b}")
    return tuple(excluded)


def _inside(intervals: tuple[tuple[date, date], ...], d: date) -> bool:
    return any(a <= d <= b for a, b in intervals)


# -- the process-wide calendar built from the override tables ------------------------------
# Cached because it is read for every deadline; rebuilt after invalidate() (an import in this
# process) or after CACHE_SECONDS, which bounds how long another worker process can keep
# an old schedule after an admin loads a new one.
CACHE_SECONDS = 300.0

_lock = threading.Lock()
_cached: tuple[WorkCalendar, float] | None = None
_generation = 0


def get_calendar() -> WorkCalendar:
    global _cached
    entry = _cached
    if entry is not None and time.monotonic() - entry[1] < CACHE_SECONDS:
        return entry[0]
    with _lock:
        entry = _cached  # another thread may have rebuilt it while this one waited
        if entry is not None and time.monotonic() - entry[1] < CACHE_SECONDS:
            return entry[0]
        generation = _generation
        calendar = _build_from_database()
        # An invalidate() that raced with the queries above wins: keep the result for this
        # call but do not cache what may already be stale.
        if generation == _generation:
            _cached = (calendar, time.monotonic())
        return calendar


def invalidate() -> None:
    global _cached, _generation
    _generation += 1
    _cached = None


def _build_from_database() -> WorkCalendar:
    from fazhi.core.models import Holiday, HolidayYear

    overrides = {d: (w, name) for d, w, name in Holiday.objects.values_list("date", "is_workday", "name")}
    years = HolidayYear.objects.values_list("year", flat=True)
    return WorkCalendar(overrides, known_years=list(years))
