"""Quantitative statements: hand-checked rows from the seeds and constructed sentences."""

from __future__ import annotations

import pytest

from fazhi.reports import extract_indicators, scan_numbers
from fazhi.reports.loaders import clean_text
from fazhi.reports.vocabulary import LABELS, TERMS

from .conftest import seed_analysis

# (seed, phrase in name, value, unit, qualifier, normalized_name, year)
HAND_CHECKED = [
    ("000", "受理诉求事件", 166739, "宗", None, "appeals_received", 2024),
    ("000", "按期办结率", 100, "%", None, "on_time_rate", 2024),
    ("000", "一次分拨准确率", 90.77, "%", None, "first_dispatch_accuracy", 2024),
    ("000", "分拨用时", 2.79, "小时", None, "dispatch_hours", 2024),
    ("000", "总体满意率", 99.95, "%", None, "satisfaction_rate", 2024),
    ("000", "快裁疑难工单", 61, "宗", None, "arbitrations", 2024),
    ("000", "预警提醒函", 110, "份", None, "warning_letters", 2024),
    ("000", "法律咨询", 200, "次", "余", "legal_consultations", 2024),
    ("000", "法制审核", 86, "件", "余", "legal_reviews", 2024),
    ("000", "督查件", 196, "个", None, "inspection_items", 2024),
    ("000", "学法考试参考率", 100, "%", None, "law_exam_participation_rate", 2024),
    ("000", "学法考试优秀率", 100, "%", None, "law_exam_excellence_rate", 2024),
    ("000", "依申请公开", 399, "件", None, "disclosure_requests", 2024),
    ("000", "重点企业", 600, "家", "超", None, 2024),
    ("000", "预警准确率", 98, "%", "以上", None, 2024),
    ("000", "项目获奖", 2, "个", None, None, 2024),  # 两个 — a Chinese numeral
    ("001", "受理诉求", 10725, "宗", None, "appeals_received", 2023),
    ("001", "满意度", 99.32, "%", None, "satisfaction_rate", 2023),
    ("001", "可用事项", 1600, "项", "近", None, 2023),
    ("001", "自动分拔", 85, "%", None, "auto_dispatch_rate", 2023),
    ("001", "审核合同", 52, "份", None, "contracts_reviewed", 2023),
    ("001", "政协提案", 34, "件", None, "proposals_handled", 2023),
    ("001", "新增港澳服务点", 3, "个", None, None, 2023),
    ("002", "转办工单", 259962, "宗", None, "appeals_received", 2022),
    ("002", "按时完成率", 97.48, "%", None, "on_time_rate", 2022),  # written "97.48 %%"
    ("002", "参与率", 100, "%", None, "law_exam_participation_rate", 2022),
    ("002", "合格率", 100, "%", None, "law_exam_pass_rate", 2022),
    ("002", "热点专题", 3, "个", None, None, 2022),  # 三个
    ("002", "网格事件", 100, "个", "超", None, 2022),
    ("003", "法律意见", 800, "件", "余", "legal_opinions", 2024),
    ("003", "审查行政规范性文件", 15, "件", None, "normative_docs_reviewed", 2024),
    ("003", "印发行政规范性文件", 14, "件", None, "normative_docs_issued", 2024),
    ("003", "备案行政规范性文件", 6, "件", None, "normative_docs_filed", 2024),
    ("003", "清理行政规范性文件", 31, "件", None, "normative_docs_cleaned", 2024),
    ("003", "新收行政复议案件", 876, "宗", None, "reconsideration_cases", 2024),
    ("003", "行政诉讼", 92, "宗", None, "litigation_cases", 2024),
    ("003", "述法报告", 196, "份", None, "duty_reports", 2024),
    ("003", "乱摆卖", 128800, "宗", "余", None, 2024),  # 12.88万余宗
    ("003", "欠薪", 2.3, "亿元", None, None, 2024),
    ("003", "涉及金额", 56630.99, "万元", None, None, 2024),
    ("003", "参训", 750, "人次", None, "training_participants", 2024),
    ("004", "法律意见书", 79, "件", None, "legal_opinions", 2023),
    ("004", "民生诉求", 83, "宗", None, "appeals_received", 2023),
    ("004", "信访件", 35, "件", None, "petitions_handled", 2023),
    ("004", "接访群众", 150, "人次", "余", None, 2023),
    ("004", "学法考试优秀率", 100, "%", None, "law_exam_excellence_rate", 2023),  # 双100%
]


@pytest.mark.parametrize(("seed_id", "phrase", "value", "unit", "qualifier", "code", "year"), HAND_CHECKED)
def test_hand_checked_indicator(seed_id, phrase, value, unit, qualifier, code, year):
    rows = [r for r in seed_analysis(seed_id).indicators if phrase in r.name and r.value == value]
    assert rows, f"{phrase} {value} not found"
    row = rows[0]
    assert (row.unit, row.qualifier, row.normalized_name, row.year) == (unit, qualifier, code, year)
    assert row.raw in row.sentence


def test_year_on_year_changes_are_attached_to_their_figure():
    rows = {r.name: r for r in seed_analysis("000").indicators}
    accuracy = rows["一次分拨准确率"].change
    assert (accuracy.basis, accuracy.direction, accuracy.value, accuracy.unit) == ("同比", "up", 5.5, "%")
    assert rows["工单分拨用时"].change.value == 74.24
    disclosure = next(r for r in seed_analysis("000").indicators if r.value == 399).change
    assert (disclosure.basis, disclosure.direction, disclosure.value) == ("较去年同期", "down", 83)
    hotline = next(r for r in seed_analysis("002").indicators if r.value == 259962).change
    assert (hotline.direction, hotline.value) == ("up", 101.04)
    # A change is not a row of its own.
    assert not any(r.value in (5.5, 74.24, 83, 101.04) for r in seed_analysis("000").indicators)


def test_dates_document_numbers_headings_and_names_are_not_indicators():
    analysis = seed_analysis("002")
    kinds = {(m.text, m.kind) for m in analysis.mentions if m.kind != "indicator"}
    assert ("2022", "date") in kinds and ("12345", "unitless") in kinds and ("4.15", "name") in kinds
    assert ("24", "name") in kinds  # the "24小时暖心热线" is a service's name, not a figure
    assert not any(r.value in (2022, 12345) for r in analysis.indicators)


def rows_of(text: str, year: int = 2024):
    cleaned, _ = clean_text(text)
    return extract_indicators(cleaned, report_year=year)


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "qualifier"),
    [
        ("全年共办理行政复议案件三十五件。", 35, "件", None),
        ("开展普法宣传活动一百余场。", 100, "场", "余"),
        ("发放宣传资料两千余份。", 2000, "份", "余"),
        ("收到申请1,234件。", 1234, "件", None),
        ("受理热线工单３２１件。", 321, "件", None),  # full-width digits
        ("平均办理时长约3.5天。", 3.5, "天", "约"),
        ("出动执法人员5万余人次。", 50000, "人次", "余"),
        ("投入资金1.2亿元。", 1.2, "亿元", None),
        ("百分之九十五的事项实现网上办理。", 95, "%", None),
        ("惠及企业超过500家。", 500, "家", "超"),
        ("接访群众近百人次。", 100, "人次", "近"),
        ("办理一百零五件建议。", 105, "件", None),
        ("行政诉讼案件败诉率为0。", 0, "%", None),
    ],
)
def test_numeral_forms(sentence, value, unit, qualifier):
    rows = rows_of(sentence)
    assert len(rows) == 1, rows
    assert (rows[0].value, rows[0].unit, rows[0].qualifier) == (value, unit, qualifier)


def test_a_change_with_its_own_subject_is_not_attached_to_the_previous_figure():
    first, second = rows_of("全区法律顾问覆盖率100%,12345热线受理量较上年增长15.3%。")
    assert first.change is None
    assert (second.value, second.year) == (15.3, 2024)


def test_other_wordings():
    rows = {
        r.name: r for r in rows_of("全市共有执法人员1.5万人,行政复议纠错率为12.3%,较上年提高2.1个百分点。")
    }
    assert rows["执法人员"].value == 15000
    assert rows["行政复议纠错率"].normalized_name == "reconsideration_correction_rate"
    assert rows["行政复议纠错率"].change.value == 2.1


def test_ranges_keep_both_ends():
    (row,) = rows_of("一般事项3-5个工作日内办结。")
    assert (row.value, row.value_max, row.unit) == (3, 5, "个工作日")


def test_respectively_pairs_names_and_values():
    rows = rows_of("按期办结率、满意率分别为98%、97%。")
    assert [(r.name, r.value, r.normalized_name) for r in rows] == [
        ("按期办结率", 98, "on_time_rate"),
        ("满意率", 97, "satisfaction_rate"),
    ]


def test_percentage_point_change():
    (row,) = rows_of("收到政府信息公开申请1,234件,同比下降12.5个百分点。")
    assert row.normalized_name == "disclosure_requests"
    assert (row.change.direction, row.change.value, row.change.unit) == ("down", 12.5, "个百分点")


@pytest.mark.parametrize(
    "sentence",
    [
        "依据深府办〔2023〕12号文件执行。",
        "按照《广东省行政规范性文件管理规定》(粤府令第256号)第十二条规定办理。",
        "本规定自2024年1月1日起施行。",
        "落实省委“1310”具体部署和市委“1+6+3”工作安排。",
        "全面推进数字政府2.0建设。",
        "充分发挥12345热线平台作用。",
        "排名全市第3。",
        "各级领导十分重视,一体化推进二十大精神学习,实施二次统筹。",
        "联系电话:0755-12345678。",
    ],
)
def test_not_indicators(sentence):
    assert rows_of(sentence) == []


def test_year_comes_from_the_clause_or_a_leading_time_phrase():
    rows = rows_of("2023年以来,平台共受理诉求10725宗,今年新增12件,去年办结8件。", year=2024)
    assert [(r.value, r.year) for r in rows] == [(10725, 2023), (12, 2024), (8, 2023)]


def test_every_mention_has_a_decision():
    analysis = seed_analysis("003")
    indicators, mentions = scan_numbers(analysis.text, report_year=2024)
    assert {m.kind for m in mentions} <= {
        "indicator",
        "change",
        "date",
        "doc_number",
        "heading",
        "ordinal",
        "title",
        "name",
        "phone",
        "unitless",
    }
    assert len([m for m in mentions if m.kind == "indicator"]) <= len(indicators)


def test_vocabulary_has_chinese_labels_and_unique_codes():
    codes = [t.code for t in TERMS]
    assert len(codes) == len(set(codes))
    assert all(LABELS[c] and any("\u4e00" <= ch <= "\u9fff" for ch in LABELS[c]) for c in codes)
    for code in (
        "appeals_received",
        "on_time_rate",
        "satisfaction_rate",
        "first_dispatch_accuracy",
        "dispatch_hours",
        "disclosure_requests",
        "proactive_items",
        "legal_opinions",
        "contracts_reviewed",
        "normative_docs_reviewed",
        "normative_docs_issued",
        "normative_docs_filed",
        "normative_docs_cleaned",
        "proposals_handled",
        "reconsideration_cases",
        "litigation_cases",
        "law_exam_participation_rate",
        "law_exam_excellence_rate",
        "trainings_held",
    ):
        assert code in LABELS


def test_to_dict_is_json_ready():
    import json

    row = seed_analysis("000").indicators[0].to_dict()
    assert {"name", "normalized_name", "value", "qualifier", "unit", "year", "change", "sentence"} <= set(row)
    json.dumps(row, ensure_ascii=False)
