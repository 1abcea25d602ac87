"""Fast multi-row inserts for demo generation and bulk import.

Django's bulk_create builds one large statement per batch and prepares every value through
the compiler (~20 µs per value); for 50,000 appeals with their events that is minutes. Here
one single-row INSERT is prepared once and run with executemany (SQLite runs it in C,
psycopg 3 pipelines it), and only the values that need adapting (datetimes, JSON) are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.db import connection, models
from django.utils import timezone

_ADAPTED = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField, models.UUIDField)


def fast_insert(model: type[models.Model], objs: list[models.Model], *, chunk: int = 5000) -> int:
    """Insert `objs` (with their primary keys already set, or an auto key) in executemany chunks.

    No signals are sent and no keys are returned: callers that need keys assign them first.
    """
    if not objs:
        return 0
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(objs[0], f.attname) is None)]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields)))
    now = timezone.now()
    adapt = [isinstance(f, _ADAPTED) for f in fields]
    stamps = [bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) for f in fields]
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), chunk):
            rows = []
            for obj in objs[start:start + chunk]:
                row = []
                for f, name, needs, stamp in zip(fields, attnames, adapt, stamps, strict=True):
                    value = getattr(obj, name)
                    if stamp and value is None:
                        value = now
                    if value is None and f.has_default() and not f.null:
                        value = f.get_default()
                    row.append(f.get_db_prep_save(value, connection) if needs and value is not None else value)
                rows.append(row)
            cursor.executemany(sql, rows)
    return len(objs)


def reset_sequence(model: type[models.Model]) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


# PostgreSQL COPY text format: tab-separated columns, \N for NULL, backslash escapes.
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_converter(field: models.Field) -> Callable[[object], str]:
    """How one column's Python value becomes COPY text (NULL is handled by the caller)."""
    if isinstance(field, models.DateTimeField):
        return lambda value: value.isoformat()
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder, ensure_ascii=False).translate(_COPY_ESCAPE)
    if isinstance(field, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
        return str
    return lambda value: str(value).translate(_COPY_ESCAPE)


def copy_rows(model: type[models.Model], fields: list[models.Field], rows: Iterable[dict], defaults: list) -> None:
    """Stream dicts (attname -> value) into `model`'s table with one PostgreSQL COPY.

    The rows are formatted as COPY text here, in one pass, and sent as one buffer: psycopg's
    per-row ``write_row`` with its per-value dumpers cost more than everything else of a bulk
    import put together. A key a dict leaves out gets the given default.
    """
    qn = connection.ops.quote_name
    plan = [(f.attname, d, _copy_converter(f)) for f, d in zip(fields, defaults, strict=True)]
    lines = [
        "\t".join(_NULL if (value := row.get(name, default)) is None else convert(value)
                  for name, default, convert in plan)
        for row in rows
    ]
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # The raw psycopg cursor; wrapped so that a duplicate raises Django's IntegrityError.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")
