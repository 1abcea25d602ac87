"""Bridges a Case's stored clock (JSON) to the pure arithmetic in cases/clock.py.

The deadline is stored on the case (due_at, warn_at) rather than recomputed on read, so
queues and KPIs filter on an indexed column; it is recomputed only when the clock
changes or a holiday schedule is loaded.
"""

from __future__ import annotations

from datetime import datetime

from fazhi.cases.clock import ClockSpec, ClockUnit, DeadlineRule, compute_deadline
from fazhi.cases.models import ClockState
from fazhi.core.calendar import get_calendar


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def rule_to_json(rule: DeadlineRule) -> dict:
    return {"amount": rule.amount, "unit": ClockUnit(rule.unit).value, "warn_before": rule.warn_before}


def spec_of(case) -> ClockSpec | None:
    clock = case.clock or {}
    if not clock.get("rule") or not clock.get("started_at"):
        return None
    r = clock["rule"]
    return ClockSpec(
        started_at=_dt(clock["started_at"]),
        rule=DeadlineRule(amount=int(r["amount"]), unit=ClockUnit(r["unit"]), warn_before=int(r.get("warn_before", 2))),
        pauses=tuple((_dt(a), _dt(b)) for a, b in clock.get("pauses", [])),
        extensions=tuple(int(x) for x in clock.get("extensions", [])),
    )


def refresh_deadline(case) -> bool:
    """Recompute due_at/warn_at from the stored clock; returns True when something changed."""
    spec = spec_of(case)
    if spec is None:
        return False
    deadline = compute_deadline(spec, get_calendar())
    before = (case.due_at, case.warn_at, case.due_provisional)
    case.due_at, case.warn_at, case.due_provisional = deadline.due_at, deadline.warn_at, deadline.provisional
    case.clock = {**case.clock, "explanation": list(deadline.explanation)}
    return before != (case.due_at, case.warn_at, case.due_provisional)


def start(case, *, rule: DeadlineRule | None, now: datetime) -> None:
    if rule is None:
        case.clock, case.clock_state = {}, ClockState.NONE
        case.due_at = case.warn_at = None
        return
    case.clock = {"rule": rule_to_json(rule), "started_at": now.isoformat(), "pauses": [], "extensions": []}
    case.clock_state = ClockState.RUNNING
    case.warned_at = case.overdue_at = None
    refresh_deadline(case)


def pause(case, *, now: datetime, reason: str = "") -> None:
    pauses = list(case.clock.get("pauses", []))
    pauses.append([now.isoformat(), None])
    case.clock = {**case.clock, "pauses": pauses, "pause_reason": reason}
    case.clock_state = ClockState.PAUSED
    refresh_deadline(case)


def resume(case, *, now: datetime) -> None:
    pauses = [list(p) for p in case.clock.get("pauses", [])]
    if pauses and pauses[-1][1] is None:
        pauses[-1][1] = now.isoformat()
    case.clock = {**case.clock, "pauses": pauses}
    case.clock_state = ClockState.RUNNING
    refresh_deadline(case)


def extend(case, *, amount: int) -> None:
    case.clock = {**case.clock, "extensions": [*case.clock.get("extensions", []), int(amount)]}
    case.warned_at = None  # a new deadline deserves a fresh warning
    refresh_deadline(case)


def stop(case, *, now: datetime) -> None:
    case.closed_at = now
    if case.clock_state != ClockState.NONE:
        case.clock_state = ClockState.STOPPED
