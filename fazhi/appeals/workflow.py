"""The appeal workflow as data: 受理 → 派单 → 签收/退单 → 办理 → 办结 → 审核 → 回访 → 评价 (→ 申诉).

Each transition names who may fire it and what it does; the case engine enforces it.
"""

from __future__ import annotations

from datetime import timedelta

from fazhi.appeals import kpis
from fazhi.appeals.deadlines import rule_for
from fazhi.cases.errors import GuardRefused
from fazhi.cases.workflow import ClockEffect, Scope, Transition, Workflow
from fazhi.core.models import OrgUnit, Role

STATES = {
    "registered": "待派单",
    "dispatched": "待签收",
    "returned": "已退单",
    "handling": "办理中",
    "extension_pending": "延期审批中",
    "closure_review": "办结待审核",
    "callback": "待回访",
    "closed": "已办结",
    "merged": "已并单",
}

OBJECTION_DAYS = 7  # natural days after the callback (configurable default, DOMAIN.md §1)

DISPATCHERS = frozenset({Role.DISPATCHER, Role.CENTRE_ADMIN})
HANDLERS = frozenset({Role.HANDLER})
REVIEWERS = frozenset({Role.REVIEWER, Role.CENTRE_ADMIN})
AGENTS = frozenset({Role.INTAKE_AGENT, Role.CENTRE_ADMIN})


def _deadline(case, facts):
    appeal = getattr(case, "appeal", None) if case.pk else None
    appeal_type = facts.get("appeal_type") or (appeal.appeal_type if appeal else "help")
    urgency = facts.get("urgency") or (appeal.urgency if appeal else "normal")
    matter = appeal.matter if appeal and appeal.matter_id else None
    return rule_for(appeal_type, urgency, matter_days=facts.get("matter_days") or (matter.default_days if matter else None))


def _unit_guard(case, params):
    unit_id = params.get("unit")
    if not unit_id:
        return "请选择承办单位"
    try:
        unit = OrgUnit.objects.get(pk=int(unit_id))
    except (ValueError, OrgUnit.DoesNotExist):
        return "承办单位不存在"
    if unit.level in ("city", "district", "centre"):
        return "请选择具体的承办部门、街道或企业"
    return None


def _set_unit(case, ctx):
    unit = OrgUnit.objects.get(pk=int(ctx.params["unit"]))
    previous = case.handling_unit_id
    case.handling_unit = unit
    appeal = case.appeal
    appeal.auto_dispatched = bool(ctx.params.get("auto"))
    if ctx.params.get("auto"):
        appeal.model_version = str(ctx.params.get("model_version", ""))
    # A person's choice of unit settles the category: that is the training label the model learns from.
    from fazhi.appeals.routing import category_for_unit

    appeal.category = category_for_unit(unit) or appeal.category
    appeal.save(update_fields=["auto_dispatched", "model_version", "category"])
    co = [int(u) for u in ctx.params.get("units", []) if str(u).isdigit() and int(u) != unit.pk]
    if co:
        appeal.co_units.set(OrgUnit.objects.filter(pk__in=co))
    ctx.details.update({
        "unit": unit.pk, "unit_name": unit.name, "previous_unit": previous, "auto": bool(ctx.params.get("auto")),
        "probability": ctx.params.get("probability"), "model_version": ctx.params.get("model_version"),
        "suggestion_rank": ctx.params.get("suggestion_rank"), "co_units": co,
        # Stored so the dashboard's mean/p90 time to dispatch is a SQL aggregate (kpis.py); only the
        # first dispatch's value is read, later moves carry it harmlessly.
        "dispatch_hours": round(kpis.working_hours_between(case.received_at, ctx.now), 4),
    })


def _record_return(case, ctx):
    ctx.details["unit"] = case.handling_unit_id


def _extension_guard(case, params):
    try:
        amount = int(params.get("extension") or 0)
    except ValueError:
        return "延期天数必须为整数"
    if not 1 <= amount <= 30:
        return "延期天数应在 1 至 30 个工作日之间"
    return None


def _store_extension(case, ctx):
    appeal = case.appeal
    appeal.pending_extension = int(ctx.params["extension"])
    appeal.save(update_fields=["pending_extension"])
    ctx.details["extension"] = appeal.pending_extension


def _approve_extension(case, ctx):
    from fazhi.cases import clocks

    appeal = case.appeal
    clocks.extend(case, amount=appeal.pending_extension or 0)
    ctx.details["extension"] = appeal.pending_extension
    appeal.pending_extension = None
    appeal.save(update_fields=["pending_extension"])


def _clear_extension(case, ctx):
    case.appeal.pending_extension = None
    case.appeal.save(update_fields=["pending_extension"])


def _reply_guard(case, params):
    if len((params.get("reply") or "").strip()) < 5:
        return "请填写答复内容（至少 5 个字）"
    return None


def _store_reply(case, ctx):
    case.appeal.reply = ctx.params["reply"].strip()
    case.appeal.save(update_fields=["reply"])
    ctx.details["on_time"] = case.due_at is None or ctx.now <= case.due_at


def _share_reply(case, ctx):
    """并单: appeals merged into this one get its approved reply, so every requester hears back.

    Each merged appeal is moved to its own callback state with the reply and an event, so the
    callback queue reaches every requester and each rating is counted once, on its own appeal.
    """
    from fazhi.cases.models import Case, CaseEvent

    merged = list(Case.objects.select_for_update().filter(appeal__merged_into=case, state="merged"))
    reply = case.appeal.reply
    for other in merged:
        other.appeal.reply = reply
        other.appeal.save(update_fields=["reply"])
        Case.objects.filter(pk=other.pk).update(state="callback", version=other.version + 1)
        CaseEvent.objects.create(case=other, kind="appeal.merged_reply", from_state="merged", to_state="callback",
                                 at=ctx.now, details={"from": case.number}, comment=reply)
    if merged:
        ctx.details["merged_replied"] = [c.number for c in merged]


def _reopen_for_review(case, ctx):
    # Sent back as nominal closure: the original clock keeps running, it is not restarted.
    case.closed_at = None
    case.clock_state = "running"
    ctx.details["nominal"] = True


# "resolved" has no default: the resolution rate is read from this answer, so a callback that
# forgot to ask must be refused rather than counted as resolved.
# The staff and portal forms send "yes"/"no"; API clients may send JSON booleans.
RESOLVED_ANSWERS = {"yes": True, "no": False, "true": True, "false": False, True: True, False: False}


def _rating_guard(case, params):
    if params.get("rating") not in {"satisfied", "basically_satisfied", "dissatisfied"}:
        return "请选择满意度：满意、基本满意或不满意"
    if params.get("resolved") not in RESOLVED_ANSWERS:
        return "请选择问题是否已解决：已解决或未解决"
    return None


def _store_rating(case, ctx):
    appeal = case.appeal
    appeal.rating = ctx.params["rating"]
    appeal.resolved = RESOLVED_ANSWERS[ctx.params["resolved"]]
    appeal.save(update_fields=["rating", "resolved"])
    ctx.details.update({"rating": appeal.rating, "resolved": appeal.resolved})


def _count_objection(case, ctx):
    # The window is checked here rather than in a guard because a guard cannot see the
    # transition's time: measured against the wall clock, an objection recorded with an
    # explicit `now` (a back-office entry, an import, the tests) was judged at the wrong time.
    # Raising inside the transition's transaction still changes nothing.
    # From the callback, or from the closure when there was none (a consultation answered on the spot).
    last = case.events.filter(kind__in=("appeal.callback", "appeal.answer")).order_by("-at", "-id").first()
    if last and ctx.now - last.at > timedelta(days=OBJECTION_DAYS):
        raise GuardRefused(f"回访后 {OBJECTION_DAYS} 日内方可申诉")
    appeal = case.appeal
    appeal.objections += 1
    appeal.save(update_fields=["objections"])
    ctx.details["previous_rating"] = appeal.rating


def _answer_guard(case, params):
    if case.appeal.appeal_type != "consultation":
        return "只有咨询类诉求可以当场答复办结"
    return _reply_guard(case, params)


WORKFLOW = Workflow(kind="appeal", prefix="SQ", label="诉求", states=STATES, initial="registered",
                    deadline_rule=_deadline, closed_states=frozenset({"closed", "merged"}))
WORKFLOW.add(
    Transition("dispatch", "派单", ("registered",), "dispatched", DISPATCHERS, Scope.OWNER,
               guard=_unit_guard, effect=_set_unit, fields=("unit",)),
    Transition("answer", "当场答复办结", ("registered",), "closed", AGENTS, Scope.OWNER,
               guard=_answer_guard, effect=_store_reply, clock=ClockEffect.STOP, fields=("reply",)),
    Transition("accept", "签收", ("dispatched",), "handling", HANDLERS, Scope.HANDLING),
    Transition("return", "退单", ("dispatched",), "returned", HANDLERS, Scope.HANDLING,
               effect=_record_return, requires_comment=True, style="danger"),
    Transition("reassign", "改派", ("returned", "dispatched"), "dispatched", DISPATCHERS, Scope.OWNER,
               guard=_unit_guard, effect=_set_unit, fields=("unit",)),
    Transition("arbitrate", "快裁定责", ("returned",), "dispatched", frozenset({Role.CENTRE_ADMIN}), Scope.OWNER,
               guard=_unit_guard, effect=_set_unit, requires_comment=True, fields=("unit",)),
    Transition("request_extension", "申请延期", ("handling",), "extension_pending", HANDLERS, Scope.HANDLING,
               guard=_extension_guard, effect=_store_extension, requires_comment=True, fields=("extension",)),
    Transition("approve_extension", "同意延期", ("extension_pending",), "handling", REVIEWERS, Scope.OWNER,
               effect=_approve_extension),
    Transition("refuse_extension", "不同意延期", ("extension_pending",), "handling", REVIEWERS, Scope.OWNER,
               effect=_clear_extension, requires_comment=True, style="danger"),
    Transition("close", "办结", ("handling",), "closure_review", HANDLERS, Scope.HANDLING,
               guard=_reply_guard, effect=_store_reply, clock=ClockEffect.STOP, fields=("reply",)),
    Transition("approve_closure", "审核通过", ("closure_review",), "callback", REVIEWERS, Scope.OWNER,
               effect=_share_reply),
    Transition("reject_closure", "退回重办（形式办结）", ("closure_review",), "handling", REVIEWERS, Scope.OWNER,
               effect=_reopen_for_review, requires_comment=True, style="danger"),
    Transition("callback", "回访评价", ("callback",), "closed", AGENTS, Scope.OWNER,
               guard=_rating_guard, effect=_store_rating, fields=("rating", "resolved")),
    Transition("object", "申诉（重新办理）", ("closed",), "handling", AGENTS, Scope.OWNER,
               effect=_count_objection, clock=ClockEffect.REOPEN, requires_comment=True,
               style="danger"),
)
