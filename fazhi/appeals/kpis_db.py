"""Where SQLite and PostgreSQL differ for the appeal KPIs, kept apart from what they compute.

Each shim exists because of a measurement on the benchmark (benchmarks/appeals_dashboard.py),
not for symmetry: the same ORM expression is used wherever it is fast on both databases.
"""

from __future__ import annotations

from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import CharField, F, FloatField, Func, IntegerField, Q, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.db.models.lookups import Exact, In

from fazhi.cases.models import CaseEvent

SH = ZoneInfo("Asia/Shanghai")


@contextmanager
def no_jit():
    """PostgreSQL compiles these wide aggregates with JIT for 1-1.5 s at a million appeals (EXPLAIN
    ANALYZE), more than it saves. It also cannot estimate how few groups the fact table's
    per-unit-and-month CASE keys make (~150, estimated 130,000), so with the default work_mem it
    sorted the rows on disk instead of hashing them (100-200 ms at a million); the counts need
    a few MB. SET LOCAL needs a transaction and ends with it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _sqlite_key(name: str, output_field):
    return Func(F("details"), Value(f"$.{name}"), function="JSON_EXTRACT", output_field=output_field)


def detail(name: str):
    """details[name] as a float. On SQLite one JSON_EXTRACT: Django's key transforms there parse
    the JSON up to three times per test, which made up most of the query's time."""
    if connection.vendor == "sqlite":
        return _sqlite_key(name, FloatField())
    return Cast(KT(f"details__{name}"), FloatField())


def detail_is(name: str, value: bool | tuple[str, ...]) -> Q:
    """details[name] is `value` (a boolean, or one of some strings), as an aggregate filter."""
    if connection.vendor != "sqlite":
        return Q(**{f"details__{name}__in" if isinstance(value, tuple) else f"details__{name}": value})
    if isinstance(value, tuple):
        return Q(In(_sqlite_key(name, CharField()), value))
    return Q(Exact(_sqlite_key(name, IntegerField()), int(value)))  # JSON true/false come back as 1/0


class BeijingMonth(TruncMonth):
    """The month in Beijing time. SQLite runs TruncMonth through a Python function per row;
    strftime on the UTC text shifted by the fixed +08:00 (no DST since 1991) is ten times faster."""

    def __init__(self, field):
        super().__init__(field, tzinfo=SH)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        # the first instant of the month in Beijing time, as TruncMonth returns it
        return f"strftime('%%Y-%%m-01 00:00:00', {sql}, '+8 hours')", params


def sqlite_p90(received: QuerySet) -> dict:
    """Nearest-rank p90 of the stored dispatch hours per unit and overall ("total"), for SQLite,
    from the dispatch events of `received`."""
    hours = CaseEvent.objects.filter(kind="appeal.dispatch", case__in=received).values(
        hu=F("case__handling_unit_id"), h=detail("dispatch_hours")
    )
    return nearest_rank_p90(*hours.query.sql_with_params())


def nearest_rank_p90(sql: str, params) -> dict:
    """Nearest-rank p90 of `h` per `hu` and overall ("total") over a query selecting (hu, h), for
    SQLite, which has no percentile_disc: the row ranked ceil(0.9·n) by window functions."""
    ranked = (
        f"SELECT hu, h, ROW_NUMBER() OVER (PARTITION BY hu ORDER BY h) AS r,"
        f" COUNT(*) OVER (PARTITION BY hu) AS n, ROW_NUMBER() OVER (ORDER BY h) AS tr, COUNT(*) OVER () AS tn"
        f" FROM ({sql}) hours WHERE h IS NOT NULL"
    )
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT hu, h, r = (9 * n + 9) / 10, tr = (9 * tn + 9) / 10 FROM ({ranked}) ranked"
            " WHERE r = (9 * n + 9) / 10 OR tr = (9 * tn + 9) / 10",
            params,
        )
        for unit, h, of_unit, of_all in cursor.fetchall():
            if of_unit:
                out[unit] = h
            if of_all:
                out["total"] = h
    return out
