"""The letters of a request: rendering the notices and the answer letter's fields.

A letter is rendered inside the transition that needs it, so a template that cannot be filled
refuses the transition (GuardRefused) and nothing is half-done; the bytes are kept as produced.
"""

from __future__ import annotations

from datetime import date, datetime

from fazhi.cases.errors import GuardRefused
from fazhi.cases.models import Case
from fazhi.core.calendar import get_calendar
from fazhi.disclosure import letters
from fazhi.disclosure.models import LETTER_FIELD_LABELS, DisclosureLetter, DisclosureRequest, LetterKind
from fazhi.disclosure.services.common import as_date, local_day
from fazhi.disclosure.templates_docx.markup import TemplateError

# Filled by the platform from the request itself; staff never type them.
AUTO_FIELDS = frozenset(
    {
        "request_number",
        "requester_name",
        "received_on",
        "content_summary",
        "unit_name",
        "reply_date",
        "legal_basis",
        "outcome_paragraphs",
        "amendment_notice_date",
        "amendment_deadline",
        "fee_notice_date",
    }
)


def _summary(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:80] + "……"


def letter_extra(values: dict | None) -> dict:
    """The staff-given letter fields, dates as dates so that letters print 2026年3月5日."""
    extra = {}
    for key, value in (values or {}).items():
        if key not in LETTER_FIELD_LABELS or key in AUTO_FIELDS or value in (None, ""):
            continue
        is_date = key.endswith("_date") or key == "reply_by"
        extra[key] = (as_date(value) or str(value)) if is_date else str(value).strip()
    return extra


def _common(d: DisclosureRequest) -> dict:
    return {
        "request_number": d.case.number,
        "received_on": d.received_on,
        "content_summary": _summary(d.description),
        "unit_name": d.case.owner_unit.name,
    }


def store(
    d: DisclosureRequest, kind: str, content: bytes, *, actor, now, outcome: str = ""
) -> DisclosureLetter:
    filename = f"{d.case.number}-{LetterKind(kind).label}.docx"
    return DisclosureLetter.objects.create(
        request=d,
        kind=kind,
        outcome=outcome,
        filename=filename,
        content=content,
        size=len(content),
        created_at=now,
        created_by=actor,
    )


def make_letter(
    case: Case, kind: str, *, actor, now: datetime, values: dict | None = None
) -> DisclosureLetter:
    """Render and keep a notice (amendment, extension, third party, fee); refusal rolls the transition back."""
    d, day, extra = case.disclosure, local_day(now), letter_extra(values)
    try:
        if kind == LetterKind.AMENDMENT:
            content = letters.render_amendment_notice(
                **_common(d),
                requester_name=d.requester_label,
                notice_date=day,
                amendment_items=d.amendment_item_list,
                amend_by=d.amend_by,
                extra=extra,
            )
        elif kind == LetterKind.EXTENSION:
            content = letters.render_extension_notice(
                **_common(d),
                requester_name=d.requester_label,
                notice_date=day,
                reason=d.extension_reason,
                original_due=d.due_before_extension,
                extended_due=local_day(case.due_at),
                extra=extra,
            )
        elif kind == LetterKind.THIRD_PARTY:
            extra.setdefault("reply_by", get_calendar().add_working_days(day, 15).date)
            content = letters.render_third_party_consultation(
                **_common(d), third_party_name=d.third_party_name, letter_date=day, extra=extra
            )
        elif kind == LetterKind.FEE_NOTICE:
            content = letters.render_fee_notice(
                **_common(d),
                requester_name=d.requester_label,
                notice_date=day,
                amount=d.fee_charged,
                fee_explanation=d.fee_explanation,
                pay_by=d.fee_pay_by,
                extra=extra,
            )
        else:
            raise ValueError(kind)
    except TemplateError as exc:
        raise GuardRefused(str(exc)) from None
    return store(d, kind, content, actor=actor, now=now)


def missing_letter_fields(outcome: str, values: dict | None) -> list[str]:
    """Labels of the response-letter fields staff must still give for `outcome`."""
    given = letter_extra(values)
    specs = letters.response_letter_fields(outcome=outcome)
    return [
        str(LETTER_FIELD_LABELS.get(n, n))
        for n, s in specs.items()
        if s.required and n not in AUTO_FIELDS and n not in given
    ]


def response_values(d: DisclosureRequest, values: dict | None, day: date) -> dict:
    extra = letter_extra(values)
    if d.amendment_notice_on:
        extra.update(amendment_notice_date=d.amendment_notice_on, amendment_deadline=d.amend_by)
    if d.fee_notice_on:
        extra["fee_notice_date"] = d.fee_notice_on
    return {**_common(d), "requester_name": d.requester_label, "reply_date": day, "extra": extra}
