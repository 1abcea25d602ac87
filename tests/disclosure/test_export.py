import io
from collections import Counter

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from fazhi.disclosure.annual import TABLE2_ROWS, build_annual_tables, check_consistency
from fazhi.disclosure.export import (
    BALANCE_NOTE,
    PART_TITLES,
    render_annual_report_docx,
    render_annual_report_xlsx,
    table1_grid,
    table2_grid,
    table3_grid,
)
from tests.disclosure import scenario as s

WARNING = "未通过一致性校验"

UNIT = "某某区政务服务数据管理局"


@pytest.fixture(scope="module")
def tables():
    return build_annual_tables(
        year=s.YEAR, requests=s.REQUESTS, carried_over_ids=s.CARRIED_OVER_IDS, proactive=s.PROACTIVE,
        reviews=s.REVIEWS,
    )  # fmt: skip


@pytest.fixture(scope="module")
def report(tables):
    data = render_annual_report_docx(
        tables=tables,
        unit_name=UNIT,
        overview="2025年，本局坚持以公开为常态、不公开为例外。\n\n全年新收政府信息公开申请18件。",
        problems_and_improvements="依申请公开答复的规范性有待提高。\n下一步将加强培训。",
        other_matters="本年度无其他需要报告的事项。",
        information_fees_yuan=300,
    )
    return docx.Document(io.BytesIO(data))


@pytest.mark.parametrize("grid_of", [table1_grid, table2_grid, table3_grid])
def test_every_grid_position_is_covered_exactly_once(tables, grid_of):
    grid = grid_of(tables)
    covered = Counter(
        (gc.row + dr, gc.col + dc)
        for gc in grid.cells
        for dr in range(gc.rowspan)
        for dc in range(gc.colspan)
    )
    assert set(covered) == {(r, c) for r in range(grid.rows) for c in range(grid.cols)}
    assert set(covered.values()) == {1}


def test_docx_has_the_six_parts_in_order(report):
    texts = [p.text for p in report.paragraphs]
    assert texts[0] == f"{UNIT}2025年政府信息公开工作年度报告"
    positions = [texts.index(title) for title in PART_TITLES]
    assert positions == sorted(positions)
    assert "2025年1月1日起至2025年12月31日止" in texts[1]
    assert "全年新收政府信息公开申请18件。" in texts and "下一步将加强培训。" in texts
    assert (
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度共收取信息处理费300元。"
        in texts
    )
    assert len(report.tables) == 3
    assert report.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_docx_table1(report):
    t = report.tables[0]
    assert [c.text for c in t.rows[1].cells] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert [c.text for c in t.rows[3].cells] == ["行政规范性文件", "5", "3", "41"]
    assert [c.text for c in t.rows[6].cells] == ["行政许可", "1234", "1234", "1234"]  # merged across 3
    assert t.rows[13].cells[0].text == "行政事业性收费" and t.rows[13].cells[1].text == "12.35"


def test_docx_table2_has_merged_headers_and_the_numbers(report):
    t = report.tables[1]
    assert len(t.rows) == 28 and len(t.columns) == 10
    assert t.cell(0, 0).text == BALANCE_NOTE and t.cell(2, 2).text == BALANCE_NOTE  # 3×3 merge
    assert t.cell(0, 0)._tc is t.cell(2, 2)._tc
    assert [t.cell(0, c).text for c in range(3, 10)] == ["申请人情况"] * 7
    assert t.cell(1, 3).text == t.cell(2, 3).text == "自然人"
    assert [t.cell(1, c).text for c in range(4, 9)] == ["法人或其他组织"] * 5
    assert [t.cell(2, c).text for c in range(4, 9)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert t.cell(1, 9).text == t.cell(2, 9).text == "总计"
    assert t.cell(5, 0).text == t.cell(26, 0).text == "三、本年度办理结果"
    assert t.cell(7, 1).text == t.cell(14, 1).text == "（三）不予公开"
    assert t.cell(7, 2).text == "1.属于国家秘密"
    assert t.cell(26, 1).text == "（七）总计"
    for offset, row in enumerate(TABLE2_ROWS):
        expected = [str(v) for v in s.EXPECTED_TABLE2.get(row, [0] * 7)]
        assert [t.cell(3 + offset, c).text for c in range(3, 10)] == expected, row


def test_docx_table3(report):
    t = report.tables[2]
    assert t.cell(0, 0).text == "行政复议" and t.cell(0, 14).text == "行政诉讼"
    assert t.cell(1, 10).text == "复议后起诉" and t.cell(2, 14).text == "总计"
    assert [c.text for c in t.rows[3].cells] == [str(v) for v in s.EXPECTED_TABLE3]


def test_no_fees_sentence():
    tables = build_annual_tables(
        year=2025, requests=[], carried_over_ids=[], proactive=s.PROACTIVE, reviews=[]
    )
    data = render_annual_report_docx(
        tables=tables, unit_name=UNIT, overview="x", problems_and_improvements="y", other_matters="z"
    )
    assert "本年度未收取信息处理费。" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def broken_problems(tables):
    """The hand-counted year with one request entered twice: a check fails and names YSQ-n01."""
    problems = check_consistency(tables, requests=[*s.REQUESTS, s.NEW[0]], previous_carried_forward=3)
    assert [p.code for p in problems] == ["counted_twice"]
    return problems


def test_xlsx(tables):
    wb = openpyxl.load_workbook(io.BytesIO(render_annual_report_xlsx(tables=tables, unit_name=UNIT)))
    assert wb.sheetnames == ["主动公开", "收到和处理申请", "复议诉讼"]

    ws = wb["收到和处理申请"]
    assert ws["A1"].value == f"{UNIT}2025年 三、收到和处理政府信息公开申请情况" and ws["A1"].font.bold
    assert ws.freeze_panes == "D5"
    assert ws["A2"].value == BALANCE_NOTE and ws["A2"].font.bold
    assert "A2:C4" in {str(r) for r in ws.merged_cells.ranges}
    assert "A7:A28" in {str(r) for r in ws.merged_cells.ranges}
    for offset, row in enumerate(TABLE2_ROWS):
        values = [ws.cell(row=5 + offset, column=c).value for c in range(4, 11)]
        assert values == s.EXPECTED_TABLE2.get(row, [0] * 7), row
    assert ws["B9"].value == "（三）不予公开" and ws["C9"].value == "1.属于国家秘密"

    ws1 = wb["主动公开"]
    assert ws1["A2"].value == "第二十条第（一）项" and ws1["A2"].font.bold
    assert ws1["D5"].value == 41 and ws1["B15"].value == pytest.approx(12.35)
    assert ws1.freeze_panes == "B2"

    ws3 = wb["复议诉讼"]
    assert [ws3.cell(row=5, column=c).value for c in range(1, 16)] == s.EXPECTED_TABLE3
    assert ws3.freeze_panes == "A5"


def test_xlsx_with_failed_checks_opens_on_the_warning_sheet(tables):
    problems = broken_problems(tables)
    wb = openpyxl.load_workbook(
        io.BytesIO(render_annual_report_xlsx(tables=tables, unit_name=UNIT, problems=problems))
    )
    assert wb.sheetnames == [WARNING, "主动公开", "收到和处理申请", "复议诉讼"]
    warning = wb.active
    assert warning.title == WARNING and warning["A1"].value == WARNING
    assert warning["A1"].font.color.rgb.endswith("C00000") and "共发现 1 项问题" in warning["A2"].value
    assert [c.value for c in warning[4]] == ["序号", "问题", "说明", "涉及申请"]
    assert [c.value for c in warning[5]][:2] == [1, "counted_twice"]
    assert "YSQ-n01" in warning["C5"].value and warning["D5"].value == "YSQ-n01"
    assert warning.max_row == 5
    for name in ("主动公开", "收到和处理申请", "复议诉讼"):  # every table is marked as well
        assert wb[name]["A1"].value.endswith("（未通过一致性校验，仅供核对）"), name
    table = wb["收到和处理申请"]  # the numbers themselves are untouched
    assert [table.cell(row=5, column=c).value for c in range(4, 11)] == s.EXPECTED_TABLE2["new"]


def test_docx_with_failed_checks_opens_with_the_problems(tables):
    problems = broken_problems(tables)
    data = render_annual_report_docx(
        tables=tables, unit_name=UNIT, overview="x", problems_and_improvements="y", other_matters="z",
        problems=problems,
    )  # fmt: skip
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"{UNIT}2025年政府信息公开工作年度报告"
    assert texts[1] == WARNING  # right under the title, before the report's own text
    assert "共发现 1 项问题" in texts[2] and "不得作为正式年度报告对外公布" in texts[2]
    assert texts[3].startswith("1. ") and problems[0].message in texts[3] and "YSQ-n01" in texts[3]
    assert texts.index(WARNING) < texts.index(PART_TITLES[0])
    run = document.paragraphs[1].runs[0]
    assert run.font.bold and str(run.font.color.rgb) == "C00000"
    header = document.sections[0].header.paragraphs[0].text
    assert "未通过一致性校验" in header and "1 项问题" in header
    assert len(document.tables) == 3


def test_a_clean_report_carries_no_warning(tables, report):
    assert check_consistency(tables, requests=s.REQUESTS, previous_carried_forward=3) == []
    assert not any(WARNING in p.text for p in report.paragraphs)
    assert not any(p.text for p in report.sections[0].header.paragraphs)
    assert report.core_properties.comments == ""
