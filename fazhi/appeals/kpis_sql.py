"""The appeal KPIs as two nested GROUP BYs, so only one row per handling unit leaves the database.

This is the definition: the fact table (facts_sql.derive) stores appeal_rows() for each appeal's
whole history, and the KPIs read from the events (`events=True`, and for the appeals whose
closure history a period cuts) run group_rows() as it is.

Inner (`per_appeal`, ORM): the events of each appeal folded into one row of conditional
aggregates — counts of each kind and the first/last time of each kind of interest. Facts that
depend on *which* event came last are read by comparing two timestamps rather than by sorting:

- the last closure was on time ⇔ no late closure, or the last late closure is older than the
  last closure (max(at) of closures ≠ max(at) of late ones);
- the first rating was satisfied ⇔ min(at) of callbacks = min(at) of satisfied callbacks, and
  likewise last/resolved.

Outer (`group_rows`, raw SQL around the ORM-compiled inner queries): those rows summed per
current handling unit (or matter, or channel). PostgreSQL also returns the grand total (ROLLUP)
with an exact p90 of the time to dispatch (percentile_disc); SQLite, without either, gets the
totals as the sum of the unit rows and the p90 from window functions (kpis_db.sqlite_p90).

The one fact the comparison trick cannot settle: a re-closure after an objection that is still
awaiting review (or was sent back) when the period ends. The approved closure is then the last
closure *before* the last approval, which a correlated lookup on the (case, kind, at) index
finds — inside a CASE branch, so the database runs it only for those few appeals.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from fazhi.appeals.kpis_db import detail, detail_is
from fazhi.cases.models import CaseEvent

MOVED = ("appeal.return", "appeal.reassign", "appeal.arbitrate")
# Read for the appeals received in the period, whenever they happen: a return a week after a
# dispatch on the 31st still makes that dispatch inaccurate.
INTAKE = ("appeal.dispatch", "appeal.accept", *MOVED)
# Counted when they happen, within the period.
FLOW = ("appeal.approve_closure", "appeal.answer", "appeal.object")
# Read up to the period's end, earlier ones included: the closure an approval in the period
# accepted may predate it, and a callback is "first" only if none came before the period.
TRAIL = ("appeal.close", "appeal.callback")
SATISFIED = ("satisfied", "basically_satisfied")

# the counts group_rows() returns per key, besides hours_sum (and hours_p90 on PostgreSQL)
COUNTS = tuple(
    "received dispatched first_dispatch_ok returned auto auto_ok arbitrated accepted repeats merged open_overdue closed"
    " on_time objected rated sat_first sat_last res_first res_last hours_n hours_missing".split()
)


def between(start, end, field="at") -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lt": end})
    return q


def per_appeal(f, cases: QuerySet | None) -> QuerySet:
    """One row per appeal with events up to the period's end; `cases` narrows it when the filter
    does. The period's start is applied inside the aggregates, not in the WHERE: an OR of time
    windows with a subquery there once sent PostgreSQL into a per-appeal bitmap plan that ran
    for minutes, and the events before the start are needed anyway (see TRAIL)."""
    events = CaseEvent.objects.filter(kind__in=(*INTAKE, *FLOW, *TRAIL))
    if f.end:
        events = events.filter(Q(kind__in=INTAKE) | Q(at__lt=f.end))
    if cases is not None:
        events = events.filter(case_id__in=cases.values("id"))
    since = between(f.start, None)
    dispatch = Q(kind="appeal.dispatch")
    callback = Q(kind="appeal.callback")
    sat = callback & detail_is("rating", SATISFIED)
    res = callback & detail_is("resolved", True)
    return (
        events.order_by()
        .values("case_id")
        .annotate(
            dispatched=Count("id", filter=dispatch),
            hours=Max(detail("dispatch_hours"), filter=dispatch),
            auto=Count("id", filter=dispatch & detail_is("auto", True)),
            moved=Count("id", filter=Q(kind__in=MOVED)),
            returned=Count("id", filter=Q(kind="appeal.return")),
            arbitrated=Count("id", filter=Q(kind="appeal.arbitrate")),
            accepted=Count("id", filter=Q(kind="appeal.accept")),
            approved=Max("at", filter=Q(kind="appeal.approve_closure") & since),
            answered=Count("id", filter=Q(kind="appeal.answer") & since),
            answered_late=Count("id", filter=Q(kind="appeal.answer") & since & detail_is("on_time", False)),
            closure=Max("at", filter=Q(kind="appeal.close")),
            late_closure=Max("at", filter=Q(kind="appeal.close") & detail_is("on_time", False)),
            objected=Count("id", filter=Q(kind="appeal.object") & since),
            first_cb=Min("at", filter=callback),
            first_sat=Min("at", filter=sat),
            first_res=Min("at", filter=res),
            last_cb=Max("at", filter=callback),
            last_sat=Max("at", filter=sat),
            last_res=Max("at", filter=res),
        )
    )


EV_COLUMNS = (
    "dispatched",
    "hours",
    "auto",
    "moved",
    "returned",
    "arbitrated",
    "accepted",
    "objected",
    "first_cb",
    "first_sat",
    "first_res",
    "last_cb",
    "last_sat",
    "last_res",
)


def case_columns(cases: QuerySet, *fields: str, **exprs) -> QuerySet:
    """The case's own columns the flags read; the fact table asks for a few more."""
    return cases.order_by().values(
        "id",
        "received_at",
        "state",
        "closed_at",
        "due_at",
        *fields,
        unit=F("handling_unit_id"),
        repeat=F("appeal__repeat_of_id"),
        **exprs,
    )


def _approved_closure_on_time() -> tuple[str, tuple]:
    """Was the last closure before the last approval on time? (the rare re-closure-pending case)"""
    qs = (
        CaseEvent.objects.filter(
            case_id=RawSQL("ev.case_id", ()), kind="appeal.close", at__lt=RawSQL("ev.approved", ())
        )
        .order_by("-at", "-id")
        .annotate(ok=Case(When(details__on_time=False, then=Value(0)), default=Value(1)))
        .values("ok")[:1]
    )
    return qs.query.sql_with_params()


def appeal_rows(f, cases: QuerySet, events: QuerySet, columns: str, *, now) -> tuple[str, list]:
    """One row per appeal of `cases` (a case_columns() queryset, alias c) joined to its event
    aggregates (a per_appeal() queryset, alias ev): `columns`, then the 0/1 flags

    cohort (received in the period), open_late (still open past due_at at `now`), rated (first
    callback in the period), closed (an approved closure or an answer in the period) and on_time
    (the last approved closure in the period was on time).

    The KPIs sum these rows per unit (group_rows); the fact table stores them, for the whole
    history, one per appeal (facts_sql.derive). Every parameter appears once.
    """
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    cohort = []
    if f.start:
        cohort.append("c.received_at >= %s")
        params.append(adapt(f.start))
    if f.end:
        cohort.append("c.received_at < %s")
        params.append(adapt(f.end))
    params.append(adapt(now))
    if f.start:
        params.append(adapt(f.start))
    fallback_sql, fallback_params = _approved_closure_on_time()
    params += fallback_params
    flags = f"""
        CASE WHEN {" AND ".join(cohort) or "1 = 1"} THEN 1 ELSE 0 END AS cohort,
        CASE WHEN c.closed_at IS NULL AND c.due_at < %s THEN 1 ELSE 0 END AS open_late,
        CASE WHEN {"ev.first_cb >= %s" if f.start else "ev.first_cb IS NOT NULL"} THEN 1 ELSE 0 END AS rated,
        CASE WHEN ev.approved IS NOT NULL OR ev.answered > 0 THEN 1 ELSE 0 END AS closed,
        CASE WHEN ev.approved IS NOT NULL THEN
            (CASE WHEN ev.closure IS NULL OR ev.closure <= ev.approved THEN
                (CASE WHEN ev.late_closure IS NULL OR ev.late_closure < ev.closure THEN 1 ELSE 0 END)
             ELSE COALESCE(({fallback_sql}), 1) END)
        WHEN ev.answered > 0 AND ev.answered_late = 0 THEN 1 ELSE 0 END AS on_time"""
    cases_sql, cases_params = cases.query.sql_with_params()
    events_sql, events_params = events.query.sql_with_params()
    sql = f"SELECT {columns}, {flags} FROM ({cases_sql}) c LEFT JOIN ({events_sql}) ev ON ev.case_id = c.id"
    return sql, [*params, *cases_params, *events_params]


# breakdown -> the columns of its key in appeal_rows() (facts_read.DIMENSIONS names the same)
KEY_COLUMNS = {"unit": ("unit",), "matter": ("matter", "category"), "channel": ("channel",)}


def group_rows(f, cases: QuerySet, *, narrowed: bool, now, by: tuple[str, ...] = ("unit",)) -> list[dict]:
    """Counts per key of the breakdowns `by` (KEY_COLUMNS; unit None: not yet dispatched). One
    breakdown: each row's key as "key" (a tuple for two columns); on PostgreSQL also the total
    row (key "total") and the p90 of the time to dispatch per row. Several: grouped by all their
    columns at once, each row carrying them by name (the caller folds; no total, no p90).

    The middle SELECT (appeal_rows) turns each appeal into 0/1 flags, so every parameter appears
    once and the outer SUMs stay plain; both databases flatten it into the join.
    """
    ev_columns = ", ".join(f"ev.{name}" for name in EV_COLUMNS)
    inner, params = appeal_rows(
        f,
        case_columns(cases, "channel", category=F("appeal__category"), matter=F("appeal__matter_id")),
        per_appeal(f, cases if narrowed else None),
        f"c.unit, c.matter, c.category, c.channel, c.repeat, c.state, {ev_columns}",
        now=now,
    )
    disp = "x.cohort = 1 AND x.dispatched > 0"
    rated = "x.rated = 1"
    columns = {
        "received": "x.cohort = 1",
        "dispatched": disp,
        "first_dispatch_ok": f"{disp} AND x.moved = 0",
        "returned": "x.cohort = 1 AND x.returned > 0",
        "auto": f"{disp} AND x.auto > 0",
        "auto_ok": f"{disp} AND x.auto > 0 AND x.moved = 0",
        "arbitrated": "x.cohort = 1 AND x.arbitrated > 0",
        "accepted": "x.cohort = 1 AND x.accepted > 0",
        "repeats": "x.cohort = 1 AND x.repeat IS NOT NULL",
        "merged": "x.cohort = 1 AND x.state = 'merged'",
        "open_overdue": "x.cohort = 1 AND x.open_late = 1",
        "closed": "x.closed = 1",
        "on_time": "x.closed = 1 AND x.on_time = 1",
        "objected": "x.objected > 0",
        "rated": rated,
        "sat_first": f"{rated} AND x.first_cb = x.first_sat",
        "sat_last": f"{rated} AND x.last_cb = x.last_sat",
        "res_first": f"{rated} AND x.first_cb = x.first_res",
        "res_last": f"{rated} AND x.last_cb = x.last_res",
        "hours_n": f"{disp} AND x.hours IS NOT NULL",
        "hours_missing": f"{disp} AND x.hours IS NULL",
    }
    hours = f"CASE WHEN {disp} THEN x.hours END"
    select = [f"SUM(CASE WHEN {expr} THEN 1 ELSE 0 END) AS {name}" for name, expr in columns.items()]
    select.append(f"SUM({hours}) AS hours_sum")
    columns = [c for name in by for c in KEY_COLUMNS[name]]
    keys = ", ".join(f"x.{c}" for c in columns)
    single = len(by) == 1
    postgres = connection.vendor == "postgresql" and single
    if postgres:
        select.append(f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {hours}) AS hours_p90")
        select.append(f"GROUPING({keys}) AS is_total")
    sql = f"""
        SELECT {keys}, {", ".join(select)}
        FROM ({inner}) x
        WHERE x.cohort = 1 OR x.closed = 1 OR x.objected > 0 OR x.rated = 1
        GROUP BY {f"ROLLUP (({keys}))" if postgres else keys}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    if single:
        for row in rows:
            key = tuple(row.pop(c) for c in columns)
            row["key"] = "total" if row.pop("is_total", 0) else key[0] if len(key) == 1 else key
    return rows
