"""Where the draft's figures come from: one function per module, each calling that module's
public service and turning its figures into the report's sentences.

Only public functions are called (``fazhi.appeals.kpis.compute``, ``fazhi.disclosure.services
.annual_report``) and only the figures they return are used, so a change to how a module counts
reaches the report by itself and the report never has a second, diverging definition. Each
figure's ``source`` names the function, the figure and the filter.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .build_model import Block, Figure, fmt

SH = ZoneInfo("Asia/Shanghai")


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)


def change(current, previous, unit: str) -> dict | None:
    """同比 as the seeds state it: a percentage for counts and hours, percentage points for rates.

    None when there is nothing to compare with (no figure last year, or a zero base for a
    percentage change, which has no meaning).
    """
    if current is None or previous is None:
        return None
    if unit == "%":
        diff, out_unit = round(current - previous, 2), "个百分点"
    else:
        if previous == 0:
            return None
        diff, out_unit = round((current - previous) / previous * 100, 2), "%"
    direction = "flat" if diff == 0 else ("up" if diff > 0 else "down")
    words = {"%": ("增长", "下降"), "个百分点": ("上升", "下降"), "小时": ("增加", "减少")}
    up, down = words["小时" if unit == "小时" else out_unit]
    if direction == "flat":
        text = "与上年持平"
    else:
        text = f"同比{up if direction == 'up' else down}{fmt(abs(diff))}{out_unit}"
    return {"basis": "同比", "direction": direction, "value": abs(diff), "unit": out_unit,
            "previous": previous, "text": text}  # fmt: skip


def figure(key, label_, template, value, unit, indicator, source, previous=None, *, missing=None) -> Figure:
    """A figure whose sentence is `template` with {v} the value; `missing` when it has no value."""
    if value is None:
        return Figure(key, label_, missing or f"{label_}：无可计算的记录", None, unit, indicator, source)
    delta = change(value, previous, unit)
    text = template.format(v=fmt(value)) + (f"，{delta['text']}" if delta else "")
    return Figure(key, label_, text, value, unit, indicator, source, delta)


def _period(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=SH), datetime(year + 1, 1, 1, tzinfo=SH)


# --- appeals (12345) --------------------------------------------------------------------------

APPEAL_FIGURES = (
    # key, label, sentence, unit, vocabulary code, how the KPI counts (kpis.py docstring)
    ("received", "受理诉求", "全年受理群众诉求{v}件", "件", "appeals_received", "受理时间在本年度内的诉求"),
    ("closed", "办结诉求", "办结诉求{v}件", "件", "appeals_closed", "审核通过的办结或当场答复在本年度内的诉求"),
    ("on_time_rate", "按时办结率", "按时办结率{v}%", "%", "on_time_rate", "按时办结 ÷ 办结（含暂停与批准延期）"),
    ("satisfaction_before", "满意率", "满意率{v}%", "%", "satisfaction_rate", "首次回访在本年度内，满意+基本满意 ÷ 已评价"),
    ("satisfaction_after", "申诉后满意率", "群众申诉后满意率{v}%", "%", "satisfaction_rate", "同上，取截至年底的最新评价"),
    ("first_dispatch_accuracy", "一次分拨准确率", "一次分拨准确率{v}%", "%", "first_dispatch_accuracy",
     "首次分拨后未退单、未改派、未快裁改定 ÷ 已分拨"),
    ("dispatch_hours_mean", "平均分拨用时", "平均分拨用时{v}小时", "小时", "dispatch_hours", "首次分拨−登记，按工作小时计的平均值"),
    ("arbitrated", "快裁疑难工单", "快裁疑难工单{v}件", "件", "arbitrations", "本年度受理且经中心快裁定责的诉求"),
    ("objected", "群众申诉", "群众申诉{v}件", "件", None, "本年度内提出申诉的诉求"),
    ("repeats", "重复诉求", "重复诉求{v}件", "件", None, "本年度受理、30 日内同一诉求人或同一地点同一事项的重复诉求"),
)  # fmt: skip
# Rates whose denominator is zero have no value; the sentence says why instead of printing 0%.
APPEAL_MISSING = {
    "on_time_rate": "本年度无办结诉求，不计算按时办结率",
    "satisfaction_before": "本年度无回访评价，不计算满意率",
    "satisfaction_after": "本年度无回访评价，不计算申诉后满意率",
    "first_dispatch_accuracy": "本年度无分拨诉求，不计算一次分拨准确率",
    "dispatch_hours_mean": "本年度无分拨诉求，不计算分拨用时",
}


def _appeal_kpis(unit, year: int, include_sub_units: bool, now: datetime) -> tuple[dict, str]:
    from fazhi.appeals import kpis

    start, end = _period(year)
    if include_sub_units:
        f = kpis.KpiFilter(start=start, end=end, scope=(unit.path,), now=min(end, now))
        where = f"scope={unit.path}：受理单位或承办单位为本单位及下级单位"
    else:
        f = kpis.KpiFilter(start=start, end=end, unit=unit.pk, now=min(end, now))
        where = f"unit={unit.pk}：当前承办单位为本单位"
    desc = f"KpiFilter(start={year}-01-01, end={year + 1}-01-01 北京时间, {where})"
    return kpis.compute(f), desc


def _appeal_values(k: dict) -> dict:
    return {
        **{key: k[key] for key in ("received", "closed", "arbitrated", "objected", "repeats")},
        **{key: _pct(k[key]) for key in ("on_time_rate", "satisfaction_before", "satisfaction_after",
                                          "first_dispatch_accuracy")},
        "dispatch_hours_mean": k["dispatch_hours_mean"],
    }  # fmt: skip


def _appeals_empty(k: dict) -> bool:
    return not any(k[key] for key in ("received", "closed", "rated", "objected"))


def appeals_block(unit, year: int, include_sub_units: bool, *, now: datetime) -> Block:
    """诉求办理: the appeal KPIs of the year, with last year's as 同比 when it had appeals."""
    block = Block("appeals", "12345热线诉求办理")
    current, desc = _appeal_kpis(unit, year, include_sub_units, now)
    if _appeals_empty(current):
        block.empty = (
            f"本年度平台上没有{'本单位及下级单位' if include_sub_units else '本单位'}的诉求办理记录。"
        )
        return block
    last, _ = _appeal_kpis(unit, year - 1, include_sub_units, now)
    values = _appeal_values(current)
    before = None if _appeals_empty(last) else _appeal_values(last)
    for key, label_, template, unit_, code, meaning in APPEAL_FIGURES:
        source = f"fazhi.appeals.kpis.compute → {key}（{meaning}）；{desc}"
        previous = before[key] if before else None
        block.figures.append(
            figure(f"appeals.{key}", label_, template, values[key], unit_, code, source, previous,
                   missing=APPEAL_MISSING.get(key))
        )  # fmt: skip
    return block


# --- information disclosure -----------------------------------------------------------------

DISCLOSURE_FIGURES = (
    # key, label, sentence, unit, vocabulary code, where in the national tables
    ("new", "新收政府信息公开申请", "全年新收政府信息公开申请{v}件", "disclosure_requests", "表二 一、本年新收（总计列）"),
    ("carried_over", "上年结转申请", "上年结转{v}件", None, "表二 二、上年结转（总计列）"),
    ("handled", "办理完毕申请", "本年办理完毕{v}件", None, "表二 三、（七）总计（总计列）"),
    ("disclosed", "予以公开", "其中予以公开{v}件", None, "表二 三、（一）予以公开（总计列）"),
    ("partly_disclosed", "部分公开", "部分公开{v}件", None, "表二 三、（二）部分公开（总计列）"),
    ("carried_forward", "结转下年度申请", "结转下年度继续办理{v}件", None, "表二 四、结转下年度继续办理（总计列）"),
    ("normative_issued", "制定规范性文件", "本年制定规范性文件{v}件", "normative_docs_issued", "表一 规范性文件 本年制发件数"),
    ("licensing", "行政许可决定", "作出行政许可决定{v}件", None, "表一 行政许可 本年处理决定数量"),
    ("penalty", "行政处罚决定", "行政处罚决定{v}件", None, "表一 行政处罚 本年处理决定数量"),
    ("enforcement", "行政强制决定", "行政强制决定{v}件", None, "表一 行政强制 本年处理决定数量"),
    ("reconsideration", "信息公开行政复议", "政府信息公开方面被申请行政复议{v}件", None, "表三 行政复议 总计"),
    ("litigation", "信息公开行政诉讼", "被提起行政诉讼{v}件", None, "表三 行政诉讼 未经复议直接起诉与复议后起诉的总计之和"),
)  # fmt: skip


def _disclosure_values(view) -> dict:
    t2, t3, p = view.tables.requests, view.tables.reviews, view.tables.proactive
    total = "total"
    return {
        "new": t2.value("new", total),
        "carried_over": t2.value("carried_over", total),
        "handled": t2.value("outcome_total", total),
        "disclosed": t2.value("disclosed", total),
        "partly_disclosed": t2.value("partly_disclosed", total),
        "carried_forward": t2.value("carried_forward", total),
        "normative_issued": p.normative_documents_issued,
        "licensing": p.licensing_decisions,
        "penalty": p.penalty_decisions,
        "enforcement": p.enforcement_decisions,
        "reconsideration": t3.value("reconsideration", total),
        "litigation": t3.value("litigation_direct", total)
        + t3.value("litigation_after_reconsideration", total),
    }


def _disclosure_empty(values: dict) -> bool:
    return not any(values.values())


def disclosure_block(unit, year: int, include_sub_units: bool) -> Block:
    """政府信息公开: the national annual tables' headline cells, built by the disclosure service."""
    from fazhi.disclosure import services

    block = Block("disclosure", "政府信息公开")
    view = services.annual_report(unit=unit, year=year, include_sub_units=include_sub_units)
    values = _disclosure_values(view)
    if _disclosure_empty(values):
        block.empty = (
            f"本年度平台上没有{'本单位及下级单位' if include_sub_units else '本单位'}的政府信息公开记录。"
        )
        return block
    last = _disclosure_values(
        services.annual_report(unit=unit, year=year - 1, include_sub_units=include_sub_units)
    )
    before = None if _disclosure_empty(last) else last
    call = (
        f"fazhi.disclosure.services.annual_report(unit={unit.code}, year={year}, "
        f"include_sub_units={include_sub_units})"
    )
    for key, label_, template, code, cell in DISCLOSURE_FIGURES:
        previous = before[key] if before else None
        block.figures.append(figure(f"disclosure.{key}", label_, template, values[key], "件", code,
                                    f"{call} → {cell}", previous))  # fmt: skip
    if view.problems:
        block.notes.append(
            f"信息公开年度报表有 {len(view.problems)} 项校验问题，上述数字可能不准确，"
            "请先在“政府信息公开—年度报告”页面核对并更正记录。"
        )
    return block
