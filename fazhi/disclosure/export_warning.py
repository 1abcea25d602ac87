"""The "未通过一致性校验" warning that an annual report exported with failed checks carries.

Export is not refused when checks fail (only finalising is): staff need a draft to discuss and
correct, and the numbers are wrong in a way the warning explains. So the file says so where no
reader can miss it — at the very top of the DOCX and in the header of every printed page, and
in the XLSX as the first, active sheet plus a mark in every table's title — and lists each
failed check with the requests behind it (ADR 0005 §10). A clean report carries none of this.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from openpyxl.styles import Alignment, Font

from fazhi.disclosure.annual import Problem
from fazhi.disclosure.templates_docx.styling import HEADING_FONT, add_paragraph, set_east_asian_font

RED = "C00000"


def heading() -> str:
    return gettext("未通过一致性校验")


def explanation(count: int) -> str:
    return gettext(
        "本报告数据未通过一致性校验，共发现 {n} 项问题（见下）。本文件仅供核对，不得作为正式年度报告"
        "对外公布；请核实更正相关申请记录，待全部校验通过并定稿后重新导出。"
    ).format(n=count)


def sheet_mark() -> str:
    return gettext("（未通过一致性校验，仅供核对）")


def add_docx_warning(doc, problems: Sequence[Problem]) -> None:
    """A red block right after the title and a red page header: the problems, numbered."""
    title = add_paragraph(doc, heading(), align="center", font=HEADING_FONT, size=Pt(18), bold=True)
    _red(title)
    _red(add_paragraph(doc, explanation(len(problems)), bold=True))
    for number, problem in enumerate(problems, start=1):
        _red(add_paragraph(doc, f"{number}. {problem.message}", align="left"))
    add_paragraph(doc, "")
    header = doc.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(
        gettext("草稿：未通过一致性校验（{n} 项问题），不得对外公布").format(n=len(problems))
    )
    set_east_asian_font(run._element, HEADING_FONT)
    run.font.size, run.font.bold, run.font.color.rgb = Pt(12), True, RGBColor.from_string(RED)
    doc.core_properties.comments = heading()


def add_xlsx_warning(wb, problems: Sequence[Problem]) -> None:
    """The first sheet, opened by default, lists the problems; each table's title is marked."""
    for ws in wb.worksheets:
        ws["A1"].value = f"{ws['A1'].value}{sheet_mark()}"
        ws["A1"].font = Font(bold=True, size=14, color=RED)
    ws = wb.create_sheet(heading(), 0)
    wb.active = 0
    ws.sheet_properties.tabColor = RED
    ws["A1"] = heading()
    ws["A1"].font = Font(bold=True, size=16, color=RED)
    ws["A2"] = explanation(len(problems))
    ws["A2"].font = Font(bold=True, color=RED)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A1:D1")
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 48
    ws.append([])
    ws.append([gettext("序号"), gettext("问题"), gettext("说明"), gettext("涉及申请")])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for number, problem in enumerate(problems, start=1):
        ws.append([number, problem.code, problem.message, "、".join(n for n in problem.request_numbers if n)])
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A5"
    for column, width in zip("ABCD", (6, 24, 80, 30), strict=True):
        ws.column_dimensions[column].width = width


def _red(paragraph) -> None:
    for run in paragraph.runs:
        run.font.color.rgb = RGBColor.from_string(RED)
