"""The information-processing fee on the request's clock (Art. 42, 国办函〔2020〕109号).

A fee notice pauses the 20-working-day clock: the time from the notice to the payment does not
count. Payment resumes it, counting from the day the requester paid (which staff may register
later). No payment within 20 working days of the notice ends processing as outcome (六)2: the
`close_unpaid` transition does it, fired by staff or by `sweep_unpaid_fees` (the
`disclosure_sweep` command), exactly as an unanswered amendment notice is closed as (六)1.

The fee itself is computed by the pure rules in `fazhi.disclosure.fees`; this module only decides
which request of the month this one is, stores the notice and keeps the clock right.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from fazhi.cases import clocks
from fazhi.cases.errors import CaseError, GuardRefused
from fazhi.cases.models import Case
from fazhi.core.calendar import get_calendar
from fazhi.disclosure.fees import PAYMENT_PERIOD_WORKING_DAYS, Fee, FeeMethod, information_processing_fee
from fazhi.disclosure.models import DisclosureRequest, LetterKind
from fazhi.disclosure.outcomes import Outcome
from fazhi.disclosure.services.answers import record_outcome
from fazhi.disclosure.services.common import clock_start, local_day
from fazhi.disclosure.services.documents import make_letter
from fazhi.disclosure.services.intake import act

FEE_PENDING = "fee_pending"


def nth_in_month(d: DisclosureRequest) -> int:
    """Which of this applicant's requests to the same office in the calendar month of receipt
    this one is, counting it (1-based), in order of receipt.

    The applicant is recognised by the identity number Art. 29 requires, which every request
    carries; counting per office is the reading that charges least, and staff may give the
    number themselves when the applicant's requests reached the office in other ways.
    """
    requester = d.case.requester
    if requester is None or not requester.id_number:
        return 1
    same = DisclosureRequest.objects.filter(
        case__owner_unit=d.case.owner_unit,
        case__requester__id_number=requester.id_number,
        received_on__year=d.received_on.year,
        received_on__month=d.received_on.month,
    )
    earlier = same.filter(received_on__lt=d.received_on).count()
    same_day = same.filter(received_on=d.received_on, pk__lte=d.pk).count()
    return earlier + same_day


def _positive(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise GuardRefused(f"{label}应为正整数") from None
    if number < 1:
        raise GuardRefused(f"{label}应为正整数")
    return number


def quote(d: DisclosureRequest, params: dict) -> Fee:
    """The fee by the one method chosen; by count, the month's position is found when not given."""
    method = params.get("fee_method")
    if method not in FeeMethod.values:
        raise GuardRefused("请选择计收方式：按件计收或按量计收")
    if method == FeeMethod.BY_COUNT:
        nth = _positive(params.get("nth_in_month"), "本月第几件申请") or nth_in_month(d)
        return information_processing_fee(method=method, nth_in_month=nth)
    pages = _positive(params.get("pages"), "页数")
    if pages is None:
        raise GuardRefused("按量计收须填写页数")
    return information_processing_fee(method=method, pages=pages)


def notice_guard(case: Case, params: dict) -> str | None:
    """Input checks before the transition (no time involved): one notice per request, one method."""
    if case.disclosure.fee_notice_on:
        return "每件申请只能发出一次收费通知（一件申请只能选择一种计收方式）"
    if params.get("fee_method") not in FeeMethod.values:
        return "请选择计收方式：按件计收或按量计收"
    if params.get("fee_method") == FeeMethod.BY_PAGES and params.get("pages") in (None, ""):
        return "按量计收须填写页数"
    return None


def issue_notice(case: Case, *, params: dict, actor, now: datetime) -> Fee:
    """Store the fee notice and produce it; runs after the engine paused the clock."""
    d, day = case.disclosure, local_day(now)
    fee = quote(d, params)
    if fee.amount <= 0:
        raise GuardRefused(f"{fee.explanation}按标准不收取信息处理费，无需发出收费通知")
    d.fee_method = fee.method.value
    d.fee_quantity = fee.lines[-1].last if fee.method == FeeMethod.BY_PAGES else fee.lines[0].first
    d.fee_charged, d.fee_explanation = Decimal(fee.amount), fee.explanation[:500]
    d.fee_notice_on = day
    d.fee_pay_by = get_calendar().add_working_days(day, PAYMENT_PERIOD_WORKING_DAYS).date
    d.save(
        update_fields=[
            "fee_method",
            "fee_quantity",
            "fee_charged",
            "fee_explanation",
            "fee_notice_on",
            "fee_pay_by",
        ]
    )
    make_letter(case, LetterKind.FEE_NOTICE, actor=actor, now=now, values=params)
    return fee


def record_payment(case: Case, *, paid_on: date, now: datetime) -> None:
    """Register the payment; runs after the engine resumed the clock at `now`.

    The pause must end on the day the requester paid, not the day staff registered it, so the
    pause the engine just closed is moved back to that day and the deadline recomputed.
    """
    d, today = case.disclosure, local_day(now)
    if paid_on > today:
        raise GuardRefused("缴费日期不能晚于今天")
    if paid_on < d.fee_notice_on:
        raise GuardRefused("缴费日期不能早于收费通知日期")
    if paid_on > d.fee_pay_by:
        raise GuardRefused(f"缴费期限（{d.fee_pay_by}）已过，申请视为放弃，请按“逾期未缴费，不再处理”办理")
    pauses = [list(p) for p in case.clock.get("pauses", [])]
    if pauses and paid_on < today:
        begin = datetime.fromisoformat(pauses[-1][0])
        pauses[-1][1] = max(begin, clock_start(paid_on)).isoformat()
        case.clock = {**case.clock, "pauses": pauses}
        clocks.refresh_deadline(case)
    d.fee_paid_on, d.fee_amount = paid_on, d.fee_charged
    d.save(update_fields=["fee_paid_on", "fee_amount"])


def close_unpaid(case: Case, *, actor, now: datetime, values: dict | None) -> None:
    """(六)2: no payment within the period; the answer letter says processing ends."""
    d = case.disclosure
    if d.fee_pay_by and local_day(now) <= d.fee_pay_by:
        raise GuardRefused(f"缴费期限（{d.fee_pay_by}）尚未届满，不能按逾期未缴费处理")
    record_outcome(case, Outcome.OTHER_FEE_UNPAID, actor=actor, now=now, values=values)


def sweep_unpaid_fees(*, now: datetime | None = None) -> list[str]:
    """Close every request whose payment period has run out; returns their numbers.

    Idempotent (a closed request leaves the `fee_pending` state) and catches up after a gap;
    each request is its own transaction, so one refusal does not hold back the others.
    """
    now = now or timezone.now()
    overdue = Case.objects.filter(
        kind="disclosure", state=FEE_PENDING, disclosure__fee_pay_by__lt=local_day(now)
    ).order_by("pk")
    closed = []
    for case in overdue:
        try:
            act(case=case, name="close_unpaid", actor=None, now=now, comment="缴费期限届满，系统自动办结")
        except CaseError:
            continue  # changed under us (paid or closed by staff meanwhile): nothing to do
        closed.append(case.number)
    return closed
