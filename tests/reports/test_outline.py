"""Heading ladder: 一、 / (一) / 1. / (1) / 一是, with sequence checks."""

from __future__ import annotations

from fazhi.reports import build_outline

from .conftest import seed_analysis

TEXT = """某局2024年法治政府建设年度报告
今年工作报告如下:
一、主要举措
（一）加强领导。全年召开会议3次。
1.健全制度。印发制度5项。2.强化监督。开展检查2次。
（二）深化改革
一是推进放管服。二是优化服务。
二、存在问题
一是学习不够。二是宣传不足。其中二是个别现象。
三、下一步安排
全局将继续努力。
"""


def test_levels_and_titles():
    outline = build_outline(TEXT)
    assert outline.title == "某局2024年法治政府建设年度报告"
    assert outline.preamble == "今年工作报告如下:"
    headings = [(s.level, s.heading) for s in outline.sections()]
    assert headings == [
        (1, "一、主要举措"),
        (2, "(一)加强领导"),
        (3, "1.健全制度"),
        (3, "2.强化监督"),
        (2, "(二)深化改革"),
        (5, "一是推进放管服"),
        (5, "二是优化服务"),
        (1, "二、存在问题"),
        (5, "一是学习不够"),
        (5, "二是宣传不足"),
        (1, "三、下一步安排"),
    ]


def test_out_of_sequence_markers_stay_text():
    outline = build_outline(TEXT)
    problems = outline.sections()[8]
    # "其中二是个别现象" follows 二是 and does not continue the list.
    assert problems.parent.heading == "二、存在问题"
    assert "其中二是个别现象" in outline.sections()[9].text


def test_section_at_offset():
    outline = build_outline(TEXT)
    assert outline.section_at(TEXT.index("开展检查")).heading == "2.强化监督"
    assert outline.section_at(0).level == 0


def test_second_list_takes_its_introduction():
    outline = seed_analysis("000").outline
    problems = outline.top_sections()[1]
    firsts = [c for c in problems.children if c.number == 1]
    assert len(firsts) == 2
    assert "改进措施" in firsts[0].lead and "薄弱环节" in firsts[1].lead
    assert "薄弱环节" not in problems.children[2].text


def test_closing_paragraph_is_kept_apart():
    outline = seed_analysis("004").outline
    assert outline.closing.startswith("区重点区域署将继续")
    assert outline.closing not in outline.sections()[-1].text


def test_seed_top_sections(seed):
    counts = {"000": 3, "001": 2, "002": 3, "003": 8, "004": 3}
    assert len(seed_analysis(seed).outline.top_sections()) == counts[seed]
