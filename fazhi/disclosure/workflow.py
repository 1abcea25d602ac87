"""The disclosure-request workflow as data (Regulations Arts. 30–33, 36; DOMAIN.md §2).

收到 → (补正: Art. 30, once, within 7 working days; the clock pauses, and the 20 working days
start AGAIN from receipt of the amended request; not amended in time → (六)1) → 办理 →
(征求第三方意见: Art. 32, paused) → (收费通知: Art. 42 and 国办函〔2020〕109号, paused until paid;
not paid within 20 working days → (六)2) → (延期: Art. 33¶2, once, ≤ 20 working days, approved by
the head of the disclosure office) → 答复 (outcome, letter, clock stopped) → 送达.

Guards check the input a user gives; checks that depend on the transition's time (the 7-day
window, the amendment deadline, "extend before expiry") run in the effects, which see
`ctx.now` and still roll everything back when they refuse.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from fazhi.cases import clocks
from fazhi.cases.clock import SHANGHAI, ClockUnit, DeadlineRule
from fazhi.cases.errors import GuardRefused
from fazhi.cases.workflow import ClockEffect, Scope, Transition, Workflow
from fazhi.core.calendar import get_calendar
from fazhi.core.models import Role
from fazhi.disclosure import services
from fazhi.disclosure.models import DeliveryMethod, LetterKind
from fazhi.disclosure.outcomes import Outcome
from fazhi.disclosure.services import OFFICERS, as_date, fees

STATES = {
    "received": "已收到",
    "amendment_requested": "待补正",
    "processing": "办理中",
    "consulting": "征求第三方意见中",
    "extension_pending": "延期待审批",
    "fee_pending": "待缴纳信息处理费",
    "answered": "已答复",
    "abandoned": "逾期未补正（不再处理）",
    "fee_unpaid": "逾期未缴费（不再处理）",
    "delivered": "已送达",
}

ANSWER_DAYS = 20  # Art. 33: working days from receipt
EXTENSION_MAX_DAYS = 20  # Art. 33¶2: one extension of at most 20 working days
AMENDMENT_WINDOW_DAYS = 7  # Art. 30: the one amendment notice within 7 working days of receipt
AMENDMENT_DEFAULT_DAYS = 15  # working days given to amend when staff set no date (configurable default)
WARN_BEFORE = 3  # warn when 3 working days remain (configurable default)

APPROVERS = frozenset({Role.LEADER, Role.CENTRE_ADMIN})


def _deadline(case, facts):
    return DeadlineRule(ANSWER_DAYS, ClockUnit.WORKING_DAYS, warn_before=WARN_BEFORE)


def today(ctx) -> date:
    return services.local_day(ctx.now)


def _items(params) -> list[str]:
    raw = params.get("amendment_items") or ""
    lines = raw if isinstance(raw, list | tuple) else str(raw).splitlines()
    return [str(line).strip() for line in lines if str(line).strip()]


# -- amendment (补正) ------------------------------------------------------------------------
def _amendment_guard(case, params):
    if case.disclosure.amendment_notice_on:
        return "补正告知只能发出一次（条例第三十条）"
    if not _items(params):
        return "请逐项写明需要补正的事项"
    if params.get("amend_by") not in (None, "") and as_date(params["amend_by"]) is None:
        return "补正期限的日期格式应为 YYYY-MM-DD"
    return None


def _request_amendment(case, ctx):
    d, day = case.disclosure, today(ctx)
    calendar = get_calendar()
    window_end = calendar.add_working_days(d.received_on, AMENDMENT_WINDOW_DAYS).date
    if day > window_end:
        raise GuardRefused(
            f"补正告知应在收到申请之日起 {AMENDMENT_WINDOW_DAYS} 个工作日内（{window_end}前）发出"
        )
    amend_by = (
        as_date(ctx.params.get("amend_by")) or calendar.add_working_days(day, AMENDMENT_DEFAULT_DAYS).date
    )
    if amend_by <= day:
        raise GuardRefused("补正期限应晚于告知日期")
    d.amendment_items = "\n".join(_items(ctx.params))
    d.amendment_notice_on, d.amend_by = day, amend_by
    d.save(update_fields=["amendment_items", "amendment_notice_on", "amend_by"])
    services.make_letter(case, LetterKind.AMENDMENT, actor=ctx.actor, now=ctx.now, values=ctx.params)
    ctx.details.update({"amend_by": amend_by.isoformat(), "items": len(d.amendment_item_list)})


def _amended_guard(case, params):
    if as_date(params.get("amendment_received_on")) is None:
        return "请填写收到补正申请的日期（YYYY-MM-DD）"
    return None


def _receive_amendment(case, ctx):
    """Runs after ClockEffect.START restarted the clock from params["clock_start"]."""
    d, received = case.disclosure, as_date(ctx.params["amendment_received_on"])
    if received > today(ctx):
        raise GuardRefused("收到补正的日期不能晚于今天")
    if received < d.amendment_notice_on:
        raise GuardRefused("收到补正的日期不能早于补正告知日期")
    if services.local_day(datetime.fromisoformat(case.clock["started_at"])) != received:
        # Fired without `clock_start` (the generic endpoint): count from the amendment's day anyway.
        clocks.start(case, rule=_deadline(case, {}), now=services.clock_start(received))
    d.amendment_received_on = received
    amended = (ctx.params.get("description") or "").strip()
    if amended:
        d.description = amended
    d.save(update_fields=["amendment_received_on", "description"])
    ctx.details["amendment_received_on"] = received.isoformat()


def _abandon(case, ctx):
    d = case.disclosure
    if d.amend_by and today(ctx) <= d.amend_by:
        raise GuardRefused(f"补正期限（{d.amend_by}）尚未届满，不能按逾期不补正处理")
    services.record_outcome(case, Outcome.OTHER_NOT_AMENDED, actor=ctx.actor, now=ctx.now, values=ctx.params)
    ctx.details["outcome"] = Outcome.OTHER_NOT_AMENDED.value


# -- third-party consultation (征求第三方意见) ----------------------------------------------------
def _consult_guard(case, params):
    if not (params.get("third_party_name") or "").strip():
        return "请填写第三方名称"
    return None


def _consult(case, ctx):
    d = case.disclosure
    d.third_party_name = ctx.params["third_party_name"].strip()[:200]
    d.save(update_fields=["third_party_name"])
    services.make_letter(case, LetterKind.THIRD_PARTY, actor=ctx.actor, now=ctx.now, values=ctx.params)
    ctx.details["third_party"] = d.third_party_name


# -- information-processing fee (信息处理费) --------------------------------------------------------
def _issue_fee_notice(case, ctx):
    """Runs after ClockEffect.PAUSE: the days from the notice to the payment do not count."""
    fee = fees.issue_notice(case, params=ctx.params, actor=ctx.actor, now=ctx.now)
    d = case.disclosure
    ctx.details.update({"amount": fee.amount, "method": fee.method.value, "pay_by": d.fee_pay_by.isoformat()})


def _payment_guard(case, params):
    if as_date(params.get("fee_paid_on")) is None:
        return "请填写缴费日期（YYYY-MM-DD）"
    return None


def _record_payment(case, ctx):
    """Runs after ClockEffect.RESUME; the pause is made to end on the day the requester paid."""
    paid_on = as_date(ctx.params["fee_paid_on"])
    fees.record_payment(case, paid_on=paid_on, now=ctx.now)
    ctx.details["fee_paid_on"] = paid_on.isoformat()


def _close_unpaid(case, ctx):
    fees.close_unpaid(case, actor=ctx.actor, now=ctx.now, values=ctx.params)
    ctx.details["outcome"] = Outcome.OTHER_FEE_UNPAID.value


# -- extension (延期) ----------------------------------------------------------------------------
def _days(params) -> int | None:
    try:
        return int(str(params.get("extension") or "").strip())
    except ValueError:
        return None


def _extension_guard(case, params):
    if case.disclosure.extension_days:
        return "答复期限只能延长一次（条例第三十三条第二款）"
    days = _days(params)
    if days is None or not 1 <= days <= EXTENSION_MAX_DAYS:
        return f"延长的期限应为 1 至 {EXTENSION_MAX_DAYS} 个工作日"
    if not (params.get("reason") or "").strip():
        return "请填写延期理由"
    return None


def _request_extension(case, ctx):
    if case.due_at is not None and ctx.now > case.due_at:
        raise GuardRefused("答复期限已届满，不能再申请延期")
    d = case.disclosure
    d.pending_extension = _days(ctx.params)
    d.extension_reason = ctx.params["reason"].strip()[:300]
    d.due_before_extension = timezone.localtime(case.due_at, SHANGHAI).date() if case.due_at else None
    d.save(update_fields=["pending_extension", "extension_reason", "due_before_extension"])
    ctx.details["extension"] = d.pending_extension


def _approve_guard(case, params):
    days, pending = _days(params), case.disclosure.pending_extension or 0
    if days is None or not 1 <= days <= pending:
        return f"批准的延期应为 1 至 {pending} 个工作日（不超过申请的天数）"
    return None


def _approve_extension(case, ctx):
    """Runs after ClockEffect.EXTEND moved due_at; the notice tells the requester both dates."""
    d = case.disclosure
    if d.due_before_extension and today(ctx) > d.due_before_extension:
        raise GuardRefused(f"原答复期限（{d.due_before_extension}）已届满，不能再批准延期")
    d.extension_days, d.pending_extension = _days(ctx.params), None
    d.save(update_fields=["extension_days", "pending_extension"])
    services.make_letter(case, LetterKind.EXTENSION, actor=ctx.actor, now=ctx.now, values=ctx.params)


def _refuse_extension(case, ctx):
    d = case.disclosure
    d.pending_extension, d.due_before_extension = None, None
    d.save(update_fields=["pending_extension", "due_before_extension"])


# -- answer and delivery (答复、送达) ------------------------------------------------------------
def _answer_guard(case, params):
    if params.get("outcome") not in Outcome.values:
        return "请选择处理结果"
    if params["outcome"] == Outcome.OTHER_NOT_AMENDED:
        return "逾期不补正请使用“逾期未补正，不再处理”操作"
    if params["outcome"] == Outcome.OTHER_FEE_UNPAID:
        return "逾期未缴费请先发出收费通知，期满后使用“逾期未缴费，不再处理”操作"
    return None


def _answer(case, ctx):
    services.record_outcome(
        case, Outcome(ctx.params["outcome"]), actor=ctx.actor, now=ctx.now, values=ctx.params
    )
    ctx.details["outcome"] = ctx.params["outcome"]


def _deliver_guard(case, params):
    if as_date(params.get("delivered_on")) is None:
        return "请填写送达日期（YYYY-MM-DD）"
    if params.get("delivery_method") not in DeliveryMethod.values:
        return "请选择送达方式"
    return None


def _deliver(case, ctx):
    d, delivered = case.disclosure, as_date(ctx.params["delivered_on"])
    if delivered > today(ctx):
        raise GuardRefused("送达日期不能晚于今天")
    if d.outcome_on and delivered < d.outcome_on:
        raise GuardRefused("送达日期不能早于答复日期")
    d.letter_delivered_on, d.letter_delivery_method = delivered, ctx.params["delivery_method"]
    d.save(update_fields=["letter_delivered_on", "letter_delivery_method"])
    ctx.details.update({"delivered_on": delivered.isoformat(), "method": d.letter_delivery_method})


# Timeline notes disclosure writes itself (not transitions): the engine would show their suffix.
NOTE_LABELS = {"public_code": "网上申请，系统确认收到"}


class DisclosureWorkflow(Workflow):
    """The engine's workflow, labelling disclosure's own timeline notes in Chinese too."""

    def event_label(self, event_kind: str) -> str:
        return NOTE_LABELS.get(event_kind.rsplit(".", 1)[-1]) or super().event_label(event_kind)


# fmt: off
WORKFLOW = DisclosureWorkflow(kind="disclosure", prefix="GK", label="依申请公开", states=STATES, initial="received",
                    deadline_rule=_deadline, closed_states=frozenset({"answered", "abandoned", "fee_unpaid", "delivered"}))
WORKFLOW.add(
    Transition("accept", "审查通过，开始办理", ("received",), "processing", OFFICERS, Scope.OWNER),
    Transition("request_amendment", "告知补正", ("received",), "amendment_requested", OFFICERS, Scope.OWNER,
               guard=_amendment_guard, effect=_request_amendment, clock=ClockEffect.PAUSE),
    Transition("receive_amendment", "收到补正申请", ("amendment_requested",), "processing", OFFICERS, Scope.OWNER,
               guard=_amended_guard, effect=_receive_amendment, clock=ClockEffect.START),
    Transition("abandon", "逾期未补正，不再处理", ("amendment_requested",), "abandoned", OFFICERS, Scope.OWNER,
               effect=_abandon, clock=ClockEffect.STOP, style="danger"),
    Transition("consult_third_party", "征求第三方意见", ("processing",), "consulting", OFFICERS, Scope.OWNER,
               guard=_consult_guard, effect=_consult, clock=ClockEffect.PAUSE),
    Transition("end_consultation", "第三方意见已收到或期满", ("consulting",), "processing", OFFICERS, Scope.OWNER,
               clock=ClockEffect.RESUME),
    Transition("issue_fee_notice", "发出收费通知", ("received", "processing"), "fee_pending", OFFICERS, Scope.OWNER,
               guard=fees.notice_guard, effect=_issue_fee_notice, clock=ClockEffect.PAUSE),
    Transition("record_fee_payment", "登记缴费", ("fee_pending",), "processing", OFFICERS, Scope.OWNER,
               guard=_payment_guard, effect=_record_payment, clock=ClockEffect.RESUME),
    Transition("close_unpaid", "逾期未缴费，不再处理", ("fee_pending",), "fee_unpaid", OFFICERS, Scope.OWNER,
               effect=_close_unpaid, clock=ClockEffect.STOP, style="danger"),
    Transition("request_extension", "申请延期答复", ("processing",), "extension_pending", OFFICERS, Scope.OWNER,
               guard=_extension_guard, effect=_request_extension, fields=("extension",)),
    Transition("approve_extension", "批准延期", ("extension_pending",), "processing", APPROVERS, Scope.OWNER,
               guard=_approve_guard, effect=_approve_extension, clock=ClockEffect.EXTEND, fields=("extension",)),
    Transition("refuse_extension", "不批准延期", ("extension_pending",), "processing", APPROVERS, Scope.OWNER,
               effect=_refuse_extension, requires_comment=True, style="danger"),
    Transition("answer", "作出答复", ("received", "processing"), "answered", OFFICERS, Scope.OWNER,
               guard=_answer_guard, effect=_answer, clock=ClockEffect.STOP, fields=("outcome",)),
    Transition("deliver", "登记送达", ("answered", "abandoned", "fee_unpaid"), "delivered", OFFICERS, Scope.OWNER,
               guard=_deliver_guard, effect=_deliver),
)
# fmt: on
