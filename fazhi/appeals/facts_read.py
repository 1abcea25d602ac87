"""The KPIs read from the appeal fact table (facts_sql.py derives and sums its rows).

The AppealFactMonth sums of the whole months inside the period, plus one pass over the other
fact rows — live ones, and those with something in the period's ragged edges — with conditional
counts (COUNT … FILTER, which PostgreSQL and SQLite ≥ 3.30 both have), the period applied to the
timestamps:

- intake figures: received_at in the period;
- closed / on time: approved_at (the latest approved closure or answer) in the period;
- objected: objected_at in the period; rated: first_callback_at in the period, whatever else.

That is exact for an appeal with at most one approved closure, objection and callback and no
closure after its approval — its history has only one answer to "which one was last in the
period". For the others (`multi`) it is exact when the period holds their whole closure history,
or none of it. The rest — multi appeals whose closure history the period cuts — are `straddling`:
their closed, on-time, objected and latest-rating counts come from their events through the
event-derived query (a few hundred appeals at most, none for an all-time view).

One pass counts every breakdown the dashboard shows (DIMENSIONS: by handling unit with the
trend months, by matter, by channel): PostgreSQL groups the rows by each in one scan (GROUPING
SETS); SQLite, without them, groups by all the keys at once and the rows are folded here.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F, Q, QuerySet

from fazhi.appeals.facts_sql import SUMMED
from fazhi.appeals.kpis_db import SH, nearest_rank_p90
from fazhi.appeals.kpis_sql import between
from fazhi.appeals.models import AppealFact, AppealFactMonth
from fazhi.core.models import OrgUnit

# breakdown -> the fact columns of its key (a scalar key when there is one column)
DIMENSIONS = {"unit": ("unit_id",), "matter": ("matter_id", "category"), "channel": ("channel",)}
KEYS = tuple(c for columns in DIMENSIONS.values() for c in columns)



def whole_months(f) -> tuple[datetime | None, datetime | None] | None:
    """The whole Beijing months inside the period as instants [lo, hi) (None: unbounded), which
    AppealFactMonth answers for; None when the period holds no whole month."""

    def month_start(t: datetime, up: bool) -> datetime:
        local = t.astimezone(SH)
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if up and first < local:
            first = (first + timedelta(days=32)).replace(day=1)
        return first

    lo = month_start(f.start, True) if f.start else None
    hi = month_start(f.end, False) if f.end else None
    if lo and hi and lo >= hi:
        return None
    return lo, hi


def _edges(f, core) -> list[tuple[datetime | None, datetime | None]]:
    """The parts of the period outside its whole months."""
    if core is None:
        return [(f.start, f.end)]
    lo, hi = core
    out = []
    if f.start and f.start < lo:
        out.append((f.start, lo))
    if f.end and hi < f.end:
        out.append((hi, f.end))
    return out


def _span(column: str, bounds, params: list) -> str:
    """`column` lies in [start, end) (NULL when the column is)."""
    start, end = bounds
    parts = []
    adapt = connection.ops.adapt_datetimefield_value
    if start:
        parts.append(f"{column} >= %s")
        params.append(adapt(start))
    if end:
        parts.append(f"{column} < %s")
        params.append(adapt(end))
    return f"({' AND '.join(parts)})" if parts else f"({column} IS NOT NULL)"


def _here(column: str, f, core, params: list) -> str:
    """Counted from this fact row: in the period, and live or outside the whole months."""
    inside = _span(column, (f.start, f.end), params)
    if core is None:
        return inside
    edges = [_span(column, e, params) for e in _edges(f, core)]
    return f"({inside} AND (NOT f.rolled_up OR {' OR '.join(edges) or '1 = 0'}))"


def filtered(f, *, rows: bool = False) -> QuerySet:
    """The fact rows matching every filter but the period; with `rows`, only those unit_rows()
    counts itself (live, or with something in the period outside its whole months), so the
    indexes serve it."""
    qs = _keyed(AppealFact.objects.all(), f)
    if rows:
        core = whole_months(f)
        q = Q(pk__in=[]) if core is None else Q(rolled_up=False)
        for start, end in _edges(f, core):
            for column in ("received_at", "approved_at", "objected_at", "first_callback_at"):
                q |= between(start, end, column) & Q(**{f"{column}__isnull": False})
            # an earlier approval of an appeal approved twice (multi: its partial index serves)
            q |= Q(multi=True, first_approved_at__isnull=False) & between(start, end, "first_approved_at")
        qs = qs.filter(q)
    return qs


def _keyed(qs: QuerySet, f) -> QuerySet:
    """The filters on the keys AppealFact and AppealFactMonth share."""
    if f.scope is not None:
        q = Q(pk__in=[])
        for path in f.scope:
            below = OrgUnit.objects.filter(path__startswith=path).values("id")
            q |= Q(owner_unit_id__in=below) | Q(unit_id__in=below)
        qs = qs.filter(q)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.matter:
        from fazhi.appeals.kpis import matter_subtree

        qs = qs.filter(matter_id__in=matter_subtree(f.matter))
    return qs


def straddling(f) -> QuerySet | None:
    """The multi appeals whose closure history the period cuts (None when it cuts none)."""
    if not (f.start or f.end):
        return None
    inside, outside = Q(), Q(pk__in=[])
    if f.start:
        inside &= Q(trail_start__gte=f.start)
        outside |= Q(trail_end__lt=f.start)
    if f.end:
        inside &= Q(trail_end__lt=f.end)
        outside |= Q(trail_start__gte=f.end)
    return filtered(f).filter(Q(multi=True) & ~inside & ~outside)


# the per-unit counts that straddling appeals take from their events
STRADDLED = ("closed", "on_time", "objected", "sat_last", "res_last")

READ = (
    "unit_id matter_id category channel received_at case_closed_at due_at repeat merged dispatched moved returned auto arbitrated accepted hours"
    " approved_at first_approved_at approvals on_time objected_at first_callback_at sat_first sat_last res_first"
    " res_last trail_start trail_end multi rolled_up"
).split()


def _month_sql(column: str) -> str:
    """'YYYY-MM' of `column` in Beijing time (fixed +08:00: no DST since 1991)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column}, '+8 hours')"


def group_rows(f, *, now) -> tuple[dict[str, dict], dict[str, list[int]]]:
    """kpis_sql.group_rows' counts per key of each of DIMENSIONS ({dimension: {key: counts}},
    no total, no p90) and the trend ({"YYYY-MM": [received, closed]}, but for appeals approved
    three times or more): the whole months' AppealFactMonth sums plus one pass over the other
    fact rows. Straddling appeals are left out of STRADDLED (the caller adds them from their
    events)."""
    core = whole_months(f)
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    cohort = _here("f.received_at", f, core, params)
    if f.start or f.end:
        inside, outside = [], []
        if f.start:
            inside.append("f.trail_start >= %s")
            params.append(adapt(f.start))
        if f.end:
            inside.append("f.trail_end < %s")
            params.append(adapt(f.end))
        if f.start:
            outside.append("f.trail_end < %s")
            params.append(adapt(f.start))
        if f.end:
            outside.append("f.trail_start >= %s")
            params.append(adapt(f.end))
        straddle = f"(f.multi AND NOT ({' AND '.join(inside)}) AND NOT ({' OR '.join(outside)}))"
    else:
        straddle = "(1 = 0)"
    closed = _here("f.approved_at", f, core, params)
    objected = _here("f.objected_at", f, core, params)
    rated = _here("f.first_callback_at", f, core, params)
    # the trend's closures: every month an appeal had an approval in; with one or two approvals
    # those are the first and the last (an appeal approved twice is multi, hence live)
    first_in = _span("f.first_approved_at", (f.start, f.end), params)
    last_in = _span("f.approved_at", (f.start, f.end), params)
    params.append(adapt(now))
    flags = (
        f"{cohort} AS cohort, COALESCE({straddle}, 1 = 0) AS straddle, {closed} AS closed_h,"
        f" {objected} AS objected_p, {rated} AS rated_p, {first_in} AS first_in, {last_in} AS last_in,"
        " (f.case_closed_at IS NULL AND f.due_at < %s) AS open_late"
    )
    rows_sql, rows_params = filtered(f, rows=True).order_by().values(*READ).query.sql_with_params()
    params += rows_params
    rm, am, fm = (_month_sql(f"x.{c}") for c in ("received_at", "approved_at", "first_approved_at"))
    months = (
        f"CASE WHEN x.cohort THEN {rm} END AS rm,"
        f" CASE WHEN x.approvals = 1 AND x.closed_h THEN {am}"
        f" WHEN x.approvals = 2 AND x.last_in THEN {am} END AS am,"
        f" CASE WHEN x.approvals = 2 AND x.first_in AND NOT (x.last_in AND {fm} = {am}) THEN {fm} END AS fm"
    )
    keep = "NOT y.straddle"
    disp = "y.cohort AND y.dispatched"
    counts = {
        "received": "y.cohort",
        "dispatched": disp,
        "first_dispatch_ok": f"{disp} AND NOT y.moved",
        "returned": "y.cohort AND y.returned",
        "auto": f"{disp} AND y.auto",
        "auto_ok": f"{disp} AND y.auto AND NOT y.moved",
        "accepted": "y.cohort AND y.accepted",
        "arbitrated": "y.cohort AND y.arbitrated",
        "repeats": "y.cohort AND y.repeat",
        "merged": "y.cohort AND y.merged",
        "open_overdue": "y.cohort AND y.open_late",
        "closed": f"{keep} AND y.closed_h",
        "on_time": f"{keep} AND y.closed_h AND y.on_time",
        "objected": f"{keep} AND y.objected_p",
        "rated": "y.rated_p",
        "sat_first": "y.rated_p AND y.sat_first",
        "sat_last": f"{keep} AND y.rated_p AND y.sat_last",
        "res_first": "y.rated_p AND y.res_first",
        "res_last": f"{keep} AND y.rated_p AND y.res_last",
        "hours_n": f"{disp} AND y.hours IS NOT NULL",
        "hours_missing": f"{disp} AND y.hours IS NULL",
        "am_n": "y.am IS NOT NULL",
        "fm_n": "y.fm IS NOT NULL",
    }
    select = [f"COUNT(*) FILTER (WHERE {expr}) AS {name}" for name, expr in counts.items()]
    select.append(f"SUM(y.hours) FILTER (WHERE {disp}) AS hours_sum")
    inner = f"SELECT x.*, {months} FROM (SELECT f.*, {flags} FROM ({rows_sql}) f) x"
    sql = _grouped(inner, "y", select, months=("rm", "am", "fm"))
    out: dict[str, dict] = {d: {} for d in DIMENSIONS}
    trend: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for values in cursor.fetchall():
            group = dict(zip(names, values, strict=True))
            rm_, am_, fm_ = group.pop("rm"), group.pop("am"), group.pop("fm")
            am_n, fm_n = group.pop("am_n"), group.pop("fm_n")
            dims = _fold(group, out)
            if "unit" in dims:
                if rm_:
                    trend.setdefault(rm_, [0, 0])[0] += group["received"]
                if am_:
                    trend.setdefault(am_, [0, 0])[1] += am_n
                if fm_:
                    trend.setdefault(fm_, [0, 0])[1] += fm_n
    if core is not None:
        base_sql, base_params = _month_rows(f, core).values("month", *KEYS, *SUMMED).query.sql_with_params()
        month = (
            "to_char(m.month, 'YYYY-MM')" if connection.vendor == "postgresql" else "strftime('%%Y-%%m', m.month)"
        )
        sums = [f"SUM(m2.{k}) AS {k}" for k in SUMMED]
        sql = _grouped(f"SELECT m.*, {month} AS ym FROM ({base_sql}) m", "m2", sums, months=("ym",))
        with connection.cursor() as cursor:
            cursor.execute(sql, base_params)
            names = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                group = dict(zip(names, values, strict=True))
                ym = group.pop("ym")
                group["open_overdue"] = 0
                if "unit" in _fold(group, out) and ym:
                    bucket = trend.setdefault(ym, [0, 0])
                    bucket[0] += group["received"] or 0
                    bucket[1] += group["closed"] or 0
    return out, trend


def _grouped(inner: str, alias: str, select: list[str], *, months: tuple[str, ...]) -> str:
    """SELECT the keys, `months` and `select` (aggregates named "… AS name") from `inner`, grouped by
    all the keys at once; on PostgreSQL those few thousand groups are then summed by each
    dimension (the unit's with `months`) with GROUPING SETS, SQLite's are folded by _fold.

    Grouping the fact rows straight by the three sets ran every FILTER aggregate three times per
    row (1M, last 30 days: 0.91 → 1.03 s); grouping them once by every key and the sets over the
    groups costs one pass plus a few thousand rows."""
    keys = ", ".join(f"{alias}.{k}" for k in (*KEYS, *months))
    by_all = f"SELECT {keys}, {', '.join(select)} FROM ({inner}) {alias} GROUP BY {keys}"
    if connection.vendor != "postgresql":
        return by_all
    names = [expr.rsplit(" AS ", 1)[1] for expr in select]
    sets = [
        ", ".join(f"g.{c}" for c in (*columns, *(months if name == "unit" else ())))
        for name, columns in DIMENSIONS.items()
    ]
    marks = ", ".join(f"GROUPING(g.{columns[0]}) AS g_{name}" for name, columns in DIMENSIONS.items())
    # SUM of a bigint is numeric (Decimal in Python): back to integers, but for the hours
    sums = ", ".join(f"SUM(g.{n}) AS {n}" if n == "hours_sum" else f"SUM(g.{n})::bigint AS {n}" for n in names)
    outer_keys = ", ".join(f"g.{k}" for k in (*KEYS, *months))
    group_by = f"GROUPING SETS ({', '.join(f'({s})' for s in sets)})"
    return f"SELECT {outer_keys}, {marks}, {sums} FROM ({by_all}) g GROUP BY {group_by}"


def _fold(group: dict, out: dict[str, dict]) -> list[str]:
    """Add one grouped row's counts to the rows of the dimensions it belongs to (popping its keys
    and GROUPING marks from `group`); returns those dimensions."""
    keys = {k: group.pop(k) for k in KEYS}
    marks = {name: group.pop(f"g_{name}", 0) for name in DIMENSIONS}
    dims = [name for name in DIMENSIONS if not marks[name]]
    for name in dims:
        columns = DIMENSIONS[name]
        key = keys[columns[0]] if len(columns) == 1 else tuple(keys[c] for c in columns)
        row = out[name].get(key)
        if row is None:
            out[name][key] = {"key": key, **{k: v or 0 for k, v in group.items()}}
        else:
            for k, v in group.items():
                row[k] = (row.get(k) or 0) + (v or 0)
    return dims


def _month_rows(f, core) -> QuerySet:
    lo, hi = core
    qs = _keyed(AppealFactMonth.objects.all(), f)
    if lo:
        qs = qs.filter(month__gte=lo.date())
    if hi:
        qs = qs.filter(month__lt=hi.date())
    return qs.order_by()


def p90(f, counts: dict) -> dict:
    """Nearest-rank p90 of the hours to dispatch for each unit of `counts` (unit -> number of
    timed dispatches; "total" for all): the value ranked ceil(0.9·n), read from the top of the
    hours indexes — about a tenth of the dispatches, whatever the filter (PostgreSQL)."""
    timed = filtered(f).filter(between(f.start, f.end, "received_at"), dispatched=True, hours__isnull=False)
    out = {}
    for unit, n in counts.items():
        if not n:
            continue
        qs = (
            timed
            if unit == "total"
            else timed.filter(unit_id=unit)
            if unit is not None
            else timed.filter(unit_id__isnull=True)
        )
        skip = n - math.ceil(0.9 * n)
        out[unit] = next(iter(qs.order_by("-hours").values_list("hours", flat=True)[skip : skip + 1]), None)
    return out


def sqlite_p90(f) -> dict:
    """Nearest-rank p90 of the hours to dispatch per unit and overall ("total") for SQLite."""
    hours = filtered(f).filter(between(f.start, f.end, "received_at"), dispatched=True, hours__isnull=False)
    return nearest_rank_p90(*hours.order_by().values(hu=F("unit_id"), h=F("hours")).query.sql_with_params())
