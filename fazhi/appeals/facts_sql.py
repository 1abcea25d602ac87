"""The appeal fact table in SQL: how a row is derived and what settled rows add up to.

*Derived* (`derive`): the event-derived KPI query's own per-appeal SELECT (kpis_sql.appeal_rows
over kpis_sql.per_appeal, for the whole history), plus the few timestamps and counts a period
needs. There is one definition of each per-appeal value: the one in kpis_sql.

*Summed* (`month_sums`): what settled rows add to AppealFactMonth, each family of counts in the
month of its own timestamp (facts.roll_up keeps it; see the model).

The KPIs are read from both in facts_read.py.
"""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from fazhi.appeals.kpis_db import SH, BeijingMonth
from fazhi.appeals.kpis_sql import FLOW, TRAIL, appeal_rows, case_columns, per_appeal
from fazhi.appeals.models import AppealFact, AppealFactMonth
from fazhi.cases.models import Case

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
    "accepted": "COALESCE(x.accepted > 0, FALSE)",
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
        "dispatched hours auto moved returned arbitrated accepted approved answered_at first_approved_at approvals closure objected"
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
        "accepted": Q(accepted=True),
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
