"""What the leader dashboard shows of a kpis.report(): the figure cards with their drill-down
sets, the chart data and the rows of the matter table — kept out of the view so the page, the
XLSX export and the tests read one list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (figure key, label, kind) in the order of the cards and of the export's first sheet
KPI_CARDS = [
    ("received", _("受理量"), "count"), ("accepted", _("签收量"), "count"), ("closed", _("办结量"), "count"),
    ("on_time_rate", _("按期办结率"), "rate"), ("first_dispatch_accuracy", _("一次分拨准确率"), "rate"),
    ("dispatch_hours_mean", _("平均分拨用时（工作小时）"), "hours"),
    ("dispatch_hours_p90", _("分拨用时 P90（工作小时）"), "hours"), ("auto_dispatch_rate", _("自动分拨率"), "rate"),
    ("auto_dispatch_accuracy", _("自动分拨准确率"), "rate"), ("return_rate", _("退单率"), "rate"),
    ("satisfaction_before", _("满意率（申诉前）"), "rate"), ("satisfaction_after", _("满意率（申诉后）"), "rate"),
    ("resolution_before", _("解决率（申诉前）"), "rate"), ("resolution_after", _("解决率（申诉后）"), "rate"),
    ("objection_rate", _("申诉率"), "rate"), ("overdue", _("超期件"), "count"), ("arbitrated", _("快裁件"), "count"),
    ("repeats", _("重复诉求"), "count"),
]
# figure -> (the set behind it, the set it is a share of): kpis.sets() names
DRILL = {
    "received": ("received", None), "accepted": ("accepted", "dispatched"), "closed": ("closed", None),
    "on_time_rate": ("on_time", "closed"), "first_dispatch_accuracy": ("first_dispatch_ok", "dispatched"),
    "auto_dispatch_rate": ("auto", "dispatched"), "auto_dispatch_accuracy": ("auto_ok", "auto"),
    "return_rate": ("returned", "dispatched"), "satisfaction_before": ("sat_first", "rated"),
    "satisfaction_after": ("sat_last", "rated"), "resolution_before": ("res_first", "rated"),
    "resolution_after": ("res_last", "rated"), "objection_rate": ("objected", "closed"),
    "overdue": ("open_overdue", None), "arbitrated": ("arbitrated", None), "repeats": ("repeats", None),
}
# the drill-down page's title for each set
SET_LABELS = {
    "received": _("受理的诉求"), "dispatched": _("已分拨的诉求"), "accepted": _("已签收的诉求"),
    "first_dispatch_ok": _("一次分拨准确的诉求"), "returned": _("被退单的诉求"), "auto": _("自动分拨的诉求"),
    "auto_ok": _("自动分拨且未改派的诉求"), "closed": _("办结的诉求"), "on_time": _("按期办结的诉求"),
    "rated": _("已回访评价的诉求"), "sat_first": _("首次评价满意（含基本满意）的诉求"),
    "sat_last": _("最终评价满意（含基本满意）的诉求"), "res_first": _("首次评价已解决的诉求"),
    "res_last": _("最终评价已解决的诉求"), "objected": _("申诉的诉求"), "repeats": _("重复诉求"),
    "arbitrated": _("快裁定责的诉求"), "open_overdue": _("未办结且已超期的诉求"), "merged": _("已并单的诉求"),
}


def cards(figures: dict) -> list[dict]:
    return [
        {"key": k, "label": label, "kind": kind, "value": figures.get(k),
         "drill": DRILL.get(k, (None, None))[0], "base": DRILL.get(k, (None, None))[1]}
        for k, label, kind in KPI_CARDS
    ]


def _pct(rows: list[dict], key: str) -> list[float]:
    return [round((r[key] or 0) * 100, 1) for r in rows]


def charts(report: dict) -> dict:
    """The data of the four charts (dashboard.js draws them)."""
    trend, units, matters, channels = report["trend"], report["units"], report["matters"], report["channels"]
    return {
        "trend": {"months": [r["month"] for r in trend], "received": [r["received"] for r in trend],
                  "closed": [r["closed"] for r in trend]},
        "units": {"names": [u["name"] for u in units], "received": [u["received"] for u in units],
                  "on_time": _pct(units, "on_time_rate"), "satisfaction": _pct(units, "satisfaction_after")},
        "matters": {"names": [m["name"] for m in matters], "received": [m["received"] for m in matters],
                    "closed": [m["closed"] for m in matters], "on_time": _pct(matters, "on_time_rate"),
                    "satisfaction": _pct(matters, "satisfaction_after")},
        "channels": [{"name": c["name"], "value": c["received"]} for c in channels if c["received"]],
    }
