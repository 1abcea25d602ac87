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
- repeat appeals: appeals linked at intake as repeats of an earlier one within 30 days from the same
  requester (phone) or about the same place (address) and matter (services.find_repeat).
- arbitrations: appeals ruled on by the centre (快裁).
- overdue: appeals still open past their deadline at `KpiFilter.now` (default: the wall
  clock), plus closed ones whose approved closure was late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    # Org scoping: only appeals owned or handled within these unit subtrees (None: the centre's view).
    scope: tuple[str, ...] | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.scope is not None:
            q = Q(pk__in=[])
            for path in self.scope:
                q |= Q(owner_unit__path__startswith=path) | Q(handling_unit__path__startswith=path)
            qs = qs.filter(q)
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
    # The first dispatch is the only "appeal.dispatch" event; later moves are reassign/arbitrate.
    auto = base.filter(Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind="appeal.dispatch",
                                                       details__auto=True)))
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


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours between two instants that fall on working days (weekends and holidays skipped)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    cal = get_calendar()
    start, end = start.astimezone(tz), end.astimezone(tz)
    if end <= start:
        return 0.0
    if start.date() == end.date():  # the common case: dispatched the same day
        return (end - start).total_seconds() / 3600 if cal.is_working_day(start.date()) else 0.0
    total = 0.0
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk_end = min(end, next_midnight)
        if cal.is_working_day(cursor.date()):
            total += (chunk_end - cursor).total_seconds() / 3600
        cursor = chunk_end
    return total


def facts(f: KpiFilter) -> dict[int, dict]:
    """One row of facts per appeal, from three queries, so every figure is one pass in Python.

    Correlated EXISTS per figure and per unit made the dashboard take tens of seconds on
    50,000 appeals; grouping the events once keeps it to a few hundred milliseconds.
    """
    from django.db.models import Count, Min

    base = f.apply(Case.objects.filter(kind="appeal"))
    rows = {
        r["pk"]: {**r, "events": {}, "first_rating": None, "last_rating": None, "last_on_time": None}
        for r in base.values("pk", "received_at", "handling_unit_id", "state", "due_at", "closed_at",
                             "appeal__repeat_of_id")
    }
    kinds = ("appeal.dispatch", "appeal.return", "appeal.reassign", "appeal.arbitrate", "appeal.approve_closure",
             "appeal.answer", "appeal.callback", "appeal.object")
    grouped = (
        CaseEvent.objects.filter(case__in=base, kind__in=kinds).values("case_id", "kind")
        .annotate(n=Count("id"), first_at=Min("at"))
    )
    for g in grouped.iterator(chunk_size=10000):
        row = rows.get(g["case_id"])
        if row is not None:
            row["events"][g["kind"]] = (g["n"], g["first_at"])
    first_dispatch = CaseEvent.objects.filter(case__in=base, kind="appeal.dispatch").order_by("at", "id").values_list(
        "case_id", "details")
    for case_id, details in first_dispatch.iterator(chunk_size=10000):
        row = rows.get(case_id)
        if row is not None and "first_auto" not in row:
            row["first_auto"] = bool(details.get("auto"))
    detailed = CaseEvent.objects.filter(
        case__in=base, kind__in=("appeal.callback", "appeal.close", "appeal.answer", "appeal.approve_closure")
    ).order_by("at", "id").values_list("case_id", "kind", "details")
    for case_id, kind, details in detailed.iterator(chunk_size=10000):
        row = rows.get(case_id)
        if row is None:
            continue
        if kind == "appeal.callback":
            rating = (details.get("rating"), bool(details.get("resolved")))
            row["first_rating"] = row["first_rating"] or rating
            row["last_rating"] = rating
        elif kind == "appeal.close":
            # pending until an approve_closure accepts it: a closure sent back as nominal, or
            # one still awaiting review after an objection, leaves the approved one in force
            row["pending_on_time"] = bool(details.get("on_time", True))
        elif kind == "appeal.answer":
            row["last_on_time"] = bool(details.get("on_time", True))
        elif "pending_on_time" in row:
            row["last_on_time"] = row.pop("pending_on_time")
    return rows


FACTS_TTL = 60  # seconds; the dashboard says "updated every minute"
# In-process memo (not Django's cache: LocMemCache pickles, which costs more than it saves here).
_FACTS_CACHE: dict[tuple, tuple[float, dict]] = {}


def cached_facts(f: KpiFilter) -> dict[int, dict]:
    """facts() memoised per filter for a minute, so a leader clicking around the dashboard
    does not regroup every event of the year on each click. Exports and drill-downs read live."""
    import time as _time

    key = (f.start, f.end, f.unit, f.category, f.channel, f.matter, f.scope)
    hit = _FACTS_CACHE.get(key)
    if hit and hit[0] > _time.monotonic():
        return hit[1]
    rows = facts(f)
    if len(_FACTS_CACHE) > 32:  # bounded: drop everything rather than track ages
        _FACTS_CACHE.clear()
    _FACTS_CACHE[key] = (_time.monotonic() + FACTS_TTL, rows)
    return rows


def summarise(rows, *, now: datetime | None = None) -> dict:
    """Every KPI of the module docstring from the per-appeal facts."""
    from django.utils import timezone

    now = now or timezone.now()
    n = {k: 0 for k in ("received", "dispatched", "first_dispatch_ok", "returned", "auto", "auto_ok", "closed",
                        "rated", "objected", "repeats", "arbitrated", "open_overdue", "merged", "on_time")}
    sat_first = sat_last = res_first = res_last = 0
    hours = []
    for r in rows:
        ev = r["events"]
        n["received"] += 1
        moved = any(k in ev for k in MOVED_KINDS)
        if "appeal.dispatch" in ev:
            n["dispatched"] += 1
            n["first_dispatch_ok"] += not moved
            if r.get("first_auto"):
                n["auto"] += 1
                n["auto_ok"] += not moved
            hours.append(working_hours_between(r["received_at"], ev["appeal.dispatch"][1]))
        n["returned"] += "appeal.return" in ev
        n["arbitrated"] += "appeal.arbitrate" in ev
        n["objected"] += "appeal.object" in ev
        n["repeats"] += r["appeal__repeat_of_id"] is not None
        n["merged"] += r["state"] == "merged"
        if "appeal.approve_closure" in ev or "appeal.answer" in ev:
            n["closed"] += 1
            n["on_time"] += bool(r["last_on_time"]) if r["last_on_time"] is not None else 1
        if r["closed_at"] is None and r["due_at"] is not None and r["due_at"] < now:
            n["open_overdue"] += 1
        if r["first_rating"]:
            n["rated"] += 1
            sat_first += r["first_rating"][0] in ("satisfied", "basically_satisfied")
            sat_last += r["last_rating"][0] in ("satisfied", "basically_satisfied")
            res_first += r["first_rating"][1]
            res_last += r["last_rating"][1]
    hours.sort()
    p90 = hours[min(len(hours) - 1, math.ceil(0.9 * len(hours)) - 1)] if hours else None
    closed_late = n["closed"] - n["on_time"]
    return {
        **n,
        "first_dispatch_accuracy": _rate(n["first_dispatch_ok"], n["dispatched"]),
        "return_rate": _rate(n["returned"], n["dispatched"]),
        "auto_dispatch_rate": _rate(n["auto"], n["dispatched"]),
        "auto_dispatch_accuracy": _rate(n["auto_ok"], n["auto"]),
        "on_time_rate": _rate(n["on_time"], n["closed"]),
        "overdue": n["open_overdue"] + closed_late,
        "objection_rate": _rate(n["objected"], n["closed"]),
        "satisfaction_before": _rate(sat_first, n["rated"]),
        "satisfaction_after": _rate(sat_last, n["rated"]),
        "resolution_before": _rate(res_first, n["rated"]),
        "resolution_after": _rate(res_last, n["rated"]),
        "dispatch_hours_mean": round(sum(hours) / len(hours), 2) if hours else None,
        "dispatch_hours_p90": round(p90, 2) if p90 is not None else None,
    }


def compute(f: KpiFilter, *, now: datetime | None = None) -> dict:
    return summarise(facts(f).values(), now=now or f.now)


def by_unit(f: KpiFilter, *, limit: int = 20, rows: dict | None = None) -> list[dict]:
    """Per handling unit (the current one), for the ranking chart and the unit table."""
    from fazhi.core.models import OrgUnit

    rows = facts(f) if rows is None else rows
    groups: dict[int, list] = {}
    for r in rows.values():
        if r["handling_unit_id"]:
            groups.setdefault(r["handling_unit_id"], []).append(r)
    names = dict(OrgUnit.objects.filter(pk__in=list(groups)).values_list("pk", "name"))
    out = [{"unit": uid, "name": names.get(uid, ""), **summarise(group, now=f.now)} for uid, group in groups.items()]
    out.sort(key=lambda r: -r["received"])
    return out[:limit]


def monthly(f: KpiFilter, *, rows: dict | None = None) -> list[dict]:
    """Received and closed per month of receipt (trend chart), from the same facts."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    rows = facts(f) if rows is None else rows
    months: dict[str, list[int]] = {}
    for r in rows.values():
        key = r["received_at"].astimezone(tz).strftime("%Y-%m")
        bucket = months.setdefault(key, [0, 0])
        bucket[0] += 1
        bucket[1] += "appeal.approve_closure" in r["events"] or "appeal.answer" in r["events"]
    return [{"month": m, "received": v[0], "closed": v[1]} for m, v in sorted(months.items())]
