"""Disclosure services: registering a request, letters, outcomes, clock status, proactive records.

The state changes of a request go through the case engine (`act` → cases.services.transition);
the workflow's effects call `make_letter` and `record_outcome` here. Time and actor are passed
in, so the views, the API and the tests run the same code. The annual report lives in
`annual_report()` and friends at the end of this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from fazhi.cases import services as cases
from fazhi.cases.clock import SHANGHAI
from fazhi.cases.errors import CaseError, GuardRefused, NotAllowed
from fazhi.cases.models import Case, ClockState
from fazhi.core import audit
from fazhi.core.access import acting_membership
from fazhi.core.calendar import get_calendar
from fazhi.core.models import Role
from fazhi.disclosure import letters
from fazhi.disclosure.annual import (
    AnnualTables,
    ProactiveCounts,
    Problem,
    RequestRecord,
    ReviewRecord,
    build_annual_tables,
    check_consistency,
)
from fazhi.disclosure.export import render_annual_report_docx, render_annual_report_xlsx
from fazhi.disclosure.models import (
    LETTER_FIELD_LABELS,
    AcquisitionMethod,
    AnnualReport,
    DisclosureLetter,
    DisclosureRequest,
    DisclosureReview,
    LetterKind,
    ProactiveRecord,
    ProactiveType,
    ProvisionForm,
)
from fazhi.disclosure.outcomes import OUTCOMES, Outcome, ReceiptChannel, RequesterType, receipt_date
from fazhi.disclosure.templates_docx.markup import TemplateError

OFFICERS = frozenset({Role.DISCLOSURE_OFFICER, Role.CENTRE_ADMIN})
CASE_CHANNEL = {
    "in_person": "visit",
    "post": "letter",
    "ordinary_letter": "letter",
    "online": "web",
    "fax": "fax",
}
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
    }
)
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")


class RequestError(CaseError):
    """Bad intake input: one Chinese message per field; nothing has been saved."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def as_date(value) -> date | None:
    """A date from a form string, a date or a datetime (taken in Asia/Shanghai); None if unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, SHANGHAI).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, SHANGHAI).date()


def clock_start(day: date) -> datetime:
    """The instant a clock counts from when only the day is known (the start day is never counted)."""
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


# -- intake ------------------------------------------------------------------------------------
def _text(raw: dict, key: str, limit: int) -> str:
    return str(raw.get(key) or "").strip()[:limit]


def clean_request(raw: dict, *, today: date) -> dict:
    """Check a request as Art. 29 requires it (identity, contact, a description) and work out the
    Art. 31 receipt date; raise RequestError with every problem at once."""
    errors: dict[str, str] = {}
    data = {
        k: _text(raw, k, n)
        for k, n in (
            ("name", 100),
            ("organisation", 200),
            ("id_number", 30),
            ("phone", 20),
            ("address", 200),
            ("email", 100),
            ("description", 5000),
            ("purpose", 200),
        )
    }
    kind = raw.get("requester_type") or RequesterType.NATURAL_PERSON
    if kind not in RequesterType.values:
        errors["requester_type"] = "申请人类型无效"
    elif kind == RequesterType.NATURAL_PERSON:
        if not data["name"]:
            errors["name"] = "请填写申请人姓名"
        if not data["id_number"]:
            errors["id_number"] = "请填写申请人身份证件号码（条例第二十九条）"
    else:
        if not data["organisation"]:
            errors["organisation"] = "请填写法人或其他组织的名称"
        if not data["id_number"]:
            errors["id_number"] = "请填写统一社会信用代码等身份证明号码（条例第二十九条）"
        if not data["name"]:
            errors["name"] = "请填写联系人姓名"
    if not (data["phone"] or data["address"] or data["email"]):
        errors["phone"] = "请至少填写一种联系方式：电话、通信地址或电子邮箱"
    elif data["phone"] and not PHONE.match(data["phone"]):
        errors["phone"] = "联系电话格式不正确"
    if len(data["description"]) < 5:
        errors["description"] = "请填写所需政府信息的名称、文号或便于查询的其他特征性描述（至少 5 个字）"
    channel = raw.get("receipt_channel") or ""
    if channel not in ReceiptChannel.values:
        errors["receipt_channel"] = "请选择申请方式"
    dates = {}
    for key, label in (("submitted_on", "提交日期"), ("signed_on", "签收日期"), ("confirmed_on", "确认日期")):
        value = raw.get(key)
        dates[key] = as_date(value)
        if value not in (None, "") and dates[key] is None:
            errors[key] = f"{label}格式应为 YYYY-MM-DD"
        elif dates[key] and dates[key] > today:
            errors[key] = f"{label}不能晚于今天"
    if dates["submitted_on"] is None and "submitted_on" not in errors:
        errors["submitted_on"] = "请填写提交日期"
    if channel in ReceiptChannel.values and not errors.keys() & dates.keys():
        try:
            data["received_on"] = receipt_date(channel=channel, **dates)
        except ValueError as exc:
            errors["confirmed_on" if channel != ReceiptChannel.POST else "signed_on"] = str(exc)
    for key, choices, default in (
        ("form_of_provision", ProvisionForm, ProvisionForm.PAPER),
        ("acquisition_method", AcquisitionMethod, AcquisitionMethod.POST),
    ):
        data[key] = raw.get(key) or default
        if data[key] not in choices.values:
            errors[key] = "取值无效"
    if errors:
        raise RequestError(errors)
    return {**data, **dates, "requester_type": kind, "receipt_channel": channel}


def register(
    *, actor, unit, raw: dict, now: datetime | None = None, source: str = "", external_id: str = ""
) -> tuple[Case, bool]:
    """Register a disclosure request with `unit`; returns (case, created). Bad input saves nothing."""
    now = now or timezone.now()
    if actor is not None and acting_membership(actor, roles=OFFICERS, targets=[unit]) is None:
        raise NotAllowed("您无权为该单位登记政府信息公开申请")
    data = clean_request(raw, today=local_day(now))
    received = data["received_on"]
    received_at = now if received == local_day(now) else clock_start(received)
    first_line = data["description"].splitlines()[0]
    with transaction.atomic():
        case, created = cases.create(
            kind="disclosure",
            title=first_line[:60],
            body=data["description"],
            owner_unit=unit,
            channel=CASE_CHANNEL[data["receipt_channel"]],
            received_at=received_at,
            actor=actor,
            now=now,
            requester={k: data[k] for k in ("name", "phone", "id_number", "address", "organisation")},
            source=source,
            external_id=external_id,
            details={
                "requester_type": data["requester_type"],
                "receipt_channel": data["receipt_channel"],
                "received_on": received.isoformat(),
            },
        )
        if created:
            DisclosureRequest.objects.create(
                case=case,
                **{
                    k: data[k]
                    for k in (
                        "requester_type",
                        "receipt_channel",
                        "submitted_on",
                        "signed_on",
                        "confirmed_on",
                        "received_on",
                        "description",
                        "purpose",
                        "email",
                        "form_of_provision",
                        "acquisition_method",
                    )
                },
            )
    return case, created


def act(
    *,
    case: Case,
    name: str,
    actor,
    version: int | None = None,
    now: datetime | None = None,
    comment: str = "",
    params: dict | None = None,
) -> Case:
    """Fire a disclosure transition; receiving an amendment restarts the clock from that day."""
    params = dict(params or {})
    if name == "receive_amendment" and (day := as_date(params.get("amendment_received_on"))):
        params["clock_start"] = clock_start(day)
    return cases.transition(
        case=case, name=name, actor=actor, version=version, now=now, comment=comment, params=params
    )


# -- letters -----------------------------------------------------------------------------------
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


def _store(
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
    """Render and keep a notice (amendment, extension, third party); refusal rolls the transition back."""
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
        else:
            raise ValueError(kind)
    except TemplateError as exc:
        raise GuardRefused(str(exc)) from None
    return _store(d, kind, content, actor=actor, now=now)


def missing_letter_fields(outcome: str, values: dict | None) -> list[str]:
    """Labels of the response-letter fields staff must still give for `outcome`."""
    given = letter_extra(values)
    specs = letters.response_letter_fields(outcome=outcome)
    return [
        str(LETTER_FIELD_LABELS.get(n, n))
        for n, s in specs.items()
        if s.required and n not in AUTO_FIELDS and n not in given
    ]


def _response_values(d: DisclosureRequest, values: dict | None, day: date) -> dict:
    extra = letter_extra(values)
    if d.amendment_notice_on:
        extra.update(amendment_notice_date=d.amendment_notice_on, amendment_deadline=d.amend_by)
    return {**_common(d), "requester_name": d.requester_label, "reply_date": day, "extra": extra}


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
    fee = _fee((values or {}).get("fee_amount"))
    try:
        content = letters.render_response_letter(outcome=outcome, **_response_values(d, values, day))
    except TemplateError as exc:
        raise GuardRefused(str(exc)) from None
    d.outcome, d.outcome_on, d.fee_amount = outcome.value, day, fee
    d.letter_values = {k: str(v) for k, v in letter_extra(values).items()}
    d.save(update_fields=["outcome", "outcome_on", "fee_amount", "letter_values"])
    return _store(d, LetterKind.RESPONSE, content, actor=actor, now=now, outcome=outcome.value)


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
        outcome=outcome, strict=False, **_response_values(case.disclosure, values, local_day(now))
    )


# -- the clock as staff see it -----------------------------------------------------------------
@dataclass(frozen=True)
class ClockStatus:
    code: str  # stopped | paused | none | overdue | warned | running
    label: str
    days: int | None
    provisional: bool = False


def clock_status(case: Case, *, on: date) -> ClockStatus:
    """Working days left after today, paused, or overdue by how many working days."""
    if case.closed_at is not None:
        return ClockStatus("stopped", "已答复，计时停止", None)
    if case.clock_state == ClockState.PAUSED:
        reason = (case.clock or {}).get("pause_reason") or ""
        return ClockStatus("paused", f"计时暂停（{reason}）" if reason else "计时暂停", None)
    if case.due_at is None:
        return ClockStatus("none", "未计时", None)
    calendar, due = get_calendar(), local_day(case.due_at)
    if due < on:
        late = calendar.working_days_between(due, on)
        return ClockStatus("overdue", f"已超期 {late} 个工作日", -late, case.due_provisional)
    # Counted like the deadline itself: the working days after today, up to and including the due day.
    left = calendar.working_days_between(on, due)
    warned = case.warn_at is not None and case.warn_at <= datetime.combine(on, time.max, tzinfo=SHANGHAI)
    label = f"剩余 {left} 个工作日" if left else "今日到期"
    return ClockStatus("warned" if warned else "running", label, left, case.due_provisional)


# -- proactive disclosure --------------------------------------------------------------------
def import_proactive(*, actor, unit, rows: list[dict], now: datetime | None = None) -> int:
    """Save already-validated rows all together, or none of them (one transaction)."""
    now = now or timezone.now()
    with transaction.atomic():
        ProactiveRecord.objects.bulk_create(
            [ProactiveRecord(unit=unit, created_at=now, created_by=actor, **row) for row in rows],
            batch_size=500,
        )
        audit.record(
            action="disclosure.proactive_imported",
            actor=actor,
            target=unit.code,
            details={"rows": len(rows)},
            now=now,
        )
    return len(rows)


# -- the annual report (政府信息公开工作年度报告) ---------------------------------------------------
@dataclass
class AnnualView:
    """Everything the annual page and the exports show for one unit and year."""

    report: AnnualReport
    tables: AnnualTables
    problems: list[Problem]
    records: list[RequestRecord]
    information_fees_yuan: Decimal
    previous_finalised: bool


def _records_and_carried(unit, year: int) -> tuple[list[RequestRecord], list, int | None]:
    """The year's requests, the carried-over ids and last year's published 四 (None if unknown).

    Carried-over ids come from last year's finalised report when there is one (the published
    figure is the authority); otherwise from the records: received earlier, open on 1 January.
    Requests open on 1 January but not in the list are included too, so the checks name them.
    """
    start = date(year, 1, 1)
    requests = DisclosureRequest.objects.filter(case__owner_unit=unit).select_related("case")
    open_on_start = Q(received_on__lt=start) & (Q(outcome_on__isnull=True) | Q(outcome_on__gte=start))
    previous = AnnualReport.objects.filter(unit=unit, year=year - 1, finalised_at__isnull=False).first()
    if previous is not None and previous.carried_forward_ids is not None:
        carried, previous_total = list(previous.carried_forward_ids), len(previous.carried_forward_ids)
    else:
        carried, previous_total = list(requests.filter(open_on_start).values_list("pk", flat=True)), None
    chosen = requests.filter(Q(received_on__year=year) | Q(pk__in=carried) | open_on_start).order_by(
        "received_on"
    )
    records = [
        RequestRecord(
            id=d.pk,
            number=d.case.number,
            requester_type=d.requester_type,
            received_on=d.received_on,
            outcome=d.outcome or None,
            closed_on=d.outcome_on,
        )
        for d in chosen
    ]
    return records, carried, previous_total


def _proactive(unit, year: int, report: AnnualReport) -> ProactiveCounts:
    sums = {
        row["record_type"]: row
        for row in ProactiveRecord.objects.filter(unit=unit, published_on__year=year)
        .values("record_type")
        .annotate(n=Sum("quantity"), fee=Sum("fee_amount"))
    }

    def n(kind: str) -> int:
        return int(sums.get(kind, {}).get("n") or 0)

    fees = Decimal(sums.get(ProactiveType.FEE, {}).get("fee") or 0)
    return ProactiveCounts(
        rules_issued=n(ProactiveType.RULE_ISSUED),
        rules_repealed=n(ProactiveType.RULE_REPEALED),
        rules_in_force=report.rules_in_force,
        normative_documents_issued=n(ProactiveType.NORMATIVE_ISSUED),
        normative_documents_repealed=n(ProactiveType.NORMATIVE_REPEALED),
        normative_documents_in_force=report.normative_documents_in_force,
        licensing_decisions=n(ProactiveType.LICENSING),
        penalty_decisions=n(ProactiveType.PENALTY),
        enforcement_decisions=n(ProactiveType.ENFORCEMENT),
        fees_10k_yuan=(fees / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )


def annual_report(*, unit, year: int) -> AnnualView:
    """Build tables 1–3 from the database and run every consistency check on them."""
    report = AnnualReport.objects.filter(unit=unit, year=year).first() or AnnualReport(unit=unit, year=year)
    records, carried, previous_total = _records_and_carried(unit, year)
    reviews = [
        ReviewRecord(kind=r.kind, result=r.result, id=r.pk)
        for r in DisclosureReview.objects.filter(unit=unit, year=year)
    ]
    tables = build_annual_tables(
        year=year,
        requests=records,
        carried_over_ids=carried,
        proactive=_proactive(unit, year, report),
        reviews=reviews,
    )
    problems = check_consistency(tables, requests=records, previous_carried_forward=previous_total)
    fees = DisclosureRequest.objects.filter(case__owner_unit=unit, outcome_on__year=year).aggregate(
        s=Sum("fee_amount")
    )["s"] or Decimal("0")
    return AnnualView(report, tables, problems, records, fees, previous_total is not None)


def save_annual_text(*, unit, year: int, actor, data: dict, now: datetime | None = None) -> AnnualReport:
    report, _ = AnnualReport.objects.get_or_create(unit=unit, year=year)
    if report.finalised_at:
        raise GuardRefused(f"{year}年度报告已定稿，不能再修改")
    for key in (
        "overview",
        "problems_and_improvements",
        "other_matters",
        "rules_in_force",
        "normative_documents_in_force",
    ):
        if key in data:
            setattr(report, key, data[key])
    report.save()
    audit.record(action="disclosure.annual_edited", actor=actor, target=f"{unit.code}/{year}", now=now)
    return report


def finalise_annual(*, unit, year: int, actor, now: datetime | None = None) -> AnnualReport:
    """Freeze the report: its 四 becomes next year's 二. Refused while any check fails."""
    now = now or timezone.now()
    view = annual_report(unit=unit, year=year)
    if view.problems:
        raise GuardRefused(f"年度报告尚有 {len(view.problems)} 项校验问题，请先核实更正后再定稿")
    with transaction.atomic():
        report = view.report
        if report.finalised_at:
            raise GuardRefused(f"{year}年度报告已定稿")
        report.carried_forward_ids = list(view.tables.carried_forward_ids)
        report.finalised_at, report.finalised_by = now, actor
        report.save()
        audit.record(
            action="disclosure.annual_finalised",
            actor=actor,
            target=f"{unit.code}/{year}",
            details={"carried_forward": len(report.carried_forward_ids)},
            now=now,
        )
    return report


def export_annual(*, unit, year: int, fmt: str, actor, now: datetime | None = None) -> bytes:
    """The report as DOCX (all six parts) or XLSX (the three tables and the checks); audited."""
    view = annual_report(unit=unit, year=year)
    if fmt == "docx":
        data = render_annual_report_docx(
            tables=view.tables,
            unit_name=unit.name,
            overview=view.report.overview,
            problems_and_improvements=view.report.problems_and_improvements,
            other_matters=view.report.other_matters,
            information_fees_yuan=view.information_fees_yuan,
        )
    elif fmt == "xlsx":
        data = render_annual_report_xlsx(tables=view.tables, unit_name=unit.name, problems=view.problems)
    else:
        raise ValueError(fmt)
    audit.record(
        action="disclosure.annual_exported",
        actor=actor,
        target=f"{unit.code}/{year}",
        details={"format": fmt, "problems": len(view.problems)},
        now=now,
    )
    return data


# -- the dashboard -----------------------------------------------------------------------------
def dashboard(*, unit, year: int, now: datetime | None = None) -> dict:
    """Figures of the disclosure dashboard for `unit` and the units below it.

    on-time rate: requests answered in the year (答复 or 逾期不补正) whose answer came at or before
    their deadline (pauses, the restart after amendment and an approved extension applied) ÷
    requests answered in the year.
    """
    now = now or timezone.now()
    mine = DisclosureRequest.objects.filter(case__owner_unit__path__startswith=unit.path)
    received = mine.filter(received_on__year=year)
    answered = mine.filter(outcome_on__year=year).exclude(outcome="")
    by_month = {"received": [0] * 12, "answered": [0] * 12}
    for key, qs, field in (("received", received, "received_on"), ("answered", answered, "outcome_on")):
        for day in qs.values_list(field, flat=True):
            by_month[key][day.month - 1] += 1
    groups: dict[str, int] = {}
    for code in answered.values_list("outcome", flat=True):
        label = str(OUTCOMES[Outcome(code)].group.label).split("）", 1)[1].split("（")[0]  # "部分公开"
        groups[label] = groups.get(label, 0) + 1
    on_time = answered.filter(
        Q(case__due_at__isnull=True) | Q(case__closed_at__lte=F("case__due_at"))
    ).count()
    total = answered.count()
    open_cases = Case.objects.filter(kind="disclosure", owner_unit__path__startswith=unit.path).open()
    return {
        "received": received.count(),
        "answered": total,
        "on_time": on_time,
        "on_time_rate": on_time / total if total else None,
        "open": open_cases.count(),
        "paused": open_cases.filter(clock_state=ClockState.PAUSED).count(),
        "overdue": open_cases.overdue(now).count(),
        "extended": mine.filter(outcome_on__year=year, extension_days__isnull=False).count(),
        "amended": mine.filter(amendment_notice_on__year=year).count(),
        "months": [f"{m}月" for m in range(1, 13)],
        "by_month": by_month,
        "outcomes": [{"name": k, "value": v} for k, v in groups.items()],
        "requester_types": [
            {"name": str(label), "value": received.filter(requester_type=code).count()}
            for code, label in RequesterType.choices
        ],
    }
