"""Import: encodings, boilerplate, DOCX, PDF and web pages give the same analysis as the text."""

from __future__ import annotations

import pytest

from fazhi.reports import ReportLoadError, analyze_file, load_report
from fazhi.reports.html_text import html_to_text
from fazhi.reports.loaders import clean_text, decode_bytes, join_wrapped_lines

from .builders import make_docx, make_html, make_pdf
from .conftest import seed_analysis, seed_path

SAMPLE = "2024年,某区司法局全面推进法治政府建设。全年审核合同52份,出具法律意见书79件,按期办结率100%。"


def signature(analysis):
    """What a reviewer sees: parts, figures, problems and plans."""
    return (
        {p: (s.found, [x.heading for x in s.sections], s.inline_sentence) for p, s in analysis.parts.items()},
        [
            (r.name, r.value, r.unit, r.qualifier, r.normalized_name, r.year, r.sentence)
            for r in analysis.indicators
        ],
        [(i.title, i.text) for i in analysis.shortcomings],
        [(i.title, i.text) for i in analysis.rectifications],
        [(i.title, i.text) for i in analysis.plans],
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    report = load_report(path)
    assert report.text == SAMPLE
    assert report.metadata.year == 2024 and report.metadata.unit == "某区司法局"


def test_binary_and_empty_files_are_refused(tmp_path):
    with pytest.raises(ReportLoadError, match="二进制"):
        decode_bytes(b"\x00\x01\x02garbage")
    path = tmp_path / "empty.txt"
    path.write_bytes(b"   \n")
    with pytest.raises(ReportLoadError):
        load_report(path)


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(ReportLoadError, match="不存在"):
        load_report(tmp_path / "nope.txt")
    odd = tmp_path / "report.xls"
    odd.write_bytes(b"x")
    with pytest.raises(ReportLoadError, match="不支持"):
        load_report(odd)


def test_corrupt_docx_and_pdf(tmp_path):
    for name in ("bad.docx", "bad.pdf"):
        path = tmp_path / name
        path.write_bytes(b"this is not really a document at all")
        with pytest.raises(ReportLoadError):
            load_report(path)


def test_clean_text_folds_full_width_and_drops_boilerplate():
    text, byline = clean_text(
        "时间:2024-12-31来源:南山区人民政府\n（一）审核合同５２份，\n扫一扫在手机打开当前页\n相关政策法规/解读\n"
    )
    assert text == "(一)审核合同52份,"
    assert byline == {"published": "2024-12-31", "source": "南山区人民政府"}


def test_pdf_lines_are_joined_into_paragraphs():
    lines = ["一、总体情况", "全年审核合同52份,出具法律意见书", "79件。", "(一)加强领导"]
    assert join_wrapped_lines(lines) == "一、总体情况\n全年审核合同52份,出具法律意见书79件。\n(一)加强领导"


def test_html_boilerplate_is_removed():
    page = make_html(SAMPLE, "某区司法局2024年法治政府建设年度报告", content_class="box")
    text = html_to_text(page)
    for junk in ("统计代码", "首页", "当前位置", "分享", "打印", "扫一扫", "相关政策", "版权所有", ".x"):
        assert junk not in clean_text(text)[0], junk
    assert SAMPLE in text


def test_same_report_twice_has_the_same_hash(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SAMPLE, encoding="utf-8")
    b.write_bytes((SAMPLE.replace("。", "。\n") + "\n").encode("gb18030"))
    assert load_report(a).metadata.sha256 == load_report(b).metadata.sha256


@pytest.mark.parametrize("seed_id", ["000", "001", "002", "003", "004"])
def test_docx_gives_the_same_analysis(tmp_path, seed_id):
    text = seed_path(seed_id).read_text(encoding="utf-8")
    analysis = analyze_file(make_docx(text, tmp_path / "report.docx"))
    expected = seed_analysis(seed_id)
    assert signature(analysis) == signature(expected)
    assert analysis.metadata.sha256 == expected.metadata.sha256
    assert analysis.metadata.source_format == "docx"


@pytest.mark.parametrize("seed_id", ["000", "001", "002", "003", "004"])
def test_pdf_gives_the_same_analysis(tmp_path, seed_id):
    pytest.importorskip("reportlab")
    text = seed_path(seed_id).read_text(encoding="utf-8")
    analysis = analyze_file(make_pdf(text, tmp_path / "report.pdf"))
    expected = seed_analysis(seed_id)
    assert signature(analysis) == signature(expected)
    # Line wrapping is undone, so even the content hash matches the text file's.
    assert analysis.metadata.sha256 == expected.metadata.sha256


@pytest.mark.parametrize("seed_id", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("content_class", ["TRS_Editor", "box"])
def test_web_page_gives_the_same_analysis(tmp_path, seed_id, content_class):
    expected = seed_analysis(seed_id)
    text = seed_path(seed_id).read_text(encoding="utf-8")
    meta = expected.metadata
    title = f"{meta.unit}{meta.year}年法治政府建设年度报告"
    path = tmp_path / "report.html"
    path.write_text(make_html(text, title, content_class=content_class), encoding="utf-8")
    analysis = analyze_file(path)
    assert signature(analysis) == signature(expected)
    assert (analysis.metadata.unit, analysis.metadata.year) == (meta.unit, meta.year)


def test_gb2312_web_page(tmp_path):
    page = make_html(SAMPLE, "某区司法局2024年法治政府建设年度报告").replace(
        'charset="utf-8"', 'charset="gb2312"'
    )
    path = tmp_path / "report.htm"
    path.write_bytes(page.encode("gb18030"))
    assert SAMPLE in load_report(path).text


def test_seed_metadata(seed):
    expected = {
        "000": ("光明区政务服务和数据管理局", 2024),
        "001": ("江门市政务服务数据管理局", 2023),
        "002": ("广州市花都区政务服务数据管理局", 2022),
        "003": ("南山区人民政府", 2024),
        "004": ("龙岗区重点区域署", 2023),
    }[seed]
    meta = seed_analysis(seed).metadata
    assert (meta.unit, meta.year) == expected
    assert len(meta.sha256) == 64


def test_word_headings_numbered_by_word_get_their_markers(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某区司法局2024年法治政府建设年度报告")
    document.add_heading("主要举措和成效", level=1)
    document.add_heading("加强组织领导", level=2)
    document.add_paragraph("全年审核合同52份。")
    document.add_heading("存在的不足", level=1)
    document.add_paragraph("一是普法形式单一。二是执法力量不足。")
    document.add_heading("2025年工作计划", level=1)
    document.add_paragraph("一是加强普法。")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    analysis = analyze_file(path)
    assert [s.heading for s in analysis.outline.top_sections()] == [
        "一、主要举措和成效",
        "二、存在的不足",
        "三、2025年工作计划",
    ]
    assert analysis.outline.sections()[1].heading == "(一)加强组织领导"
    assert len(analysis.shortcomings) == 2 and len(analysis.plans) == 1


def test_hard_wrapped_text_file_is_rejoined(tmp_path):
    text = seed_path("003").read_text(encoding="utf-8")
    wrapped = "\n".join(line[i : i + 30] for line in text.split("\n") for i in range(0, len(line), 30))
    path = tmp_path / "wrapped.txt"
    path.write_text(wrapped, encoding="utf-8")
    analysis = analyze_file(path)
    expected = seed_analysis("003")
    assert [(r.name, r.value) for r in analysis.indicators] == [
        (r.name, r.value) for r in expected.indicators
    ]
    assert len(analysis.shortcomings) == 2
