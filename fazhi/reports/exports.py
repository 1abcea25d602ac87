"""XLSX exports: one report's indicator table and the cross-report comparison table.

Numbers are written as numbers (not "90.77%") so a reviewer can sort and chart them in Excel;
the qualifier (超/余/以上…) and unit get their own columns instead of being glued to the value.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from fazhi.reports.models import ReportDocument, format_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F0F3F7")
INDICATOR_HEADER = [
    "序号",
    "指标（原文）",
    "标准指标",
    "标准编码",
    "数值",
    "上限",
    "修饰",
    "单位",
    "所属年度",
    "同比/较上年",
    "所在章节",
    "原句",
]


def _finish(ws, widths: dict[str, int], freeze: str) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = freeze
    for column, width in widths.items():
        ws.column_dimensions[column].width = width


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def indicator_workbook(report: ReportDocument) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(INDICATOR_HEADER)
    for index, row in enumerate(report.indicators, start=1):
        change = row.get("change") or {}
        ws.append(
            [
                index,
                row["name"],
                row.get("label") or "",
                row.get("normalized_name") or "",
                row["value"],
                row.get("value_max"),
                row.get("qualifier") or "",
                row.get("unit") or "",
                row.get("year"),
                change.get("text") or "",
                row.get("section") or "",
                row.get("sentence") or "",
            ]
        )
    _finish(ws, {"B": 40, "C": 18, "D": 26, "J": 18, "K": 30, "L": 80}, "C2")
    info = wb.create_sheet("报告信息")
    info.append(["项目", "内容"])
    for label, value in (
        ("报告单位", report.unit_name),
        ("报告年度", report.year),
        ("原始文件名", report.original_filename),
        ("内容哈希", report.sha256),
        ("缺少的法定部分", "、".join(report.missing_parts) or "无"),
    ):
        info.append([label, value])
    _finish(info, {"A": 16, "B": 70}, "A2")
    return _save(wb)


def comparison_workbook(table: dict) -> bytes:
    """``table`` is ``services.comparison()``: a single value is a number, several are text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "指标对比"
    ws.append(["指标", "编码", "单位", *[c["label"] for c in table["columns"]]])
    for row in table["rows"]:
        values = []
        for cell in row["cells"]:
            rows = cell["values"]
            plain = (
                len(rows) == 1
                and not rows[0].get("qualifier")
                and rows[0].get("value_max") is None
                and rows[0].get("unit", "") == row["unit"]
            )
            values.append(rows[0]["value"] if plain else " / ".join(format_value(v) for v in rows) or None)
        ws.append([row["label"], row["code"], row["unit"], *values])
    widths = {"A": 22, "B": 28, "C": 8}
    for i in range(len(table["columns"])):
        widths[ws.cell(row=1, column=4 + i).column_letter] = 24
    _finish(ws, widths, "D2")
    return _save(wb)
