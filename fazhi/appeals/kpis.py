"""Appeal KPIs, computed from case events — never from counters kept by hand.

Definitions (DOMAIN.md §1), for the appeals *received* in the period and matching the filters:

- received: appeals registered in the period (by received_at).
- dispatched: appeals with at least one dispatch event (by a person or by the model).
- first-dispatch accuracy (一次分拨准确率): dispatched appeals whose first dispatch was
  neither returned nor reassigned (nor arbitrated elsewhere) ÷ dispatched appeals.
- return rate: appeals returned at least once ÷ dispatched appeals.
- auto-dispatch rate: appeals whose first dispatch was made by the model ÷ dispatched;
  auto-dispatch accuracy: of those, the share never returned or reassigned.
- time to dispatch (分拨用时): first dispatch − registration, in working hours (hours that
  fall on working days of the calendar); mean and p90.
- closed: appeals whose closure passed closure review (or answered on the spot).
- on-time closure rate: closed appeals whose last *approved* closure (the closure an
  approve_closure followed, or an on-the-spot answer) was at or before due_at (pauses and
  approved extensions applied) ÷ closed appeals. A closure sent back as nominal, or one still
  awaiting review after an objection, does not replace the approved one.
- satisfaction rate: "satisfied" + "basically satisfied" ÷ rated callbacks; *before objections*
  uses each appeal's first rating, *after objections* its latest rating.
- resolution rate: callbacks saying "resolved" ÷ callbacks (first / latest likewise).
- objection rate: appeals with an objection ÷ closed appeals.
- repeat appeals: appeals linked as repeats of an earlier one from the same requester within 30 days.
- arbitrations: appeals ruled on by the centre (快裁).
- overdue: appeals still open past their deadline at `KpiFilter.now` (default: the wall
  clock), plus closed ones whose approved closure was late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from fazhi.cases.models import Case, CaseEvent
from fazhi.core.calendar import get_calendar

DISPATCH_KINDS = ("appeal.dispatch",)
MOVED_KINDS = ("appeal.return", "appeal.reassign", "appeal.arbitrate")


@dataclass
class KpiFilter:
    start: datetime | None = None
    end: datetime | None = None
    unit: int | None = None
    category: str = ""
    channel: str = ""
    matter: int | None = None
    # The moment "still open past the deadline" is judged at; None means the wall clock.
    now: datetime | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.start:
            qs = qs.filter(received_at__gte=self.start)
        if self.end:
            qs = qs.filter(received_at__lt=self.end)
        if self.unit:
            qs = qs.filter(handling_unit_id=self.unit)
        if self.category:
            qs = qs.filter(appeal__category=self.category)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.matter:
            qs = qs.filter(appeal__matter_id=self.matter)
        return qs


def _has(kinds, **extra) -> Exists:
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=kinds, **extra))


def sets(f: KpiFilter) -> dict[str, QuerySet]:
    """The case sets behind every KPI: numerators and denominators, for drill-down."""
    base = f.apply(Case.objects.filter(kind="appeal"))
    dispatched = base.filter(_has(DISPATCH_KINDS))
    moved = _has(MOVED_KINDS)
    auto = base.filter(appeal__auto_dispatched=True) | base.filter(
        Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind="appeal.dispatch", details__auto=True)))
    closed = base.filter(_has(("appeal.approve_closure", "appeal.answer")))
    first_callbacks = base.filter(_has(("appeal.callback",)))
    return {
        "received": base,
        "dispatched": dispatched,
        "first_dispatch_ok": dispatched.filter(~moved),
        "returned": base.filter(_has(("appeal.return",))),
        "auto": auto.filter(_has(DISPATCH_KINDS)),
        "auto_ok": auto.filter(_has(DISPATCH_KINDS)).filter(~moved),
        "closed": closed,
        "rated": first_callbacks,
        "objected": base.filter(_has(("appeal.object",))),
        "repeats": base.filter(appeal__repeat_of__isnull=False),
        "arbitrated": base.filter(_has(("appeal.arbitrate",))),
        "open_overdue": base.overdue(now=f.now),
        "merged": base.filter(state="merged"),
    }


@dataclass
class KpiTable:
    figures: dict[str, float | int | None] = field(default_factory=dict)


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _callback_figures(case_ids: QuerySet) -> dict[str, float | None]:
    """First and latest rating per appeal, from callback events in time order."""
    first: dict[int, dict] = {}
    latest: dict[int, dict] = {}
    rows = CaseEvent.objects.filter(case__in=case_ids, kind="appeal.callback").order_by("at", "id").values_list(
        "case_id", "details")
    for case_id, details in rows.iterator(chunk_size=5000):
        first.setdefault(case_id, details)
        latest[case_id] = details

    def sat(group):
        return _rate(sum(1 for d in group.values() if d.get("rating") in ("satisfied", "basically_satisfied")),
                     len(group))

    def res(group):
        return _rate(sum(1 for d in group.values() if d.get("resolved")), len(group))

    return {"satisfaction_before": sat(first), "satisfaction_after": sat(latest),
            "resolution_before": res(first), "resolution_after": res(latest), "rated": len(first)}


def _closure_figures(closed: QuerySet) -> dict:
    """On-time: the closure event each appeal's last approval approved carries on_time (set at closure).

    Walking the events in order: a close is pending until an approve_closure accepts it; an
    on-the-spot answer needs no review. A later close that was sent back, or that still awaits
    review, leaves the approved one in force.
    """
    pending: dict[int, bool] = {}
    approved: dict[int, bool] = {}
    rows = CaseEvent.objects.filter(
        case__in=closed, kind__in=("appeal.close", "appeal.answer", "appeal.approve_closure")
    ).order_by("at", "id").values_list("case_id", "kind", "details")
    for case_id, kind, details in rows.iterator(chunk_size=5000):
        if kind == "appeal.close":
            pending[case_id] = bool(details.get("on_time", True))
        elif kind == "appeal.answer":
            approved[case_id] = bool(details.get("on_time", True))
        elif case_id in pending:
            approved[case_id] = pending.pop(case_id)
    on_time = sum(1 for v in approved.values() if v)
    return {"on_time": on_time, "closed_late": len(approved) - on_time}


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours between two instants that fall on working days (weekends and holidays skipped)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    cal = get_calendar()
    start, end = start.astimezone(tz), end.astimezone(tz)
    if end <= start:
        return 0.0
    total = 0.0
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk_end = min(end, next_midnight)
        if cal.is_working_day(cursor.date()):
            total += (chunk_end - cursor).total_seconds() / 3600
        cursor = chunk_end
    return total


def _dispatch_times(dispatched: QuerySet) -> dict:
    first: dict[int, datetime] = {}
    rows = CaseEvent.objects.filter(case__in=dispatched, kind__in=DISPATCH_KINDS).order_by("at", "id").values_list(
        "case_id", "at")
    for case_id, at in rows.iterator(chunk_size=5000):
        first.setdefault(case_id, at)
    received = dict(dispatched.values_list("pk", "received_at"))
    hours = sorted(working_hours_between(received[c], at) for c, at in first.items() if c in received)
    if not hours:
        return {"dispatch_hours_mean": None, "dispatch_hours_p90": None}
    p90 = hours[min(len(hours) - 1, math.ceil(0.9 * len(hours)) - 1)]
    return {"dispatch_hours_mean": round(sum(hours) / len(hours), 2), "dispatch_hours_p90": round(p90, 2)}


def compute(f: KpiFilter) -> dict:
    s = sets(f)
    counts = {name: qs.count() for name, qs in s.items()}
    closure = _closure_figures(s["closed"])
    figures = {
        **counts,
        "first_dispatch_accuracy": _rate(counts["first_dispatch_ok"], counts["dispatched"]),
        "return_rate": _rate(counts["returned"], counts["dispatched"]),
        "auto_dispatch_rate": _rate(counts["auto"], counts["dispatched"]),
        "auto_dispatch_accuracy": _rate(counts["auto_ok"], counts["auto"]),
        "on_time": closure["on_time"],
        "on_time_rate": _rate(closure["on_time"], counts["closed"]),
        "overdue": counts["open_overdue"] + closure["closed_late"],
        "objection_rate": _rate(counts["objected"], counts["closed"]),
        **_callback_figures(s["rated"]),
        **_dispatch_times(s["dispatched"]),
    }
    return figures


def by_unit(f: KpiFilter, *, limit: int = 20) -> list[dict]:
    """Per handling unit: received, closed, on-time and satisfaction, for the ranking chart."""
    from fazhi.core.models import OrgUnit

    unit_ids = (
        f.apply(Case.objects.filter(kind="appeal")).exclude(handling_unit=None)
        .values_list("handling_unit_id", flat=True).distinct()
    )
    rows = []
    names = dict(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "name"))
    for unit_id, name in names.items():
        sub = replace(f, unit=unit_id)
        figs = compute(sub)
        rows.append({"unit": unit_id, "name": name, **figs})
    rows.sort(key=lambda r: -r["received"])
    return rows[:limit]


def monthly(f: KpiFilter) -> list[dict]:
    """Received and closed per month (trend chart)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    base = f.apply(Case.objects.filter(kind="appeal"))
    received = base.annotate(m=TruncMonth("received_at")).values("m").annotate(n=Count("id")).order_by("m")
    closed = dict(
        base.filter(Q(state="closed") | Q(state="callback")).annotate(m=TruncMonth("received_at"))
        .values("m").annotate(n=Count("id")).values_list("m", "n")
    )
    return [{"month": r["m"].strftime("%Y-%m"), "received": r["n"], "closed": closed.get(r["m"], 0)} for r in received]
