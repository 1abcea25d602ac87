"""The required-part map of each seed report, checked by hand against the text."""

from __future__ import annotations

import pytest

from fazhi.reports import analyze_text, build_outline, map_parts

from .conftest import seed_analysis

# part → (status, a heading or inline-section phrase that must appear)
EXPECTED = {
    "000": {  # 光明区政务服务和数据管理局 2024
        "measures": ("found", "总体情况"),
        "shortcomings": ("found", "存在的问题"),
        "leader_duties": ("found_inline", "提升干部法治素养和能力"),
        "plans": ("found", "2025年法治政府建设工作计划"),
        "other": ("missing", None),
        "rectification": ("found_inline", "存在的问题"),
    },
    "001": {  # 江门市政务服务数据管理局 2023: problems are the tail of section 一
        "measures": ("found", "主要措施"),
        "shortcomings": ("found", "成效及存在问题"),
        "leader_duties": ("found_inline", "夯实理论根基"),
        "plans": ("found", "工作思路"),
        "other": ("missing", None),
        "rectification": ("missing", None),
    },
    "002": {  # 花都区政务服务数据管理局 2022
        "measures": ("found", "主要法治工作情况"),
        "shortcomings": ("found", "存在问题"),
        "leader_duties": ("found_inline", "加强党对法治政府建设的领导"),
        "plans": ("found", "下一年法治政府建设工作安排"),
        "other": ("missing", None),
        "rectification": ("missing", None),
    },
    "003": {  # 南山区人民政府 2024: five measure sections, then rectification, problems, plans
        "measures": ("found", "健全依法行政制度体系"),
        "shortcomings": ("found", "2024年度存在不足和原因"),
        "leader_duties": ("found", "第一责任人职责"),
        "plans": ("found", "下一步工作安排"),
        "other": ("missing", None),
        "rectification": ("found", "存在问题的改进情况"),
    },
    "004": {  # 区重点区域署 2023: the leader's duties are a sub-section (二) of section 一
        "measures": ("found", "主要举措和工作成效"),
        "shortcomings": ("found", "不足之处"),
        "leader_duties": ("found", "第一责任人职责"),
        "plans": ("found", "下一步工作计划"),
        "other": ("missing", None),
        "rectification": ("missing", None),
    },
}


@pytest.mark.parametrize("seed_id", sorted(EXPECTED))
def test_required_parts_of_each_seed(seed_id):
    parts = seed_analysis(seed_id).to_dict()["required_parts"]
    for part, (status, phrase) in EXPECTED[seed_id].items():
        got = parts[part]
        assert got["status"] == status, (seed_id, part, got)
        assert got["found"] is (status == "found")
        if status == "found":
            assert any(phrase in title for title in got["sections"]), (seed_id, part, got["sections"])
            assert got["found_inline"] is None
        elif status == "found_inline":
            assert got["sections"] == []
            assert phrase in got["found_inline"]["section"], (seed_id, part, got["found_inline"])
            assert got["found_inline"]["sentence"]
        else:
            assert got["sections"] == [] and got["found_inline"] is None


def test_inline_leader_duty_quotes_the_sentence():
    inline = seed_analysis("000").to_dict()["required_parts"]["leader_duties"]["found_inline"]
    assert "第一责任人" in inline["sentence"]
    assert "第一责任人" in inline["excerpt"] and len(inline["excerpt"]) < len(inline["sentence"])
    assert inline["path"][0].startswith("一、")


def test_nanshan_measures_are_its_first_five_sections():
    sections = seed_analysis("003").to_dict()["required_parts"]["measures"]["sections"]
    assert [s[:2] for s in sections] == ["一、", "二、", "三、", "四、", "五、"]


def test_missing_parts_listed():
    assert seed_analysis("000").missing_parts == ["leader_duties", "other"]
    assert seed_analysis("004").missing_parts == ["other"]


SYNTHETIC = """某县司法局2024年法治政府建设年度报告
一、主要举措和成效
(一)完善制度。本局全年审核合同12份。
(二)补齐短板,强化执法。组织培训3期。
二、主要负责人履行推进法治建设第一责任人职责情况
局长带头述法。
三、存在的不足和原因
一是普法形式单一。二是执法队伍力量不足。
四、2025年工作安排
(一)加强普法。
(二)充实执法队伍。
五、其他需要报告的情况
无。
"""


def test_all_parts_found_in_a_complete_report():
    outline = build_outline(analyze_text(SYNTHETIC).text)
    statuses = map_parts(outline)
    found = {part: status.status for part, status in statuses.items()}
    assert found == {
        "measures": "found",
        "shortcomings": "found",
        "leader_duties": "found",
        "plans": "found",
        "other": "found",
        "rectification": "missing",
    }
    # "补齐短板" inside the measures is not a problems section.
    assert [s.heading for s in statuses["shortcomings"].sections] == ["三、存在的不足和原因"]


def test_one_heading_for_problems_and_plans():
    text = (
        "2024年,某街道办事处推进法治政府建设。\n一.主要工作成效\n全年调解纠纷30宗。\n"
        "二.存在问题及下一步工作打算\n存在的不足:一是宣传不够。二是队伍薄弱。\n下一步,我们将:一是加强宣传。二是充实队伍。\n"
    )
    analysis = analyze_text(text)
    statuses = analysis.parts
    assert statuses["shortcomings"].found and statuses["plans"].found
    assert [i.title for i in analysis.shortcomings] == ["宣传不够", "队伍薄弱"]
    assert [i.title for i in analysis.plans] == ["加强宣传", "充实队伍"]
