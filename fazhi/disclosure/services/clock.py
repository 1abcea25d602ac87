"""The statutory clock as staff see it: days left, paused, overdue.

Computed on read from the stored deadline (never stored), because "days left" depends on today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from fazhi.cases.clock import SHANGHAI
from fazhi.cases.models import Case, ClockState
from fazhi.core.calendar import get_calendar
from fazhi.disclosure.services.common import local_day

FEE_PENDING = "fee_pending"


@dataclass(frozen=True)
class ClockStatus:
    code: str  # stopped | paused | none | overdue | warned | running
    label: str
    days: int | None
    provisional: bool = False


def clock_status(case: Case, *, on: date) -> ClockStatus:
    """Working days left after today, paused, or overdue by how many working days."""
    if case.closed_at is not None:
        return ClockStatus("stopped", "已答复，计时停止", None)
    if case.clock_state == ClockState.PAUSED and case.state == FEE_PENDING:
        return _fee_paused(case.disclosure, on)
    if case.clock_state == ClockState.PAUSED:
        reason = (case.clock or {}).get("pause_reason") or ""
        return ClockStatus("paused", f"计时暂停（{reason}）" if reason else "计时暂停", None)
    if case.due_at is None:
        return ClockStatus("none", "未计时", None)
    calendar, due = get_calendar(), local_day(case.due_at)
    if due < on:
        late = calendar.working_days_between(due, on)
        return ClockStatus("overdue", f"已超期 {late} 个工作日", -late, case.due_provisional)
    # Counted like the deadline itself: the working days after today, up to and including the due day.
    left = calendar.working_days_between(on, due)
    warned = case.warn_at is not None and case.warn_at <= datetime.combine(on, time.max, tzinfo=SHANGHAI)
    label = f"剩余 {left} 个工作日" if left else "今日到期"
    return ClockStatus("warned" if warned else "running", label, left, case.due_provisional)


def _fee_paused(d, on: date) -> ClockStatus:
    """Paused for the fee: what the requester owes and how long they have left to pay, because
    the officer's next step (resume on payment, or close as (六)2) depends on that date."""
    pay_by = d.fee_pay_by
    head = f"计时暂停（待缴纳信息处理费 {d.fee_charged:.0f} 元"
    if pay_by is None:
        return ClockStatus("paused", head + "）", None)
    if on > pay_by:
        return ClockStatus("paused", f"{head}，缴费期限 {pay_by} 已过，可按逾期未缴费办结）", None)
    left = get_calendar().working_days_between(on, pay_by)
    return ClockStatus("paused", f"{head}，缴费期限 {pay_by}，还剩 {left} 个工作日）", left)
