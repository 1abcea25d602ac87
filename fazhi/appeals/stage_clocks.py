"""Stage deadlines inside an appeal's life, beside its closure deadline (DOMAIN §1 defaults).

- a handling unit signs for (签收) or returns a dispatched appeal within 1 working day;
- the centre calls the requester back within 2 working days of the approved closure.

They do not move the closure deadline; a stage that runs out is marked once on the timeline
(`appeal.sign_for_overdue`, `appeal.callback_overdue`) so the centre sees who is late, and the
mark is repeated only if the appeal enters the stage again (reassigned, reopened and re-closed).
The sweep runs with every `fazhi tick` (the engine's `ticked` signal).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from fazhi.cases.clock import ClockSpec, ClockUnit, DeadlineRule, compute_deadline
from fazhi.cases.models import Case, CaseEvent
from fazhi.core.calendar import get_calendar

SIGN_FOR_DAYS = 1  # working days after dispatch (configurable default)
CALLBACK_DAYS = 2  # working days after the approved closure (configurable default)
STAGES = (  # (state the appeal waits in, working days, event suffix)
    ("dispatched", SIGN_FOR_DAYS, "sign_for_overdue"),
    ("callback", CALLBACK_DAYS, "callback_overdue"),
)


def stage_due(entered: datetime, days: int) -> datetime | None:
    """When a stage entered at `entered` runs out: `days` working days, to the end of the day."""
    rule = DeadlineRule(amount=days, unit=ClockUnit.WORKING_DAYS, warn_before=0)
    return compute_deadline(ClockSpec(started_at=entered, rule=rule), get_calendar()).due_at


def sweep(*, now: datetime) -> dict[str, int]:
    """Mark every appeal whose current stage ran out before `now`; idempotent, catches up after a gap."""
    marked: dict[str, int] = {}
    for state, days, suffix in STAGES:
        waiting = Case.objects.filter(kind="appeal", state=state)
        entered = dict(
            CaseEvent.objects.filter(case__in=waiting, to_state=state).exclude(from_state=state)
            .values_list("case_id").annotate(last=Max("at")).values_list("case_id", "last")
        )
        flagged = dict(
            CaseEvent.objects.filter(case__in=waiting, kind=f"appeal.{suffix}")
            .values_list("case_id").annotate(last=Max("at")).values_list("case_id", "last")
        )
        late = []
        for case_id, since in entered.items():
            if flagged.get(case_id) is not None and flagged[case_id] >= since:
                continue  # already marked in this stage
            due = stage_due(since, days)
            if due is not None and due < now:
                late.append((case_id, since, due))
        units = dict(Case.objects.filter(pk__in=[c for c, _, _ in late]).values_list("pk", "handling_unit_id"))
        for case_id, since, due in late:
            CaseEvent.objects.create(
                case_id=case_id, kind=f"appeal.{suffix}", from_state=state, to_state=state, at=now,
                unit_id=units.get(case_id), details={"since": since.isoformat(), "due_at": due.isoformat()},
            )
        marked[suffix] = len(late)
    return marked


def on_tick(sender, now, **kwargs) -> str | None:
    """The `ticked` receiver: one line for `fazhi tick`'s output when anything was marked."""
    marked = sweep(now=now)
    if not any(marked.values()):
        return None
    return f"诉求签收超时 {marked['sign_for_overdue']} 件，回访超时 {marked['callback_overdue']} 件"
