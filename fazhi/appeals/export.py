"""XLSX export of the KPI dashboard (openpyxl): every table the dashboard shows, one sheet each.

The workbook is built from the same report() the dashboard reads, so a leader who exports what
is on screen gets the same figures, plus a sheet naming the filters they were computed for
(an exported file travels without the URL that produced it).
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _fmt(value, kind):
    if value is None:
        return "—"
    if kind == "rate":
        return round(value * 100, 2)
    return value


def _unit_of(kind):
    return "%" if kind == "rate" else (_("小时") if kind == "hours" else _("件"))


# the columns of the unit, matter and channel tables, as the dashboard shows them
TABLE = [
    ("received", _("受理量"), "count"), ("accepted", _("签收量"), "count"), ("closed", _("办结量"), "count"),
    ("on_time_rate", _("按期办结率(%)"), "rate"), ("first_dispatch_accuracy", _("一次分拨准确率(%)"), "rate"),
    ("satisfaction_after", _("满意率(%)"), "rate"), ("resolution_after", _("解决率(%)"), "rate"),
    ("overdue", _("超期件"), "count"),
]


def _table(sheet, head: str, rows: list[dict]):
    sheet.append([head, *(label for _key, label, _kind in TABLE)])
    for row in rows:
        sheet.append([row["name"], *(_fmt(row[key], kind) for key, _label, kind in TABLE)])
    return sheet


def kpi_workbook(report: dict, cards, conditions: list[tuple[str, str]] = ()) -> bytes:
    """Sheets: overall figures, by handling unit, by matter, by channel, monthly trend, and the
    filter conditions."""
    wb = Workbook()
    overall = wb.active
    overall.title = _("总体指标")
    overall.append([_("指标"), _("数值"), _("单位")])
    figures = report["figures"]
    for key, label, kind in cards:
        overall.append([str(label), _fmt(figures.get(key), kind), _unit_of(kind)])

    by_unit = _table(wb.create_sheet(_("按承办单位")), _("承办单位"), report["units"])
    by_matter = _table(wb.create_sheet(_("按事项")), _("事项（一级）"), report["matters"])
    by_channel = _table(wb.create_sheet(_("按渠道")), _("渠道"), report["channels"])

    trend = wb.create_sheet(_("月度趋势"))
    trend.append([_("月份"), _("受理量"), _("办结量")])
    for row in report["trend"]:
        trend.append([row["month"], row["received"], row["closed"]])

    about = wb.create_sheet(_("筛选条件"))
    about.append([_("条件"), _("取值")])
    for name, value in conditions:
        about.append([name, value])

    for sheet in (overall, by_unit, by_matter, by_channel, trend, about):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 28
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
