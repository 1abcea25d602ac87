"""Human-readable case numbers per kind and year (SQ-2026-000123)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from fazhi.core.models import Counter


def next_number(*, prefix: str, year: int) -> str:
    """Take the next number atomically.

    The counter row is created on first use; a concurrent creator loses the insert race
    and simply retries the increment, so two cases never share a number.
    """
    with transaction.atomic():
        updated = Counter.objects.filter(key=prefix, year=year).update(value=F("value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=prefix, year=year, value=1)
            except IntegrityError:
                Counter.objects.filter(key=prefix, year=year).update(value=F("value") + 1)
        value = Counter.objects.filter(key=prefix, year=year).values_list("value", flat=True).get()
    return f"{prefix}-{year}-{value:06d}"
