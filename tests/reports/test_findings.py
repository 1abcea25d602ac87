"""Shortcomings, rectifications and plans as rows; following last year's problems up."""

from __future__ import annotations

import pytest

from fazhi.reports import analyze_text, compare_reports, compare_with_previous

from .conftest import seed_analysis

SHORTCOMINGS = {
    "000": ["法治学习体系需完善", "行政决策效率与质量需双提升", "法治宣传教育手段需多元化"],
    "001": ["宣传力度需加强", "学习不够系统", "创新突破有待进一步拓展"],
    "002": ["法治意识和法治思维有待加强", "数据应用效率不高", "信息应用场景不多"],
    "003": ["行政执法规范化水平有待提高", "数字法治政府建设仍需探索"],
    "004": ["法律知识储备不足", "普法宣传形式有待丰富"],
}
RECTIFICATIONS = {
    "000": ["强化理论武装", "规范建设并进", "增强法治观念"],
    "003": ["增强公职人员法治意识", "政务公开标准化规范化", "普法工作提质增效"],
}
PLANS = {"000": 3, "001": 3, "002": 3, "003": 3, "004": 3}


@pytest.mark.parametrize("seed_id", sorted(SHORTCOMINGS))
def test_shortcomings(seed_id):
    rows = seed_analysis(seed_id).shortcomings
    assert len(rows) == len(SHORTCOMINGS[seed_id])
    for row, phrase in zip(rows, SHORTCOMINGS[seed_id], strict=True):
        assert phrase in row.text, (phrase, row.text)
        assert row.part == "shortcomings"


def test_shortcoming_rows_name_their_section():
    row = seed_analysis("001").shortcomings[0]
    assert row.section.startswith("一、") and "存在问题" in row.section
    assert row.title == "法治建设的宣传力度需加强"
    # The sentence introducing the problems list is not part of any item.
    assert all("薄弱环节" not in r.text for r in seed_analysis("000").rectifications)


@pytest.mark.parametrize("seed_id", ["000", "001", "002", "003", "004"])
def test_rectifications(seed_id):
    rows = seed_analysis(seed_id).rectifications
    expected = RECTIFICATIONS.get(seed_id, [])
    assert len(rows) == len(expected)
    for row, phrase in zip(rows, expected, strict=True):
        assert phrase in row.text


@pytest.mark.parametrize("seed_id", sorted(PLANS))
def test_plans(seed_id):
    rows = seed_analysis(seed_id).plans
    assert len(rows) == PLANS[seed_id]
    assert all(row.part == "plans" and row.text for row in rows)


def test_plan_titles():
    assert [p.title for p in seed_analysis("003").plans] == [
        "聚焦行政执法质量提升",
        "深化街道综合执法改革",
        "加强数字法治政府建设",
    ]
    assert seed_analysis("001").plans[0].title == "持续推进规则对接,深度参与粤港澳大融合"


# A constructed next-year report for 江门 (seed 001): it rectifies the publicity problem, names
# the study problem again, and never mentions the third (innovation through data sharing).
NEXT_YEAR = """2024年,市政务服务数据管理局深入推进法治政府建设。现将有关情况报告如下:
一、2024年主要措施和成效
(一)优化政务服务。全年受理诉求12000宗。
二、2023年存在问题的整改情况
一是加大法治建设宣传力度,拓展宣传方式,扩大宣传受众,法治建设宣传效果明显提升。
三、存在的不足
一是部分干部职工对法律法规知识的学习仍不够系统深入。
四、2025年工作计划
(一)深化数字政府改革。
"""


def test_follow_up_marks_rectified_repeated_and_dropped():
    previous = seed_analysis("001")
    this = analyze_text(NEXT_YEAR)
    rows = compare_with_previous(previous, this)
    assert [r.status for r in rows] == ["rectified", "repeated", "dropped"], [
        (r.status, r.confidence) for r in rows
    ]
    assert "宣传" in rows[0].best_sentence and rows[0].where == "rectification"
    assert rows[0].confidence > rows[2].confidence
    assert all(0 <= r.confidence <= 1 for r in rows)


def test_follow_up_across_real_reports_finds_the_recurring_topic():
    # 004 (2023) complains about legal-education publicity; 000 (2024, another unit) has the
    # same complaint — the best match must be that problem, not an unrelated sentence.
    rows = compare_with_previous(seed_analysis("004"), seed_analysis("000"))
    publicity = rows[1]
    assert "宣传" in publicity.best_sentence and publicity.status == "repeated"


def test_compare_reports_to_dict():
    comparison = compare_reports(seed_analysis("001"), analyze_text(NEXT_YEAR)).to_dict()
    assert comparison["dropped"] == ["运用法治思维推进工作创新突破有待进一步拓展"]
    assert {"follow_up", "boilerplate", "old", "new", "same_content"} <= set(comparison)


def test_unnumbered_problem_paragraphs_are_items():
    analysis = analyze_text(
        "2024年,某镇人民政府推进法治政府建设。\n一、主要成效\n全年调解纠纷30宗。\n二、存在的问题\n"
        "基层执法人员法律素养有待提高,执法程序不够规范。\n普法宣传形式较为单一,覆盖面不广。\n三、2025年工作计划\n(一)加强培训。\n"
    )
    assert [i.title for i in analysis.shortcomings] == [
        "基层执法人员法律素养有待提高,执法程序不够规范。",
        "普法宣传形式较为单一,覆盖面不广。",
    ]
