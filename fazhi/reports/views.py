"""Report pages: the register, upload, one report's review, the cross-report comparison, and
building a unit's own annual report draft from the platform's records."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fazhi.core import audit
from fazhi.core.access import covers, is_centre, memberships, roles_of
from fazhi.core.models import OrgUnit, Role
from fazhi.reports import build, build_docx, exports, services
from fazhi.reports.forms import ReportCorrectionForm, ReportUploadForm
from fazhi.reports.models import ReportDocument
from fazhi.reports.registry import REVIEW_ROLES, UPLOAD_ROLES

MAX_COLUMNS = 24
# Who builds a unit's draft: its leader and legal office, and the centre for every unit.
BUILD_ROLES = frozenset({Role.LEADER, Role.LEGAL_OFFICER, Role.CENTRE_ADMIN})
BUILD_LEVELS = ("district", "centre", "department", "street")
INDICATOR_FILTERS = {
    "": gettext_lazy("全部"),
    "normalized": gettext_lazy("标准指标"),
    "free": gettext_lazy("其他数字"),
}


def _require(request, roles) -> None:
    if not (request.user.is_superuser or roles_of(request.user) & roles):
        audit.record(action="permission.denied", actor=request.user, target=request.path)
        raise PermissionDenied


def _can_upload(user) -> bool:
    return user.is_superuser or bool(roles_of(user) & UPLOAD_ROLES)


def _year(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_list(request):
    _require(request, REVIEW_ROLES)
    q = request.GET.get("q", "").strip()
    qs = services.list_for(actor=request.user, q=q, year=_year(request.GET.get("year")))
    page = Paginator(qs.select_related("unit", "imported_by"), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    years = ReportDocument.objects.order_by("-year").values_list("year", flat=True).distinct()
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "q": q,
            "query": query.urlencode(),
            "years": list(years),
            "can_upload": _can_upload(request.user),
            "can_build": request.user.is_superuser or bool(roles_of(request.user) & BUILD_ROLES),
        },
    )


@login_required
def upload(request):
    _require(request, UPLOAD_ROLES)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.import_report(
                actor=request.user,
                file=data["file"],
                unit=data["unit"],
                unit_name=data["unit_name"],
                year=data["year"],
            )
        except services.ReportImportError as exc:
            form.add_error("file", exc.message)
        else:
            report = result.report
            if result.created:
                messages.success(request, _("已导入 %(title)s 的年度报告") % {"title": report.title})
            else:
                messages.info(
                    request,
                    _("该报告此前已导入（%(title)s，内容相同），以下为已有记录") % {"title": report.title},
                )
            return HttpResponseRedirect(reverse("report_detail", args=[report.pk]))
    return render(request, "reports/upload.html", {"form": form})


@login_required
def detail(request, pk: int):
    _require(request, REVIEW_ROLES)
    report = get_object_or_404(ReportDocument, pk=pk)
    other_id = request.GET.get("other", "")
    other = ReportDocument.objects.filter(pk=other_id).first() if other_id.isdigit() else None
    kind = request.GET.get("ind", "")
    kind = kind if kind in INDICATOR_FILTERS else ""
    review = services.review(report, other=other)
    candidates = (
        services.list_for(actor=request.user)
        .exclude(pk=report.pk)
        .only("pk", "unit_name", "year")
        .order_by("unit_name", "-year")
    )
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "parts": report.parts_map(),
            "outline": report.outline_tree(),
            "indicators": report.indicator_rows(kind=kind),
            "kind": kind,
            "indicator_filters": INDICATOR_FILTERS.items(),
            "all_count": len(report.indicators),
            "normalized_count": report.normalized_count(),
            "candidates": candidates,
            "analysis": report.analysis,
            **review,
            "can_upload": _can_upload(request.user),
            "correction": ReportCorrectionForm(
                initial={"unit": report.unit, "unit_name": report.unit_name, "year": report.year}
            ),
            "item_groups": [
                (_("存在问题"), report.analysis.get("shortcomings", [])),
                (_("上年问题整改"), report.analysis.get("rectifications", [])),
                (_("下一年度安排"), report.analysis.get("plans", [])),
            ],
        },
    )


@login_required
@require_POST
def correct(request, pk: int):
    _require(request, UPLOAD_ROLES)
    report = get_object_or_404(ReportDocument, pk=pk)
    form = ReportCorrectionForm(request.POST)
    if form.is_valid():
        services.correct_report(actor=request.user, report=report, **form.cleaned_data)
        messages.success(request, _("已更正为 %(title)s，并重新分析") % {"title": report.title})
    else:
        messages.error(request, _("更正未保存：请填写报告单位和 2000–2100 之间的年度"))
    return HttpResponseRedirect(reverse("report_detail", args=[report.pk]))


def _selected(request) -> list[ReportDocument]:
    """The comparison's columns: the ticked reports, else the filter's, ordered by unit then year."""
    ids = [i for i in request.GET.getlist("r") if i.isdigit()]
    qs = services.list_for(
        actor=request.user, q=request.GET.get("q", "").strip(), year=_year(request.GET.get("year"))
    )
    if ids:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("unit_name", "year")[:MAX_COLUMNS])


@login_required
def compare(request):
    _require(request, REVIEW_ROLES)
    reports = _selected(request)
    table = services.comparison(reports)
    choices = (
        services.list_for(actor=request.user).only("pk", "unit_name", "year").order_by("unit_name", "year")
    )
    selected = {r.pk for r in reports}
    return render(
        request,
        "reports/compare.html",
        {
            "table": table,
            "choices": choices[:200],
            "selected": selected,
            "query": request.GET.urlencode(),
            "years": list(ReportDocument.objects.order_by("-year").values_list("year", flat=True).distinct()),
            "max_columns": MAX_COLUMNS,
        },
    )


@login_required
def export_indicators(request, pk: int):
    _require(request, REVIEW_ROLES)
    report = get_object_or_404(ReportDocument, pk=pk)
    data = exports.indicator_workbook(report)
    audit.record(
        action="report.indicators_exported",
        actor=request.user,
        target=f"report:{report.pk}",
        details={"rows": len(report.indicators)},
    )
    return _xlsx(data, f"report-{report.pk}-indicators.xlsx")


@login_required
def export_comparison(request):
    _require(request, REVIEW_ROLES)
    reports = _selected(request)
    data = exports.comparison_workbook(services.comparison(reports))
    audit.record(
        action="report.comparison_exported",
        actor=request.user,
        details={"reports": [r.pk for r in reports], "query": request.GET.urlencode()},
    )
    return _xlsx(data, "report-comparison.xlsx")


# --- building a unit's annual report draft from the records (build.py) ----------------------


def _build_units(user) -> list[OrgUnit]:
    """Units whose draft `user` may build: any for the centre, else their own (with sub-units)."""
    if user.is_superuser or is_centre(user):
        return list(OrgUnit.objects.filter(level__in=BUILD_LEVELS).order_by("path"))
    return [m.unit for m in memberships(user) if m.role in BUILD_ROLES]


def _may_build(user, unit: OrgUnit) -> bool:
    if user.is_superuser or is_centre(user):
        return True
    return any(m.role in BUILD_ROLES and covers(m.unit, unit) for m in memberships(user))


def _build_request(request) -> tuple[OrgUnit | None, int, bool]:
    """The unit, year and scope asked for; a unit outside the user's reach is refused and audited."""
    _require(request, BUILD_ROLES)
    raw = request.GET.get("unit", "")
    unit = OrgUnit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if unit is not None and not _may_build(request.user, unit):
        audit.record(action="permission.denied", actor=request.user, target=f"report_build:{unit.code}")
        raise PermissionDenied
    year = _year(request.GET.get("year"))
    if year is None or not 2000 <= year <= 2100:
        year = timezone.localdate().year - 1  # reports are written early in the year about the last
    sub = request.GET.get("sub", "1") != "0"
    return unit, year, sub


@login_required
def build_page(request):
    unit, year, sub = _build_request(request)
    units = _build_units(request.user)
    if unit is None and len(units) == 1:
        unit = units[0]
    draft = build.build_report(unit, year, include_sub_units=sub) if unit is not None else None
    this_year = timezone.localdate().year
    return render(
        request,
        "reports/build.html",
        {
            "units": units,
            "unit": unit,
            "year": year,
            "sub": sub,
            "years": list(range(this_year, this_year - 6, -1)),
            "draft": draft,
            "query": urlencode({"unit": unit.pk, "year": year, "sub": int(sub)}) if unit else "",
        },
    )


@login_required
def build_export(request, fmt: str):
    unit, year, sub = _build_request(request)
    if unit is None or fmt not in ("docx", "json"):
        raise Http404
    draft = build.build_report(unit, year, include_sub_units=sub)
    audit.record(
        action="report.draft_exported",
        actor=request.user,
        target=f"report_build:{unit.code}{'+' if sub else ''}",
        details={"year": year, "format": fmt, "figures": len(draft.figures())},
    )
    if fmt == "json":
        response = HttpResponse(build_docx.render_json(draft), content_type="application/json; charset=utf-8")
        filename = f"{draft.title}.json"
    else:
        response = HttpResponse(build_docx.render_docx(draft), content_type=build_docx.DOCX_CONTENT_TYPE)
        filename = f"{draft.title}.docx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"draft.{fmt}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
