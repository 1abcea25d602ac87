"""The annual report page (tables drawn as the national format, drill-down, narrative, finalising)
and its exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from fazhi.cases.errors import CaseError
from fazhi.cases.models import Case
from fazhi.core.models import OrgUnit, Role
from fazhi.disclosure import export, forms, services
from fazhi.disclosure.annual import COL_TOTAL, OUTCOME_ROWS, REQUESTER_COLUMNS, ROW_LABELS, ROW_OUTCOME_TOTAL
from fazhi.disclosure.services import OFFICERS
from fazhi.disclosure.views.common import DOCX, XLSX, _download, _require, _unit, _units_for, _year


def _table(grid, links: dict | None = None) -> dict:
    """A national-format grid as HTML: each cell once, at its first row, with its spans and the
    column widths of the printed format (as percentages)."""
    rows: list[list[dict]] = [[] for _ in range(grid.rows)]
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows[c.row].append(
            {
                "value": export._show(c.value),
                "rowspan": c.rowspan,
                "colspan": c.colspan,
                "header": c.header,
                "label": isinstance(c.value, str) and not c.header,
                "link": (links or {}).get((c.row, c.col)),
            }
        )
    total = sum(grid.widths_mm)
    return {"rows": rows, "widths": [round(w * 100 / total, 2) for w in grid.widths_mm]}


def _members(tables, row: str, column: str) -> list:
    rows = OUTCOME_ROWS if row == ROW_OUTCOME_TOTAL else (row,)
    cols = REQUESTER_COLUMNS if column == COL_TOTAL else (column,)
    return [i for r in rows for c in cols for i in tables.requests.members.get((r, c), [])]


def _with_sub_units(request) -> bool:
    """The “含下级单位” option: ?sub=1 (or a posted sub=1) widens the report to the sub-units."""
    return (request.GET.get("sub") or request.POST.get("sub") or "") == "1"


def _query(unit, year: int, sub: bool) -> str:
    return f"?unit={unit.pk}&year={year}" + ("&sub=1" if sub else "")


@login_required
def annual(request):
    unit, year, sub = _unit(request), _year(request), _with_sub_units(request)
    if request.method == "POST":
        _require(request, OFFICERS | {Role.LEADER})
        try:
            if "finalise" in request.POST:
                services.finalise_annual(unit=unit, year=year, actor=request.user, include_sub_units=sub)
                messages.success(request, f"{year}年度报告已定稿，结转数据已固定")
            else:
                text = forms.AnnualTextForm(request.POST)
                if text.is_valid():
                    services.save_annual_text(
                        unit=unit,
                        year=year,
                        actor=request.user,
                        data=text.cleaned_data,
                        include_sub_units=sub,
                    )
                    messages.success(request, "已保存")
                else:
                    messages.error(request, "；".join(e for errs in text.errors.values() for e in errs))
        except CaseError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("disclosure_annual") + _query(unit, year, sub))
    view = services.annual_report(unit=unit, year=year, include_sub_units=sub)
    keys = ("new", "carried_over", *OUTCOME_ROWS, ROW_OUTCOME_TOTAL, "carried_forward")
    columns = (*REQUESTER_COLUMNS, COL_TOTAL)
    base = f"{_query(unit, year, sub)}&cell="
    links = {
        (3 + r, 3 + c): f"{base}{key}.{col}#drill"
        for r, key in enumerate(keys)
        for c, col in enumerate(columns)
    }
    drill = None
    if "." in (cell := request.GET.get("cell", "")):
        row, column = cell.split(".", 1)
        if row in keys and column in columns:
            ids = _members(view.tables, row, column)
            drill = {
                "label": ROW_LABELS[row],
                "cases": Case.objects.filter(pk__in=ids).select_related("disclosure", "owner_unit"),
            }
    numbers = {r.number for p in view.problems for r in view.records if r.id in p.request_ids}
    return render(
        request,
        "disclosure/annual.html",
        {
            "unit": unit,
            "year": year,
            "sub": sub,
            "query": _query(unit, year, sub),
            "sub_units": OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).count(),
            "view": view,
            "units": _units_for(request),
            "drill": drill,
            "table1": _table(export.table1_grid(view.tables)),
            "table2": _table(export.table2_grid(view.tables), links),
            "table3": _table(export.table3_grid(view.tables)),
            "text_form": forms.AnnualTextForm(instance=view.report),
            "problem_numbers": sorted(numbers),
            "part_titles": export.PART_TITLES,
        },
    )


@login_required
def annual_export(request, fmt):
    unit, year, sub = _unit(request), _year(request), _with_sub_units(request)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    data = services.export_annual(unit=unit, year=year, fmt=fmt, actor=request.user, include_sub_units=sub)
    scope = "（含下级单位）" if sub else ""
    return _download(
        data, DOCX if fmt == "docx" else XLSX, f"{unit.name}{scope}{year}年政府信息公开工作年度报告.{fmt}"
    )
