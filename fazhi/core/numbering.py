"""Human-readable case numbers per kind and year (SQ-2026-000123)."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from fazhi.core.models import Counter


def next_number(*, prefix: str, year: int) -> str:
    """Take the next number atomically.

    One ``UPDATE … RETURNING`` both increments and reads (PostgreSQL and SQLite ≥ 3.35): on
    PostgreSQL the counter row stays locked until the caller commits, so every statement saved
    here shortens the queue of concurrent intakes behind it. The row is created on first use; a
    concurrent creator loses the insert race and simply retries the increment, so two cases
    never share a number.
    """
    table = connection.ops.quote_name(Counter._meta.db_table)
    sql = f'UPDATE {table} SET "value" = "value" + 1 WHERE "key" = %s AND "year" = %s RETURNING "value"'
    # No savepoint of its own: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, [prefix, year])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=prefix, year=year, value=1)
                value = 1
            except IntegrityError:
                cursor.execute(sql, [prefix, year])
                value = cursor.fetchone()[0]
        else:
            value = row[0]
    return f"{prefix}-{year}-{value:06d}"
