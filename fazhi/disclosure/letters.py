"""DOCX letters of a disclosure request: the response, and the amendment, extension,
third-party consultation and fee notices.

Each letter is a text template (see ``templates_docx/markup.py``) filled with the case's values
and printed with one fixed layout. The response letter takes its outcome paragraphs from the
section of the outcome's code, and its legal basis from ``outcomes.py``: a letter for outcome X
cites exactly the articles that row X of the annual table stands for.

Every function returns the bytes of a .docx file. ``extra`` carries the values particular to an
outcome or to the unit (``document_number``, ``contact_phone``, ``reconsideration_body``,
``competent_office``…); ``template`` replaces the shipped template with a unit's edited copy;
``strict=False`` renders a draft in which missing values show as 【待填写：field】 instead of
raising ``TemplateError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext

from fazhi.disclosure.outcomes import Outcome, chinese_number, outcome_info
from fazhi.disclosure.templates_docx import default_template
from fazhi.disclosure.templates_docx.markup import (
    FieldSpec,
    Line,
    TemplateError,
    field_specs,
    fill,
    fill_lines,
    raise_missing,
    sections,
)
from fazhi.disclosure.templates_docx.styling import add_paragraph, new_document, to_bytes

FRAME = "letter"


def response_letter_fields(*, outcome: Outcome | str, template: str | None = None) -> dict[str, FieldSpec]:
    """The fields the frame and the outcome's section use — for the form that collects ``extra``."""
    parts = sections(template or default_template("response_letter"))
    return {**field_specs(parts[FRAME]), **field_specs(parts[outcome_info(outcome).letter_section])}


def render_response_letter(
    *,
    outcome: Outcome | str,
    request_number: str,
    requester_name: str,
    received_on: date,
    content_summary: str,
    unit_name: str,
    reply_date: date,
    extra: Mapping[str, object] | None = None,
    template: str | None = None,
    strict: bool = True,
) -> bytes:
    """政府信息公开申请答复书 for one outcome, with its legal basis and the appeal-rights notice."""
    info = outcome_info(outcome)
    parts = sections(template or default_template("response_letter"))
    if info.letter_section not in parts:
        raise TemplateError(gettext("模板缺少处理结果“{code}”的分节。").format(code=info.letter_section))
    values = {
        **(extra or {}),
        "request_number": request_number,
        "requester_name": requester_name,
        "received_on": received_on,
        "content_summary": content_summary,
        "unit_name": unit_name,
        "reply_date": reply_date,
        "legal_basis": info.legal_basis,
    }
    # Fill both parts before raising, so staff learn every missing value at once.
    values["outcome_paragraphs"], missing = fill_lines(parts[info.letter_section], values)
    lines, missing_in_frame = fill_lines(parts[FRAME], values)
    if strict and (missing or missing_in_frame):
        raise_missing(missing + missing_in_frame)
    return _document(lines, unit_name=unit_name)


def render_amendment_notice(
    *,
    request_number: str,
    requester_name: str,
    received_on: date,
    content_summary: str,
    unit_name: str,
    notice_date: date,
    amendment_items: list[str],
    amend_by: date,
    extra: Mapping[str, object] | None = None,
    template: str | None = None,
    strict: bool = True,
) -> bytes:
    """补正告知书 (Art. 30): one notice naming everything to amend and a reasonable deadline."""
    if not amendment_items:
        raise TemplateError(gettext("补正告知书须一次性写明需要补正的事项。"))
    if amend_by <= notice_date:
        raise TemplateError(gettext("补正期限应晚于告知日期。"))
    numbered = [f"{_ordinal(n)}{item}" for n, item in enumerate(amendment_items, start=1)]
    return _simple(
        "amendment_notice",
        template,
        strict,
        unit_name,
        extra,
        request_number=request_number,
        requester_name=requester_name,
        received_on=received_on,
        content_summary=content_summary,
        notice_date=notice_date,
        amendment_items=numbered,
        amend_by=amend_by,
    )


def render_extension_notice(
    *,
    request_number: str,
    requester_name: str,
    received_on: date,
    content_summary: str,
    unit_name: str,
    notice_date: date,
    reason: str,
    original_due: date,
    extended_due: date,
    extra: Mapping[str, object] | None = None,
    template: str | None = None,
    strict: bool = True,
) -> bytes:
    """延期答复告知书 (Art. 33(2)). The at-most-20-working-days limit is the clock engine's to enforce."""
    if extended_due <= original_due:
        raise TemplateError(gettext("延长后的答复期限应晚于原答复期限。"))
    if notice_date > original_due:
        raise TemplateError(gettext("延期告知应在原答复期限届满前发出。"))
    return _simple(
        "extension_notice",
        template,
        strict,
        unit_name,
        extra,
        request_number=request_number,
        requester_name=requester_name,
        received_on=received_on,
        content_summary=content_summary,
        notice_date=notice_date,
        reason=reason,
        original_due=original_due,
        extended_due=extended_due,
    )


def render_third_party_consultation(
    *,
    request_number: str,
    third_party_name: str,
    received_on: date,
    content_summary: str,
    unit_name: str,
    letter_date: date,
    extra: Mapping[str, object] | None = None,
    template: str | None = None,
    strict: bool = True,
) -> bytes:
    """第三方意见征询函 (Art. 32). Deliberately takes no requester name: the third party has no
    need to know who asked (PIPL minimum necessary), and knowing could expose the requester."""
    return _simple(
        "third_party_consultation",
        template,
        strict,
        unit_name,
        extra,
        request_number=request_number,
        third_party_name=third_party_name,
        received_on=received_on,
        content_summary=content_summary,
        letter_date=letter_date,
    )


def render_fee_notice(
    *,
    request_number: str,
    requester_name: str,
    received_on: date,
    content_summary: str,
    unit_name: str,
    notice_date: date,
    amount: int | Decimal,
    fee_explanation: str,
    pay_by: date,
    extra: Mapping[str, object] | None = None,
    template: str | None = None,
    strict: bool = True,
) -> bytes:
    """收费通知 (Art. 42, 国办函〔2020〕109号): basis, standard, amount, how and by when to pay,
    and what happens otherwise — the Measures require the notice to say all of it."""
    if amount <= 0:
        raise TemplateError(gettext("应缴金额为零，无需发出收费通知。"))
    if pay_by <= notice_date:
        raise TemplateError(gettext("缴费期限应晚于通知日期。"))
    return _simple(
        "fee_notice",
        template,
        strict,
        unit_name,
        extra,
        request_number=request_number,
        requester_name=requester_name,
        received_on=received_on,
        content_summary=content_summary,
        notice_date=notice_date,
        amount=_yuan(amount),
        fee_explanation=fee_explanation,
        pay_by=pay_by,
    )


def _simple(name, template, strict, unit_name, extra, **values) -> bytes:
    parts = sections(template or default_template(name))
    if FRAME not in parts:
        raise TemplateError(gettext("模板缺少分节：{name}").format(name=FRAME))
    lines = fill(parts[FRAME], {**(extra or {}), **values, "unit_name": unit_name}, strict=strict)
    return _document(lines, unit_name=unit_name)


def _document(lines: list[Line], *, unit_name: str) -> bytes:
    title = next((line.text for line in lines if line.align == "title"), "")
    doc = new_document(title=title, author=unit_name)
    for line in lines:
        add_paragraph(doc, line.text, align=line.align)
    return to_bytes(doc)


def _yuan(amount: int | Decimal) -> str:
    """Whole yuan as a plain number (every price in the Measures is whole); cents only if present."""
    value = Decimal(amount)
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def _ordinal(n: int) -> str:
    return f"（{chinese_number(n)}）"
