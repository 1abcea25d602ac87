"""Appeal KPIs, computed from case events — never from counters kept by hand.

Definitions (DOMAIN.md §1), for the appeals matching the filters (unit, category, channel, matter,
org scope). Which appeals a figure counts depends on when the thing it measures happens:

*Intake figures* follow the appeals **received** in the period (by received_at), wherever their
dispatch history goes — a return a week after a dispatch on the 31st still makes that dispatch
inaccurate in the month the appeal came in:

- received: appeals registered in the period.
- dispatched: appeals with a first dispatch (by a person or by the model).
- accepted (签收): appeals a handling unit has signed for (at any time; an appeal returned by
  one unit and signed for by the next counts once); sign-for rate: accepted ÷ dispatched.
- first-dispatch accuracy (一次分拨准确率): dispatched appeals whose first dispatch was
  neither returned nor reassigned (nor arbitrated elsewhere) ÷ dispatched appeals.
- return rate: appeals returned at least once ÷ dispatched appeals.
- auto-dispatch rate: appeals whose first dispatch was made by the model ÷ dispatched;
  auto-dispatch accuracy: of those, the share never returned or reassigned.
- time to dispatch (分拨用时): first dispatch − registration, in working hours (hours that
  fall on working days of the calendar), stored on the dispatch event; mean and p90.
- repeat appeals: appeals linked at intake as repeats of an earlier one within 30 days from the same
  requester (phone) or about the same place (address) and matter (services.find_repeat).
- arbitrations: appeals ruled on by the centre (快裁); merged: appeals merged into another.
- open overdue: of those, still open past their deadline at `KpiFilter.now` (default: the wall clock).

*Closure figures* count closures, callbacks and objections **when they happen**, so an appeal
received on 30 December and closed on 5 January counts as received in December's report and as
closed in January's. Events after the period's end are not read, so a past period's closure
figures do not change afterwards:

- closed: appeals with an approved closure (approve_closure, or an on-the-spot answer) in the period.
- on-time closure rate: closed appeals whose last approved closure in the period was at or before
  due_at (pauses and approved extensions applied; the closure event records it) ÷ closed appeals.
  A closure sent back as nominal, or one still awaiting review after an objection, does not
  replace the approved one.
- satisfaction rate: "satisfied" + "basically satisfied" ÷ rated appeals, an appeal being rated
  in the period of its first callback; *before objections* uses that first rating, *after
  objections* its latest rating up to the period's end.
- resolution rate: callbacks saying "resolved" ÷ rated appeals (first / latest likewise).
- objection rate: appeals with an objection in the period ÷ closed appeals in the period.
- overdue: open overdue plus the closed ones whose approved closure was late.

The database does the counting and only one row per handling unit comes back. The definitions
are SQL over the events (kpis_sql.py; where SQLite and PostgreSQL differ, kpis_db.py); the
dashboard reads them precomputed: one fact row per appeal derived by that SQL in the transaction
that writes the appeal's events (facts.py, facts_sql.py), and monthly sums of the settled ones.
Every function takes `events=True` to fold the events instead — the reference the tests hold
the fact table to. See docs/adr/0006-appeal-kpis.md for why, how and the figures.
"""

from __future__ import annotations

import math
import time
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fazhi.appeals import breakdown, facts_read, kpis_db, kpis_sql
from fazhi.cases.models import Case, CaseEvent
from fazhi.core.calendar import get_calendar

SH = kpis_db.SH
DIMENSIONS = tuple(facts_read.DIMENSIONS)  # unit, matter, channel
DISPATCH_KINDS = ("appeal.dispatch",)
MOVED_KINDS = kpis_sql.MOVED
CLOSURE_KINDS = ("appeal.approve_closure", "appeal.answer")
# the counts compute() returns as they are, besides the rates
PLAIN = tuple(
    "received dispatched first_dispatch_ok returned auto auto_ok closed on_time rated objected repeats"
    " arbitrated open_overdue merged accepted".split()
)


@dataclass(frozen=True)
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

    def cases(self, qs: QuerySet | None = None) -> QuerySet:
        """Appeals matching every filter but the period (closure figures apply it to events)."""
        qs = Case.objects.filter(kind="appeal") if qs is None else qs
        if self.scope is not None:
            q = Q(pk__in=[])
            for path in self.scope:
                q |= Q(owner_unit__path__startswith=path) | Q(handling_unit__path__startswith=path)
            qs = qs.filter(q)
        if self.unit:
            qs = qs.filter(handling_unit_id=self.unit)
        if self.category:
            qs = qs.filter(appeal__category=self.category)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.matter:
            qs = qs.filter(appeal__matter_id__in=matter_subtree(self.matter))
        return qs

    @property
    def narrowed(self) -> bool:
        return bool(self.scope is not None or self.unit or self.category or self.channel or self.matter)

    def apply(self, qs: QuerySet) -> QuerySet:
        """The appeals received in the period (the intake figures' population)."""
        return self.cases(qs).filter(kpis_sql.between(self.start, self.end, "received_at"))


def matter_subtree(matter_id: int) -> list[int]:
    """The matter and every matter under it: a KPI for a first-level matter counts its whole
    branch of the catalogue (three levels)."""
    from fazhi.appeals.models import Matter

    ids, level = [matter_id], [matter_id]
    while level:
        level = list(Matter.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return ids


def _has(kinds, *, during: Q = Q(), **extra) -> Exists:
    return Exists(CaseEvent.objects.filter(Q(case=OuterRef("pk"), kind__in=kinds, **extra) & during))


def sets(f: KpiFilter, *, events: bool = False) -> dict[str, QuerySet]:
    """The case sets behind every KPI — numerators and denominators — for drill-down, with the
    same period rules as compute(). Read from the fact table; `events=True` reads the events
    (the reference the fact table is checked against)."""
    if events:
        return _event_sets(f)
    received = f.apply(Case.objects.filter(kind="appeal"))
    every = f.cases()
    dispatched = received.filter(fact__dispatched=True)
    auto = dispatched.filter(fact__auto=True)
    period = kpis_sql.between(f.start, f.end)
    straddling = facts_read.straddling(f)
    # a literal id list (a few hundred at most), as _counts() reads them
    ids = list(straddling.values_list("case_id", flat=True)) if straddling is not None else []
    cut = Q(pk__in=ids)

    def happened(column, kinds):  # the fact's timestamp, or the events of a straddling appeal
        return (~cut & _fact_between(f, column)) | (cut & _has(kinds, during=period))

    closed = every.filter(happened("approved_at", CLOSURE_KINDS))
    rated = every.filter(_fact_between(f, "first_callback_at"))

    def settled(flag: str) -> Q:  # a latest-state flag, from the events if straddling
        q = ~cut & Q(**{f"fact__{flag}": True})
        return q | Q(pk__in=_flagged(f, Case.objects.filter(pk__in=ids), flag)) if ids else q

    return {
        "received": received,
        "dispatched": dispatched,
        "first_dispatch_ok": dispatched.filter(fact__moved=False),
        "returned": received.filter(fact__returned=True),
        "accepted": received.filter(fact__accepted=True),
        "auto": auto,
        "auto_ok": auto.filter(fact__moved=False),
        "closed": closed,
        "on_time": closed.filter(settled("on_time")),
        "rated": rated,
        "sat_first": rated.filter(fact__sat_first=True),
        "sat_last": rated.filter(settled("sat_last")),
        "res_first": rated.filter(fact__res_first=True),
        "res_last": rated.filter(settled("res_last")),
        "objected": every.filter(happened("objected_at", ("appeal.object",))),
        "repeats": received.filter(appeal__repeat_of__isnull=False),
        "arbitrated": received.filter(fact__arbitrated=True),
        "open_overdue": received.overdue(now=f.now),
        "merged": received.filter(state="merged"),
    }


# the per-appeal flags of kpis_sql.appeal_rows behind the counts of the same name (group_rows)
FLAGS = {
    "on_time": "x.closed = 1 AND x.on_time = 1",
    "sat_first": "x.rated = 1 AND x.first_cb = x.first_sat",
    "sat_last": "x.rated = 1 AND x.last_cb = x.last_sat",
    "res_first": "x.rated = 1 AND x.first_cb = x.first_res",
    "res_last": "x.rated = 1 AND x.last_cb = x.last_res",
}


def _listed(cases: QuerySet) -> QuerySet:
    """The same cases by a literal id list: PostgreSQL planned the event query over a subquery
    of correlated EXISTS filters as a nested loop that ran for minutes."""
    return Case.objects.filter(pk__in=list(cases.values_list("pk", flat=True)))


def _flagged(f: KpiFilter, cases: QuerySet, flag: str) -> list[int]:
    """Ids of `cases` whose events give them `flag` (FLAGS) in the period: the drill-down's
    reading of the event-derived definition, for the appeals the fact table cannot answer."""
    if not cases.exists():
        return []
    columns = "c.id, ev.first_cb, ev.first_sat, ev.first_res, ev.last_cb, ev.last_sat, ev.last_res"
    inner, params = kpis_sql.appeal_rows(
        f, kpis_sql.case_columns(cases), kpis_sql.per_appeal(f, cases), columns, now=f.now or timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.id FROM ({inner}) x WHERE {FLAGS[flag]}", params)
        return [r[0] for r in cursor.fetchall()]


def _fact_between(f: KpiFilter, column: str) -> Q:
    """The appeal's fact timestamp `column` lies in the period."""
    q = Q(**{f"fact__{column}__isnull": False})
    if f.start:
        q &= Q(**{f"fact__{column}__gte": f.start})
    if f.end:
        q &= Q(**{f"fact__{column}__lt": f.end})
    return q


def _event_sets(f: KpiFilter) -> dict[str, QuerySet]:
    received = f.apply(Case.objects.filter(kind="appeal"))
    every = f.cases()
    period = kpis_sql.between(f.start, f.end)
    dispatched = received.filter(_has(DISPATCH_KINDS))
    moved = _has(MOVED_KINDS)
    auto = received.filter(_has(DISPATCH_KINDS, details__auto=True))
    rated = every.filter(_has(("appeal.callback",), during=period))
    if f.start:  # rated in the period of the first callback
        rated = rated.filter(~_has(("appeal.callback",), at__lt=f.start))
    closed = every.filter(_has(CLOSURE_KINDS, during=period))
    return {
        "received": received,
        "dispatched": dispatched,
        "first_dispatch_ok": dispatched.filter(~moved),
        "returned": received.filter(_has(("appeal.return",))),
        "accepted": received.filter(_has(("appeal.accept",))),
        "auto": auto,
        "auto_ok": auto.filter(~moved),
        "closed": closed,
        "on_time": closed.filter(pk__in=_flagged(f, _listed(closed), "on_time")),
        "rated": rated,
        **{flag: rated.filter(pk__in=_flagged(f, _listed(rated), flag)) for flag in FLAGS if flag != "on_time"},
        "objected": every.filter(_has(("appeal.object",), during=period)),
        "repeats": received.filter(appeal__repeat_of__isnull=False),
        "arbitrated": received.filter(_has(("appeal.arbitrate",))),
        "open_overdue": received.overdue(now=f.now),
        "merged": received.filter(state="merged"),
    }


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours between two instants that fall on working days (weekends and holidays skipped)."""
    cal = get_calendar()
    start, end = start.astimezone(SH), end.astimezone(SH)
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


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _p90(hours: list[float]) -> float | None:
    """Nearest rank, as percentile_disc(0.9) computes it on PostgreSQL."""
    if not hours:
        return None
    hours = sorted(hours)
    return hours[min(len(hours) - 1, math.ceil(0.9 * len(hours)) - 1)]


def _figures(n: dict) -> dict:
    """Every KPI of the module docstring from one row of counts."""
    hours_n = n["hours_n"]
    p90 = n.get("hours_p90")
    return {
        **{k: n[k] for k in PLAIN},
        "first_dispatch_accuracy": _rate(n["first_dispatch_ok"], n["dispatched"]),
        "return_rate": _rate(n["returned"], n["dispatched"]),
        "accept_rate": _rate(n["accepted"], n["dispatched"]),
        "auto_dispatch_rate": _rate(n["auto"], n["dispatched"]),
        "auto_dispatch_accuracy": _rate(n["auto_ok"], n["auto"]),
        "on_time_rate": _rate(n["on_time"], n["closed"]),
        "overdue": n["open_overdue"] + n["closed"] - n["on_time"],
        "objection_rate": _rate(n["objected"], n["closed"]),
        "satisfaction_before": _rate(n["sat_first"], n["rated"]),
        "satisfaction_after": _rate(n["sat_last"], n["rated"]),
        "resolution_before": _rate(n["res_first"], n["rated"]),
        "resolution_after": _rate(n["res_last"], n["rated"]),
        "dispatch_hours_mean": round(n["hours_sum"] / hours_n, 2) if hours_n else None,
        "dispatch_hours_p90": round(p90, 2) if p90 is not None else None,
    }


def _dispatch_hours(f: KpiFilter) -> list[tuple]:
    """(unit, matter, category, channel, hours) of each dispatched appeal, for when some were
    dispatched before the dispatch event carried its hours: those are computed here, as the old
    code did for all."""
    events = CaseEvent.objects.filter(
        kind="appeal.dispatch", case__in=f.apply(Case.objects.filter(kind="appeal"))
    )
    keys = ("case__handling_unit_id", "case__appeal__matter_id", "case__appeal__category", "case__channel")
    out: list[tuple] = []
    stored = events.filter(details__has_key="dispatch_hours").values_list(*keys, kpis_db.detail("dispatch_hours"))
    out += stored.iterator(chunk_size=10000)
    older = events.exclude(details__has_key="dispatch_hours").values_list(*keys, "case__received_at", "at")
    for *key, received_at, at in older.iterator(chunk_size=10000):
        out.append((*key, working_hours_between(received_at, at)))
    return out


def _key_of(dimension: str, named: dict):
    """The key of `dimension` from a row naming kpis_sql.KEY_COLUMNS (a tuple for two columns)."""
    columns = kpis_sql.KEY_COLUMNS[dimension]
    return named[columns[0]] if len(columns) == 1 else tuple(named[c] for c in columns)


def _counts(f: KpiFilter, now: datetime | None, *, events: bool = False) -> tuple[dict, dict[str, list[dict]], dict]:
    """(total, {breakdown: rows}, trend): raw counts overall and per key of each breakdown
    (DIMENSIONS), the dispatch-hour figures complete (p90 for units and the total only), and
    from the fact table the trend but for appeals approved three times or more.

    From the fact table, plus the events of the straddling appeals (facts_read); `events=True`
    folds every event instead, as the KPIs did before the table (the reference)."""
    now = now or f.now or timezone.now()
    trend: dict = {}
    total = None
    with kpis_db.no_jit():
        if events:
            groups = {
                d: kpis_sql.group_rows(f, f.cases(), narrowed=f.narrowed, now=now, by=(d,)) for d in DIMENSIONS
            }
            total = next((r for r in groups["unit"] if r["key"] == "total"), None)
            groups = {d: [r for r in rows if r["key"] != "total"] for d, rows in groups.items()}
        else:
            found, trend = facts_read.group_rows(f, now=now)
            cut = facts_read.straddling(f)
            # a literal id list (a few hundred at most): the planner then walks the events index
            ids = list(cut.values_list("case_id", flat=True)) if cut is not None else []
            if ids:
                cases = Case.objects.filter(pk__in=ids)
                _add_straddling(found, kpis_sql.group_rows(f, cases, narrowed=True, now=now, by=DIMENSIONS))
            # a key with live appeals but nothing in the period has no row, as from the events
            groups = {
                d: [r for r in rows.values() if r["received"] or r["closed"] or r["objected"] or r["rated"]]
                for d, rows in found.items()
            }
    units = groups["unit"]
    if total is None:  # SQLite's event query and the fact rows: no ROLLUP
        total = {k: sum(r[k] or 0 for r in units) for k in (*kpis_sql.COUNTS, "hours_sum")}
    if connection.vendor != "postgresql":
        if events:
            p90 = kpis_db.sqlite_p90(f.apply(Case.objects.filter(kind="appeal")))
        else:
            p90 = facts_read.sqlite_p90(f)
    elif not events:
        p90 = facts_read.p90(f, {**{r["key"]: r["hours_n"] for r in units}, "total": total["hours_n"]})
    if connection.vendor != "postgresql" or not events:
        for row in (*units, total):
            row["hours_p90"] = p90.get("total" if row is total else row["key"])
    for d, rows in groups.items():
        if d != "unit":
            for row in rows:
                row["hours_p90"] = None  # not additive over keys, and not shown per matter or channel
    if total["hours_missing"]:
        _complete_hours(f, total, groups)
    for row in (total, *(r for rows in groups.values() for r in rows)):
        for k in (*kpis_sql.COUNTS, "hours_sum"):
            row[k] = row[k] or 0
    return total, groups, trend


def _complete_hours(f: KpiFilter, total: dict, groups: dict[str, list[dict]]) -> None:
    """Hours-to-dispatch figures from the dispatch events, for data older than their stored hours."""
    hours = _dispatch_hours(f)
    named = [dict(zip(("unit", "matter", "category", "channel", "h"), h, strict=True)) for h in hours]
    values = [h["h"] for h in named]
    total.update(hours_n=len(values), hours_sum=sum(values), hours_p90=_p90(values))
    for d, rows in groups.items():
        by_key: dict = {}
        for h in named:
            by_key.setdefault(_key_of(d, h), []).append(h["h"])
        for row in rows:
            values = by_key.get(row["key"], [])
            row.update(hours_n=len(values), hours_sum=sum(values))
            row["hours_p90"] = _p90(values) if d == "unit" else None


def _add_straddling(found: dict[str, dict], straddling: list[dict]) -> None:
    """Add the event-derived closure counts of straddling appeals (rows of every key column) to
    the fact rows of each breakdown (in place)."""
    for extra in straddling:
        for d, rows in found.items():
            key = _key_of(d, extra)
            row = rows.get(key)
            if row is None:  # a key with nothing else in the period
                row = rows[key] = {"key": key, "hours_sum": None, "hours_p90": None}
                row.update({k: 0 for k in kpis_sql.COUNTS})
            for k in facts_read.STRADDLED:
                row[k] = (row[k] or 0) + (extra[k] or 0)


def compute(f: KpiFilter, *, now: datetime | None = None, events: bool = False) -> dict:
    """Every figure for the filter, from one pass over the fact table (`events=True`: from the
    events, the reference)."""
    return _figures(_counts(f, now, events=events)[0])


def _by_unit(units: list[dict], limit: int) -> list[dict]:
    from fazhi.core.models import OrgUnit

    units = sorted(
        (u for u in units if u["key"] is not None), key=lambda u: (-u["received"], -u["closed"], u["key"])
    )[:limit]
    names = dict(OrgUnit.objects.filter(pk__in=[u["key"] for u in units]).values_list("pk", "name"))
    return [{"unit": u["key"], "name": names.get(u["key"], ""), **_figures(u)} for u in units]


def by_unit(f: KpiFilter, *, limit: int = 20, events: bool = False) -> list[dict]:
    """Per handling unit (the current one), for the ranking chart and the unit table."""
    return _by_unit(_counts(f, None, events=events)[1]["unit"], limit)


def by_matter(f: KpiFilter, *, limit: int = 20, events: bool = False) -> list[dict]:
    """Per first-level matter of the catalogue (an appeal without a matter: by its category)."""
    return breakdown.by_matter(_counts(f, None, events=events)[1]["matter"], limit, _figures)


def by_channel(f: KpiFilter, *, events: bool = False) -> list[dict]:
    """Per intake channel."""
    return breakdown.by_channel(_counts(f, None, events=events)[1]["channel"], _figures)


def monthly(f: KpiFilter, *, events: bool = False) -> list[dict]:
    """Received per month of receipt and closed per month of approval (trend chart), Beijing time.

    An appeal approved twice in one month counts once, as in that month's report. From the fact
    table, which knows an appeal's first and last approval; those approved three times or more
    are counted by their closure events."""
    return _trend(f, None if events else _counts(f, None)[2])


def _trend(f: KpiFilter, months: dict | None) -> list[dict]:
    """The trend from the events (`months` None) or from the fact table's `months` plus the closure
    events of appeals approved three times or more."""
    closures = CaseEvent.objects.filter(Q(kind__in=CLOSURE_KINDS) & kpis_sql.between(f.start, f.end))
    if months is None:
        months = {}
        received = (
            f.apply(Case.objects.filter(kind="appeal"))
            .order_by()
            .annotate(m=kpis_db.BeijingMonth("received_at"))
            .values("m")
            .annotate(n=Count("id"))
        )
        if f.narrowed:
            closures = closures.filter(case_id__in=f.cases().values("id"))
        sources = ((0, received),)
    else:
        months = {m: list(v) for m, v in months.items()}
        # (multi=True lets the planner start from its partial index: every such appeal is multi)
        several = list(
            facts_read.filtered(f).filter(multi=True, approvals__gt=2).values_list("case_id", flat=True)
        )
        closures = closures.filter(case_id__in=several)
        sources = ()
    closed = (
        closures.order_by()
        .annotate(m=kpis_db.BeijingMonth("at"))
        .values("m")
        .annotate(n=Count("case_id", distinct=True))
    )
    with kpis_db.no_jit():
        for i, qs in (*sources, (1, closed)):
            for r in qs:
                months.setdefault(r["m"].astimezone(SH).strftime("%Y-%m"), [0, 0])[i] += r["n"]
    return [{"month": m, "received": v[0], "closed": v[1]} for m, v in sorted(months.items()) if v != [0, 0]]


def report(f: KpiFilter, *, limit: int = 15, trend: bool = True) -> dict:
    """Figures, unit ranking, matter and channel tables and trend from one pass of the grouped
    query (dashboard, export)."""
    total, groups, months = _counts(f, None)
    return {
        "figures": _figures(total),
        "units": _by_unit(groups["unit"], limit),
        "matters": breakdown.by_matter(groups["matter"], limit, _figures),
        "channels": breakdown.by_channel(groups["channel"], _figures),
        "trend": _trend(f, months) if trend else [],
    }


DASHBOARD_TTL = 60  # seconds; the dashboard says "updated every minute"
# In-process memo of finished reports (a few KB each); the name is older than its contents.
_FACTS_CACHE: dict[tuple, tuple[float, dict]] = {}


def dashboard(f: KpiFilter) -> dict:
    """report() memoised per filter for a minute, so a leader clicking back and forth between
    filters does not re-aggregate the year on every click. Exports and drill-downs read live."""
    key = astuple(f)
    hit = _FACTS_CACHE.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    from fazhi.appeals import facts

    facts.roll_up_now_and_then()  # keeps the monthly sums current without a scheduler
    result = report(f)
    if len(_FACTS_CACHE) > 64:  # bounded: drop everything rather than track ages
        _FACTS_CACHE.clear()
    _FACTS_CACHE[key] = (time.monotonic() + DASHBOARD_TTL, result)
    return result
