"""Boilerplate: copied passages and section similarity between two reports."""

from __future__ import annotations

from fazhi.reports import analyze_text, compare_reports, copied_passages
from fazhi.reports.similarity import TfidfSpace, char_ngrams

from .conftest import seed_analysis


def test_char_ngrams_do_not_cross_punctuation():
    grams = char_ngrams("法治,建设")
    assert "治建" not in grams and "法治" in grams and "建设" in grams


def test_tfidf_similarity_orders_related_texts():
    docs = ["加强法治宣传教育,丰富普法形式", "普法宣传形式有待丰富", "数据中心扩容升级", "法治政府建设"]
    space = TfidfSpace(docs)
    assert space.similarity(docs[0], docs[1]) > space.similarity(docs[0], docs[2])
    assert abs(space.similarity(docs[0], docs[0]) - 1.0) < 1e-9


def test_copied_passages_are_aligned_in_both_texts():
    a = "甲乙丙。" + "我局坚持以习近平法治思想为指导,全面推进依法行政工作,取得积极成效。" + "丁戊。"
    b = "前言部分不同。" + "我局坚持以习近平法治思想为指导,全面推进依法行政工作,取得积极成效。" + "结尾。"
    (passage,) = copied_passages(a, b, min_chars=20)
    assert a[passage.a_start : passage.a_end] == b[passage.b_start : passage.b_end] == passage.text
    assert passage.length >= 30
    assert copied_passages(a, b, min_chars=100) == []


def test_copied_paragraph_moved_to_another_section_is_found():
    old = seed_analysis("004")
    paragraph = max(old.text.split("\n"), key=len)  # last year's longest paragraph, copied whole
    new = analyze_text(
        "2024年,区重点区域署全面推进法治政府建设。\n一、主要举措\n(一)新的工作。全年审核合同12份。\n"
        f"(二)深化法治建设\n{paragraph}\n二、存在问题\n一是宣传不足。\n三、下一步计划\n(一)加强宣传。\n"
    )
    report = compare_reports(old, new).boilerplate
    longest = max(report.passages, key=lambda p: p.length)
    assert longest.length >= len(paragraph) * 0.9
    assert report.copied_share > 0.5
    source = old.outline.section_at(old.text.index(paragraph) + 5)
    while source.level > 2:
        source = source.parent
    section = next(s for s in report.sections if s.heading.startswith("(二)"))
    assert section.other_heading == source.heading and section.score > 0.3


def test_different_units_share_little():
    report = compare_reports(seed_analysis("002"), seed_analysis("003")).boilerplate
    assert report.copied_share < 0.05
    assert all(p.length >= 20 for p in report.passages)
