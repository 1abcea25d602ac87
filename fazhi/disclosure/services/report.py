"""The annual disclosure report (政府信息公开工作年度报告) built from the database.

Tables 2 and 3 are always computed from the records and checked before they can be finalised or
exported; only the narrative and what a finalised report froze are stored (ADR 0005).

A report covers one unit, or with `include_sub_units` the unit and every unit below it in the
org tree (a district's government-wide report over its bureaus and streets). The wider scope is
one query over the materialised path, never a sum of the units' own reports: a request has one
owner unit, so it is selected once and lands in exactly one in-row and at most one out-row, and
the consistency checks run on the combined list as they do on one unit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from fazhi.cases.errors import GuardRefused
from fazhi.core import audit
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
    AnnualReport,
    DisclosureRequest,
    DisclosureReview,
    ProactiveRecord,
    ProactiveType,
)


@dataclass(frozen=True)
class ReportScope:
    """Whose records a report counts: the unit's own, or the unit's and its sub-units'."""

    unit: object
    include_sub_units: bool = False

    def owned(self, field: str) -> Q:
        """A filter on `field` (an OrgUnit foreign key) selecting the units in scope."""
        if self.include_sub_units:
            return Q(**{f"{field}__path__startswith": self.unit.path})
        return Q(**{field: self.unit})

    def requests(self):
        return DisclosureRequest.objects.filter(self.owned("case__owner_unit"))

    @property
    def target(self) -> str:
        """The audit target: the unit's code, marked when the sub-units are included."""
        return f"{self.unit.code}{'+' if self.include_sub_units else ''}"


def _report(scope: ReportScope, year: int) -> AnnualReport:
    found = AnnualReport.objects.filter(
        unit=scope.unit, year=year, include_sub_units=scope.include_sub_units
    ).first()
    return found or AnnualReport(unit=scope.unit, year=year, include_sub_units=scope.include_sub_units)


@dataclass
class AnnualView:
    """Everything the annual page and the exports show for one unit and year."""

    report: AnnualReport
    tables: AnnualTables
    problems: list[Problem]
    records: list[RequestRecord]
    information_fees_yuan: Decimal
    previous_finalised: bool
    scope: ReportScope | None = None


def _records_and_carried(scope: ReportScope, year: int) -> tuple[list[RequestRecord], list, int | None]:
    """The year's requests, the carried-over ids and last year's published 四 (None if unknown).

    Carried-over ids come from last year's finalised report when there is one (the published
    figure is the authority); otherwise from the records: received earlier, open on 1 January.
    Requests open on 1 January but not in the list are included too, so the checks name them.
    "Last year's report" is the one of the same scope: a unit's own report and its report with
    the sub-units are published separately and each carries its own list forward.
    """
    start = date(year, 1, 1)
    requests = scope.requests().select_related("case")
    open_on_start = Q(received_on__lt=start) & (Q(outcome_on__isnull=True) | Q(outcome_on__gte=start))
    previous = AnnualReport.objects.filter(
        unit=scope.unit,
        year=year - 1,
        include_sub_units=scope.include_sub_units,
        finalised_at__isnull=False,
    ).first()
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


def _proactive(scope: ReportScope, year: int, report: AnnualReport) -> ProactiveCounts:
    sums = {
        row["record_type"]: row
        for row in ProactiveRecord.objects.filter(scope.owned("unit"), published_on__year=year)
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


def annual_report(*, unit, year: int, include_sub_units: bool = False) -> AnnualView:
    """Build tables 1–3 from the database and run every consistency check on them."""
    scope = ReportScope(unit, include_sub_units)
    report = _report(scope, year)
    records, carried, previous_total = _records_and_carried(scope, year)
    reviews = [
        ReviewRecord(kind=r.kind, result=r.result, id=r.pk)
        for r in DisclosureReview.objects.filter(scope.owned("unit"), year=year)
    ]
    tables = build_annual_tables(
        year=year,
        requests=records,
        carried_over_ids=carried,
        proactive=_proactive(scope, year, report),
        reviews=reviews,
    )
    problems = check_consistency(tables, requests=records, previous_carried_forward=previous_total)
    fees = scope.requests().filter(outcome_on__year=year).aggregate(s=Sum("fee_amount"))["s"] or Decimal("0")
    return AnnualView(report, tables, problems, records, fees, previous_total is not None, scope)


def save_annual_text(
    *, unit, year: int, actor, data: dict, now: datetime | None = None, include_sub_units: bool = False
) -> AnnualReport:
    scope = ReportScope(unit, include_sub_units)
    report, _ = AnnualReport.objects.get_or_create(unit=unit, year=year, include_sub_units=include_sub_units)
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
    audit.record(action="disclosure.annual_edited", actor=actor, target=f"{scope.target}/{year}", now=now)
    return report


def finalise_annual(
    *, unit, year: int, actor, now: datetime | None = None, include_sub_units: bool = False
) -> AnnualReport:
    """Freeze the report: its 四 becomes next year's 二 (same scope). Refused while any check fails."""
    now = now or timezone.now()
    view = annual_report(unit=unit, year=year, include_sub_units=include_sub_units)
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
            target=f"{view.scope.target}/{year}",
            details={"carried_forward": len(report.carried_forward_ids)},
            now=now,
        )
    return report


def export_annual(
    *, unit, year: int, fmt: str, actor, now: datetime | None = None, include_sub_units: bool = False
) -> bytes:
    """The report as DOCX (all six parts) or XLSX (the three tables); audited.

    Failed checks do not stop the export — staff need a draft to correct the records from — but
    the file opens with a 未通过一致性校验 section listing each problem and its requests, so a
    draft cannot pass for the report (ADR 0005 §10). Only finalising is refused.
    """
    view = annual_report(unit=unit, year=year, include_sub_units=include_sub_units)
    if fmt == "docx":
        data = render_annual_report_docx(
            tables=view.tables,
            unit_name=unit.name,
            overview=view.report.overview,
            problems_and_improvements=view.report.problems_and_improvements,
            other_matters=view.report.other_matters,
            information_fees_yuan=view.information_fees_yuan,
            problems=view.problems,
        )
    elif fmt == "xlsx":
        data = render_annual_report_xlsx(tables=view.tables, unit_name=unit.name, problems=view.problems)
    else:
        raise ValueError(fmt)
    audit.record(
        action="disclosure.annual_exported",
        actor=actor,
        target=f"{view.scope.target}/{year}",
        details={"format": fmt, "problems": len(view.problems), "include_sub_units": include_sub_units},
        now=now,
    )
    return data
