"""A small workflow used only by the engine tests, so they do not depend on any real kind."""

from __future__ import annotations

from fazhi.cases.clock import ClockUnit, DeadlineRule
from fazhi.cases.workflow import ClockEffect, Scope, Transition, Workflow, register
from fazhi.core.models import OrgUnit, Role


def _needs_unit(case, params):
    return None if params.get("unit") else "请选择承办单位"


def _set_unit(case, ctx):
    case.handling_unit = OrgUnit.objects.get(pk=int(ctx.params["unit"]))


WF = register(Workflow(
    kind="testkind", prefix="TK", label="测试件",
    states={"new": "新建", "assigned": "已分派", "working": "办理中", "paused": "暂停", "done": "完成"},
    initial="new", deadline_rule=lambda case, facts: DeadlineRule(amount=20, unit=ClockUnit.WORKING_DAYS),
).add(
    Transition("assign", "分派", ("new",), "assigned", frozenset({Role.DISPATCHER}), Scope.OWNER,
               guard=_needs_unit, effect=_set_unit),
    Transition("start", "开始", ("assigned",), "working", frozenset({Role.HANDLER}), Scope.HANDLING),
    Transition("pause", "暂停", ("working",), "paused", frozenset({Role.HANDLER}), Scope.HANDLING,
               clock=ClockEffect.PAUSE),
    Transition("resume", "恢复", ("paused",), "working", frozenset({Role.HANDLER}), Scope.HANDLING,
               clock=ClockEffect.RESUME),
    Transition("extend", "延期", ("working",), "working", frozenset({Role.REVIEWER}), Scope.OWNER,
               clock=ClockEffect.EXTEND),
    Transition("finish", "完成", ("working",), "done", frozenset({Role.HANDLER}), Scope.HANDLING,
               clock=ClockEffect.STOP),
))
