"""Sign-for and callback stage deadlines (DOMAIN §1 defaults), marked by the tick."""

from __future__ import annotations

from fazhi.cases.models import CaseEvent
from fazhi.cases.services import tick
from tests.factories import appeals as fa
from tests.factories.appeals import at, step


def marks(case, suffix):
    return list(CaseEvent.objects.filter(case=case, kind=f"appeal.{suffix}").order_by("at").values_list("at", flat=True))


def test_unsigned_dispatch_is_marked_once_per_dispatch(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 6, 9))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 6, 10), unit=org.housing.pk)  # Friday
    # 1 working day: Monday 9 March, to the end of the day
    assert tick(now=at(2026, 3, 9, 23, 59)).notes == []
    result = tick(now=at(2026, 3, 10, 0, 5))
    assert result.notes == ["诉求签收超时 1 件，回访超时 0 件"]
    assert marks(case, "sign_for_overdue") == [at(2026, 3, 10, 0, 5)]
    tick(now=at(2026, 3, 11, 9))
    assert len(marks(case, "sign_for_overdue")) == 1  # idempotent
    event = CaseEvent.objects.get(case=case, kind="appeal.sign_for_overdue")
    assert event.unit == org.housing and event.details["due_at"].startswith("2026-03-09T23:59:59")
    # returned and dispatched again: a new stage, marked again when it runs out too
    step(case, "return", people.housing, at(2026, 3, 11, 10), comment="不属于本单位职责", reason="不属于本单位职责")
    step(case, "reassign", people.dispatcher, at(2026, 3, 11, 11), unit=org.transport.pk)
    tick(now=at(2026, 3, 12, 12))
    assert len(marks(case, "sign_for_overdue")) == 1
    tick(now=at(2026, 3, 13, 0, 1))
    assert len(marks(case, "sign_for_overdue")) == 2


def test_signed_in_time_is_never_marked(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 6, 9))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 6, 10), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 9, 17))
    tick(now=at(2026, 3, 20, 9))
    assert marks(case, "sign_for_overdue") == []


def test_callback_late_after_approved_closure(org, people):
    case = fa.appeal(people.agent, when=at(2026, 9, 28, 9))
    step(case, "dispatch", people.dispatcher, at(2026, 9, 28, 10), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 9, 28, 11))
    step(case, "close", people.housing, at(2026, 9, 29, 16), reply="已派人现场处理完毕，道路已修复。")
    step(case, "approve_closure", people.reviewer, at(2026, 9, 30, 9))
    # 2 working days after Wed 30 Sep across the National Day holiday (1–7 Oct): Thu 8 and Fri 9 Oct
    tick(now=at(2026, 10, 9, 23))
    assert marks(case, "callback_overdue") == []
    tick(now=at(2026, 10, 10, 0, 30))
    assert marks(case, "callback_overdue") == [at(2026, 10, 10, 0, 30)]
    step(case, "callback", people.agent, at(2026, 10, 10, 9), rating="satisfied", resolved="yes")
    tick(now=at(2026, 10, 20, 9))
    assert len(marks(case, "callback_overdue")) == 1  # called back: the stage is over
