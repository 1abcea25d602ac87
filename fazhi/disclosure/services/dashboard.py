"""Figures of the disclosure dashboard."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone

from fazhi.cases.models import Case, ClockState
from fazhi.disclosure.models import DisclosureRequest
from fazhi.disclosure.outcomes import OUTCOMES, Outcome, RequesterType


def dashboard(*, unit, year: int, now: datetime | None = None) -> dict:
    """Figures of the disclosure dashboard for `unit` and the units below it.

    on-time rate: requests answered in the year (答复 or 逾期不补正) whose answer came at or before
    their deadline (pauses, the restart after amendment and an approved extension applied) ÷
    requests answered in the year.
    """
    now = now or timezone.now()
    mine = DisclosureRequest.objects.filter(case__owner_unit__path__startswith=unit.path)
    received = mine.filter(received_on__year=year)
    answered = mine.filter(outcome_on__year=year).exclude(outcome="")
    by_month = {"received": [0] * 12, "answered": [0] * 12}
    for key, qs, field in (("received", received, "received_on"), ("answered", answered, "outcome_on")):
        for day in qs.values_list(field, flat=True):
            by_month[key][day.month - 1] += 1
    groups: dict[str, int] = {}
    for code in answered.values_list("outcome", flat=True):
        label = str(OUTCOMES[Outcome(code)].group.label).split("）", 1)[1].split("（")[0]  # "部分公开"
        groups[label] = groups.get(label, 0) + 1
    on_time = answered.filter(
        Q(case__due_at__isnull=True) | Q(case__closed_at__lte=F("case__due_at"))
    ).count()
    total = answered.count()
    open_cases = Case.objects.filter(kind="disclosure", owner_unit__path__startswith=unit.path).open()
    return {
        "received": received.count(),
        "answered": total,
        "on_time": on_time,
        "on_time_rate": on_time / total if total else None,
        "open": open_cases.count(),
        "paused": open_cases.filter(clock_state=ClockState.PAUSED).count(),
        "overdue": open_cases.overdue(now).count(),
        "extended": mine.filter(outcome_on__year=year, extension_days__isnull=False).count(),
        "amended": mine.filter(amendment_notice_on__year=year).count(),
        "months": [f"{m}月" for m in range(1, 13)],
        "by_month": by_month,
        "outcomes": [{"name": k, "value": v} for k, v in groups.items()],
        "requester_types": [
            {"name": str(label), "value": received.filter(requester_type=code).count()}
            for code, label in RequesterType.choices
        ],
    }
