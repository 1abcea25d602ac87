"""Wires the appeals app into the engine: its workflow, its queues, its menu entries."""

from __future__ import annotations

from django.urls import reverse

from fazhi.appeals import stage_clocks
from fazhi.appeals.workflow import WORKFLOW
from fazhi.cases import workflow as workflows
from fazhi.cases.models import Case
from fazhi.cases.signals import ticked
from fazhi.core import navigation, queues
from fazhi.core.models import Role

workflows.register(WORKFLOW)
ticked.connect(stage_clocks.on_tick, dispatch_uid="appeals.stage_clocks")


def _roll_up_on_tick(sender, now, **kwargs) -> str | None:
    """Settled KPI facts go into the monthly sums with every tick, so the dashboard never waits
    for its own occasional roll-up (ADR 0006)."""
    from fazhi.appeals import facts

    done = facts.roll_up(now=now)
    return f"诉求指标月度汇总 {done} 件" if done else None


ticked.connect(_roll_up_on_tick, dispatch_uid="appeals.facts_roll_up")


def _appeals():
    return Case.objects.filter(kind="appeal")


def _in_unit(qs, membership):
    if membership.unit.is_centre:
        return qs
    return qs.filter(handling_unit__path__startswith=membership.unit.path)


queues.register(queues.Queue(
    "appeal_dispatch", "待派单诉求", frozenset({Role.DISPATCHER, Role.CENTRE_ADMIN}),
    lambda user, m: _appeals().filter(state__in=["registered", "returned"]),
    url=lambda: reverse("case_list") + "?kind=appeal&state=registered"))
queues.register(queues.Queue(
    "appeal_handling", "待签收与办理中", frozenset({Role.HANDLER}),
    lambda user, m: _in_unit(_appeals().filter(state__in=["dispatched", "handling"]), m),
    url=lambda: reverse("case_list") + "?kind=appeal&open=1"))
queues.register(queues.Queue(
    "appeal_review", "待审核（办结、延期）", frozenset({Role.REVIEWER, Role.CENTRE_ADMIN}),
    lambda user, m: _appeals().filter(state__in=["closure_review", "extension_pending"]),
    url=lambda: reverse("case_list") + "?kind=appeal&state=closure_review"))
queues.register(queues.Queue(
    "appeal_callback", "待回访", frozenset({Role.INTAKE_AGENT, Role.CENTRE_ADMIN}),
    lambda user, m: _appeals().filter(state="callback"),
    url=lambda: reverse("case_list") + "?kind=appeal&state=callback"))
queues.register(queues.Queue(
    "appeal_overdue", "超期诉求（督办）", frozenset({Role.LEADER, Role.CENTRE_ADMIN}),
    lambda user, m: _in_unit(_appeals().overdue(), m),
    url=lambda: reverse("case_list") + "?kind=appeal&overdue=1"))

navigation.register(navigation.NavItem("诉求登记", "appeal_intake",
                                       frozenset({Role.INTAKE_AGENT, Role.CENTRE_ADMIN}), order=10))
navigation.register(navigation.NavItem("诉求统计", "appeal_kpis",
                                       frozenset({Role.LEADER, Role.CENTRE_ADMIN, Role.DISPATCHER, Role.REVIEWER,
                                                  Role.AUDITOR}), order=30))
navigation.register(navigation.NavItem("智能分拨", "appeal_auto_dispatch", frozenset({Role.CENTRE_ADMIN}), order=35))
