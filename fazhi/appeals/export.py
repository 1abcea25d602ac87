"""XLSX export of KPI tables (openpyxl)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font


def _fmt(value, kind):
    if value is None:
        return "—"
    if kind == "rate":
        return round(value * 100, 2)
    return value


def kpi_workbook(figures: dict, units: list[dict], cards) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "总体指标"
    ws.append(["指标", "数值", "单位"])
    for key, label, kind in cards:
        ws.append([label, _fmt(figures.get(key), kind), "%" if kind == "rate" else ("小时" if kind == "hours" else "件")])
    by_unit = wb.create_sheet("按承办单位")
    by_unit.append(["承办单位", "受理量", "办结量", "按期办结率(%)", "一次分拨准确率(%)", "满意率(%)", "超期件"])
    for u in units:
        by_unit.append([u["name"], u["received"], u["closed"], _fmt(u["on_time_rate"], "rate"),
                        _fmt(u["first_dispatch_accuracy"], "rate"), _fmt(u["satisfaction_after"], "rate"),
                        u["overdue"]])
    for sheet in (ws, by_unit):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
