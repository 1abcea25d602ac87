"""The appeal fact table in SQL: how a row is derived, and the KPIs read from the rows.

*Derived* (`derive`): the event-derived KPI query's own per-appeal SELECT (kpis_sql.appeal_rows
over kpis_sql.per_appeal, for the whole history), plus the few timestamps and counts a period
needs. There is one definition of each per-appeal value: the one in kpis_sql.

*Summed* (`month_sums`): what settled rows add to AppealFactMonth, each family of counts in the
month of its own timestamp (facts.roll_up keeps it; see the model).

*Read* (`unit_rows`): the AppealFactMonth sums of the whole months inside the period, plus one
pass over the other fact rows — live ones, and those with something in the period's ragged
edges — with conditional counts (COUNT … FILTER, which PostgreSQL and SQLite ≥ 3.30 both have)
per handling unit and trend month, the period applied to the timestamps:

- intake figures: received_at in the period;
- closed / on time: approved_at (the latest approved closure or answer) in the period;
- objected: objected_at in the period; rated: first_callback_at in the period, whatever else.

That is exact for an appeal with at most one approved closure, objection and callback and no
closure after its approval — its history has only one answer to "which one was last in the
period". For the others (`multi`) it is exact when the period holds their whole closure history,
or none of it. The rest — multi appeals whose closure history the period cuts — are `straddling`:
their closed, on-time, objected and latest-rating counts come from their events through the
event-derived query (a few hundred appeals at most, none for an all-time view).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from fazhi.appeals.kpis_db import SH, BeijingMonth, nearest_rank_p90
from fazhi.appeals.kpis_sql import FLOW, TRAIL, appeal_rows, between, case_columns, per_appeal
from fazhi.appeals.models import AppealFact, AppealFactMonth
from fazhi.cases.models import Case
from fazhi.core.models import OrgUnit

# The whole history: per_appeal() and appeal_rows() with no period bounds.
WHOLE_HISTORY = SimpleNamespace(start=None, end=None)
CLOSURES = ("appeal.approve_closure", "appeal.answer")

# AppealFact's columns, in the order derive() selects them.
COLUMNS = tuple(f.column for f in AppealFact._meta.concrete_fields)

# column -> the expression over one appeal_rows() row (x) that fills it
_DERIVED = {
    "case_id": "x.id",
    "received_at": "x.received_at",
    "unit_id": "x.unit",
    "owner_unit_id": "x.owner_unit_id",
    "matter_id": "x.matter",
    "category": "COALESCE(x.category, '')",
    "channel": "x.channel",
    "case_closed_at": "x.closed_at",
    "due_at": "x.due_at",
    "repeat": "x.repeat IS NOT NULL",
    "merged": "x.state = 'merged'",
    "dispatched": "COALESCE(x.dispatched > 0, FALSE)",
    "moved": "COALESCE(x.moved > 0, FALSE)",
    "returned": "COALESCE(x.returned > 0, FALSE)",
    "auto": "COALESCE(x.auto > 0, FALSE)",
    "arbitrated": "COALESCE(x.arbitrated > 0, FALSE)",
    "hours": "x.hours",
    # the later of the last approval and the last answer (SQLite's MAX(a, b) is NULL if one is)
    "approved_at": (
        "CASE WHEN x.approved IS NULL THEN x.answered_at"
        " WHEN x.answered_at IS NULL OR x.approved >= x.answered_at THEN x.approved ELSE x.answered_at END"
    ),
    "first_approved_at": "x.first_approved_at",
    "approvals": "COALESCE(x.approvals, 0)",
    "on_time": "x.on_time = 1",
    "objected_at": "x.objected_at",
    "first_callback_at": "x.first_cb",
    "sat_first": "COALESCE(x.first_cb = x.first_sat, FALSE)",
    "sat_last": "COALESCE(x.last_cb = x.last_sat, FALSE)",
    "res_first": "COALESCE(x.first_cb = x.first_res, FALSE)",
    "res_last": "COALESCE(x.last_cb = x.last_res, FALSE)",
    "trail_start": "x.trail_start",
    "trail_end": "x.trail_end",
    # more than one answer to "which was last" (see the module docstring)
    "multi": "COALESCE(x.approvals > 1 OR x.objected > 1 OR x.callbacks > 1 OR x.closure > x.approved, FALSE)",
    "rolled_up": "1 = 0",  # a re-derived row is live until roll_up() counts it again
}
assert set(_DERIVED) == set(COLUMNS), set(COLUMNS) ^ set(_DERIVED)


def derive(cases: QuerySet, *, now) -> tuple[str, list]:
    """SELECT of the fact rows of `cases` (a Case queryset), columns named as AppealFact's."""
    trail = Q(kind__in=(*FLOW, *TRAIL))
    events = per_appeal(WHOLE_HISTORY, cases).annotate(
        answered_at=Max("at", filter=Q(kind="appeal.answer")),
        objected_at=Max("at", filter=Q(kind="appeal.object")),
        first_approved_at=Min("at", filter=Q(kind__in=CLOSURES)),
        approvals=Count("id", filter=Q(kind__in=CLOSURES)),
        callbacks=Count("id", filter=Q(kind="appeal.callback")),
        trail_start=Min("at", filter=trail),
        trail_end=Max("at", filter=trail),
    )
    rows = case_columns(
        cases, "owner_unit_id", "channel", category=F("appeal__category"), matter=F("appeal__matter_id")
    )
    ev = (
        "dispatched hours auto moved returned arbitrated approved answered_at first_approved_at approvals closure objected"
        " objected_at callbacks first_cb first_sat first_res last_cb last_sat last_res trail_start trail_end"
    )
    columns = (
        "c.id, c.received_at, c.unit, c.owner_unit_id, c.matter, c.category, c.channel, c.closed_at,"
        " c.due_at, c.repeat, c.state, " + ", ".join(f"ev.{name}" for name in ev.split())
    )
    inner, params = appeal_rows(WHOLE_HISTORY, rows, events, columns, now=now)
    qn = connection.ops.quote_name
    select = ", ".join(f"{_DERIVED[c]} AS {qn(c)}" for c in COLUMNS)
    return f"SELECT {select} FROM ({inner}) x", params


def _upsert_sql(cases: QuerySet) -> tuple[str, list]:
    sql, params = derive(cases, now=NOT_STORED)
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in COLUMNS)
    updates = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in COLUMNS if c != "case_id")
    # "WHERE 1 = 1": SQLite cannot otherwise tell ON CONFLICT from a join's ON after a SELECT.
    statement = (
        f"INSERT INTO {qn(AppealFact._meta.db_table)} ({names}) SELECT {names} FROM ({sql}) d WHERE 1 = 1"
        f" ON CONFLICT ({qn('case_id')}) DO UPDATE SET {updates}"
    )
    return statement, params


# appeal_rows() wants a moment for its "open late" flag, which the fact table does not store
# (the KPIs judge it at read time): a constant keeps the statement cacheable.
NOT_STORED = datetime(2000, 1, 1, tzinfo=SH)


def upsert(cases: QuerySet) -> int:
    """Write (insert or replace) the fact rows of `cases`; returns the number written."""
    statement, params = _upsert_sql(cases)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


_SENTINEL = -(2**62)  # no case has a negative id
_COMPILED: dict[tuple[str, int], tuple[str, list, list[tuple[int, int]]]] = {}


def upsert_ids(ids: list[int]) -> int:
    """upsert() for these (distinct) case ids, its statement compiled once per number of ids:
    compiling the derivation through the ORM took ten times as long as running it for one
    appeal (20-40 ms against 2-3 ms on PostgreSQL), on every transition."""
    key = (connection.vendor, len(ids))
    if key not in _COMPILED:
        marks = [_SENTINEL + i for i in range(len(ids))]
        statement, params = _upsert_sql(Case.objects.filter(kind="appeal", pk__in=marks))
        slots = [
            (i, p - _SENTINEL)
            for i, p in enumerate(params)
            if type(p) is int and 0 <= p - _SENTINEL < len(ids)
        ]
        assert len(slots) >= len(ids), "every id must reach the statement"
        _COMPILED[key] = (statement, params, slots)
    statement, params, slots = _COMPILED[key]
    params = list(params)
    for i, j in slots:
        params[i] = ids[j]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


# --- monthly sums of settled facts -------------------------------------------------------

DIMS = ("unit_id", "owner_unit_id", "matter_id", "category", "channel")
# each family of counts, in the month of its own timestamp (the condition on the fact row)
FAMILIES = {
    "received_at": {
        "received": None,
        "dispatched": Q(dispatched=True),
        "first_dispatch_ok": Q(dispatched=True, moved=False),
        "returned": Q(returned=True),
        "auto": Q(dispatched=True, auto=True),
        "auto_ok": Q(dispatched=True, auto=True, moved=False),
        "arbitrated": Q(arbitrated=True),
        "repeats": Q(repeat=True),
        "merged": Q(merged=True),
        "hours_n": Q(dispatched=True, hours__isnull=False),
        "hours_missing": Q(dispatched=True, hours__isnull=True),
    },
    "approved_at": {"closed": None, "on_time": Q(on_time=True)},
    "objected_at": {"objected": None},
    "first_callback_at": {
        "rated": None,
        "sat_first": Q(sat_first=True),
        "sat_last": Q(sat_last=True),
        "res_first": Q(res_first=True),
        "res_last": Q(res_last=True),
    },
}
SUMMED = (*(n for counts in FAMILIES.values() for n in counts), "hours_sum")


def month_sums(rows: QuerySet) -> dict[tuple, dict]:
    """What these fact rows (single closure histories only) add to AppealFactMonth, per key."""
    out: dict[tuple, dict] = {}
    for column, counts in FAMILIES.items():
        # prefixed: several counts share their name with the fact column they count
        sums = {f"n_{name}": Count("pk", filter=q) if q else Count("pk") for name, q in counts.items()}
        if column == "received_at":
            sums["n_hours_sum"] = Sum("hours", filter=Q(dispatched=True))
        qs = (
            rows.filter(**{f"{column}__isnull": False})
            .order_by()
            .annotate(m=BeijingMonth(column))
            .values("m", *DIMS)
            .annotate(**sums)
        )
        for r in qs:
            key = (r.pop("m").astimezone(SH).date(), *(r.pop(d) for d in DIMS))
            acc = out.setdefault(key, {})
            for name, value in r.items():
                acc[name[2:]] = acc.get(name[2:], 0) + (value or 0)
    return out


def add_month_sums(sums: dict[tuple, dict], sign: int) -> None:
    AppealFactMonth.objects.bulk_create(
        [
            AppealFactMonth(
                **dict(zip(("month", *DIMS), key, strict=True)), **{k: sign * v for k, v in values.items()}
            )
            for key, values in sums.items()
        ],
        batch_size=500,
    )


def compact_month_sums() -> None:
    """One row per key again. On PostgreSQL in one statement, so one snapshot sees what it
    deletes and sums (a negation committed meanwhile stays, as its own row); SQLite has one writer."""
    qn = connection.ops.quote_name
    table = qn(AppealFactMonth._meta.db_table)
    keys = ", ".join(qn(c) for c in ("month", *DIMS))
    sums = ", ".join(f"SUM({qn(c)})" for c in SUMMED)
    names = ", ".join(qn(c) for c in SUMMED)
    nonzero = " OR ".join(f"SUM({qn(c)}) <> 0" for c in SUMMED)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING *) INSERT INTO {table} ({keys}, {names})"
                f" SELECT {keys}, {sums} FROM gone GROUP BY {keys} HAVING {nonzero}"
            )
        else:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            top = cursor.fetchone()[0] or 0
            cursor.execute(
                f"INSERT INTO {table} ({keys}, {names}) SELECT {keys}, {sums} FROM {table} WHERE id <= %s"
                f" GROUP BY {keys} HAVING {nonzero}",
                [top],
            )
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [top])


# --- reading -------------------------------------------------------------------------------


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
        qs = qs.filter(matter_id=f.matter)
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
    "unit_id received_at case_closed_at due_at repeat merged dispatched moved returned auto arbitrated hours"
    " approved_at first_approved_at approvals on_time objected_at first_callback_at sat_first sat_last res_first"
    " res_last trail_start trail_end multi rolled_up"
).split()


def _month_sql(column: str) -> str:
    """'YYYY-MM' of `column` in Beijing time (fixed +08:00: no DST since 1991)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column}, '+8 hours')"


def unit_rows(f, *, now) -> tuple[list[dict], dict[str, list[int]]]:
    """kpis_sql.unit_rows' counts per current handling unit (no total, no p90) and the trend
    ({"YYYY-MM": [received, closed]}, but for appeals approved three times or more): the whole
    months' AppealFactMonth sums plus one pass over the other fact rows. Straddling appeals are
    left out of STRADDLED (the caller adds them from their events)."""
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
    sql = f"""
        SELECT y.unit_id AS unit, y.rm, y.am, y.fm, {", ".join(select)}
        FROM (SELECT x.*, {months} FROM (SELECT f.*, {flags} FROM ({rows_sql}) f) x) y
        GROUP BY y.unit_id, y.rm, y.am, y.fm"""
    rows: dict = {}
    trend: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for values in cursor.fetchall():
            group = dict(zip(names, values, strict=True))
            rm_, am_, fm_ = group.pop("rm"), group.pop("am"), group.pop("fm")
            am_n, fm_n = group.pop("am_n"), group.pop("fm_n")
            if rm_:
                trend.setdefault(rm_, [0, 0])[0] += group["received"]
            if am_:
                trend.setdefault(am_, [0, 0])[1] += am_n
            if fm_:
                trend.setdefault(fm_, [0, 0])[1] += fm_n
            row = rows.get(group["unit"])
            if row is None:
                rows[group["unit"]] = group
            else:
                for k, v in group.items():
                    if k != "unit":
                        row[k] = (row[k] or 0) + (v or 0)
    if core is not None:
        sums = _month_rows(f, core).values("unit_id", "month").annotate(**{k: Sum(k) for k in SUMMED})
        for summed in sums:
            unit, month = summed.pop("unit_id"), summed.pop("month").strftime("%Y-%m")
            bucket = trend.setdefault(month, [0, 0])
            bucket[0] += summed["received"] or 0
            bucket[1] += summed["closed"] or 0
            row = rows.setdefault(unit, {"unit": unit, "open_overdue": 0, **{k: 0 for k in SUMMED}})
            for k, v in summed.items():
                row[k] = (row[k] or 0) + (v or 0)
    return list(rows.values()), trend


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
