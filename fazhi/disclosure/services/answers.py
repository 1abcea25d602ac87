"""Recording the outcome of a request (Art. 36) with its answer letter, and drafting one.

The outcome, its date and the letter are written together so that the annual table (which counts
outcomes) and the letters sent can never disagree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from fazhi.cases.errors import GuardRefused
from fazhi.cases.models import Case
from fazhi.disclosure import letters
from fazhi.disclosure.models import DisclosureLetter, LetterKind
from fazhi.disclosure.outcomes import Outcome
from fazhi.disclosure.services.common import local_day
from fazhi.disclosure.services.documents import letter_extra, missing_letter_fields, response_values, store
from fazhi.disclosure.templates_docx.markup import TemplateError


def record_outcome(
    case: Case, outcome: Outcome, *, actor, now: datetime, values: dict | None
) -> DisclosureLetter:
    """Set the outcome and its date and produce the response letter (Art. 36) in one step."""
    d, day = case.disclosure, local_day(now)
    if outcome == Outcome.UNAVAILABLE_STILL_UNCLEAR and not d.amendment_received_on:
        raise GuardRefused("“补正后申请内容仍不明确”须在收到补正申请之后作出")
    missing = missing_letter_fields(outcome, values)
    if missing:
        raise GuardRefused("答复书还需填写：" + "、".join(missing))
    # A fee already paid on the fee notice stays unless staff give the amount collected.
    given = (values or {}).get("fee_amount")
    fee = d.fee_amount if given in (None, "") else _fee(given)
    try:
        content = letters.render_response_letter(outcome=outcome, **response_values(d, values, day))
    except TemplateError as exc:
        raise GuardRefused(str(exc)) from None
    d.outcome, d.outcome_on, d.fee_amount = outcome.value, day, fee
    d.letter_values = {k: str(v) for k, v in letter_extra(values).items()}
    d.save(update_fields=["outcome", "outcome_on", "fee_amount", "letter_values"])
    return store(d, LetterKind.RESPONSE, content, actor=actor, now=now, outcome=outcome.value)


def _fee(value) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        fee = Decimal(str(value))
    except InvalidOperation:
        raise GuardRefused("信息处理费金额格式不正确") from None
    if fee < 0:
        raise GuardRefused("信息处理费不能为负数")
    return fee


def draft_response(case: Case, outcome: str, values: dict | None, *, now: datetime) -> bytes:
    """A draft answer letter in which missing fields show as 【待填写】; changes nothing."""
    return letters.render_response_letter(
        outcome=outcome, strict=False, **response_values(case.disclosure, values, local_day(now))
    )
