"""Proactive disclosure records (Arts. 19–26): the all-or-nothing workbook import."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fazhi.core import audit
from fazhi.disclosure.models import ProactiveRecord


def import_proactive(*, actor, unit, rows: list[dict], now: datetime | None = None) -> int:
    """Save already-validated rows all together, or none of them (one transaction)."""
    now = now or timezone.now()
    with transaction.atomic():
        ProactiveRecord.objects.bulk_create(
            [ProactiveRecord(unit=unit, created_at=now, created_by=actor, **row) for row in rows],
            batch_size=500,
        )
        audit.record(
            action="disclosure.proactive_imported",
            actor=actor,
            target=unit.code,
            details={"rows": len(rows)},
            now=now,
        )
    return len(rows)
