"""The annual disclosure report as DOCX (the six parts) and as XLSX (one sheet per table).

The three tables are first laid out once as grids of possibly merged cells copied from the 2021
national format (国办公开办函〔2021〕30号); the DOCX and XLSX writers then only draw grids. A reader
who compares our table with the published format should find the same merged headers, the same
labels and the same order, because both outputs come from the same layout.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fazhi.disclosure.annual import (
    COL_TOTAL,
    COLUMN_LABELS,
    OUTCOME_ROWS,
    REQUESTER_COLUMNS,
    ROW_LABELS,
    TABLE2_COLUMNS,
    AnnualTables,
    Problem,
    ReviewKind,
    ReviewResult,
)
from fazhi.disclosure.export_warning import add_docx_warning, add_xlsx_warning
from fazhi.disclosure.outcomes import OUTCOMES, Outcome
from fazhi.disclosure.templates_docx.styling import (
    HEADING_FONT,
    add_paragraph,
    new_document,
    to_bytes,
    write_cell,
)

PART_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    value: object
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass(frozen=True)
class Grid:
    title: str
    rows: int
    cols: int
    header_rows: int  # frozen in the spreadsheet
    label_cols: int
    cells: tuple[GridCell, ...]
    widths_mm: tuple[float, ...]


def table1_grid(tables: AnnualTables) -> Grid:
    """主动公开政府信息情况: four blocks, one per item of Art. 20 the format asks about."""
    p = tables.proactive
    cells: list[GridCell] = []
    blocks = [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [
            ("规章", [p.rules_issued, p.rules_repealed, p.rules_in_force]),
            ("行政规范性文件", [p.normative_documents_issued, p.normative_documents_repealed,
                               p.normative_documents_in_force]),
        ]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", [p.licensing_decisions])]),
        ("第二十条第（六）项", ["本年处理决定数量"], [
            ("行政处罚", [p.penalty_decisions]),
            ("行政强制", [p.enforcement_decisions]),
        ]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [p.fees_10k_yuan])]),
    ]  # fmt: skip
    r = 0
    for heading, columns, data in blocks:
        cells.append(GridCell(r, 0, heading, colspan=4, header=True))
        cells.append(GridCell(r + 1, 0, "信息内容", header=True))
        span = 3 // len(columns)
        cells += [GridCell(r + 1, 1 + i * span, c, colspan=span, header=True) for i, c in enumerate(columns)]
        for offset, (label, values) in enumerate(data, start=2):
            cells.append(GridCell(r + offset, 0, label))
            cells += [GridCell(r + offset, 1 + i * span, v, colspan=span) for i, v in enumerate(values)]
        r += 2 + len(data)
    return Grid(PART_TITLES[1], r, 4, 0, 1, tuple(cells), (52, 34, 34, 34))


def table2_grid(tables: AnnualTables) -> Grid:
    """收到和处理政府信息公开申请情况: 3 header rows, then 25 numeric rows under a 3-column label."""
    t = tables.requests
    cells = [
        GridCell(0, 0, BALANCE_NOTE, rowspan=3, colspan=3, header=True),
        GridCell(0, 3, "申请人情况", colspan=7, header=True),
        GridCell(1, 3, COLUMN_LABELS[REQUESTER_COLUMNS[0]], rowspan=2, header=True),
        GridCell(1, 4, "法人或其他组织", colspan=5, header=True),
        GridCell(1, 9, COLUMN_LABELS[COL_TOTAL], rowspan=2, header=True),
        *(GridCell(2, 4 + i, COLUMN_LABELS[c], header=True) for i, c in enumerate(REQUESTER_COLUMNS[1:])),
    ]

    def numbers(r: int, key: str) -> list[GridCell]:
        return [GridCell(r, 3 + i, t.value(key, c)) for i, c in enumerate(TABLE2_COLUMNS)]

    r = 3
    for key in ("new", "carried_over"):
        cells += [GridCell(r, 0, ROW_LABELS[key], colspan=3), *numbers(r, key)]
        r += 1
    cells.append(GridCell(r, 0, "三、本年度办理结果", rowspan=len(OUTCOME_ROWS) + 1))
    seen_groups = set()
    for key in OUTCOME_ROWS:
        info = OUTCOMES[Outcome(key)]
        if not info.item:
            cells.append(GridCell(r, 1, str(info.group.label), colspan=2))
        else:
            if info.group not in seen_groups:
                size = sum(1 for o in OUTCOMES.values() if o.group == info.group)
                cells.append(GridCell(r, 1, str(info.group.label), rowspan=size))
                seen_groups.add(info.group)
            cells.append(GridCell(r, 2, info.item))
        cells += numbers(r, key)
        r += 1
    cells += [GridCell(r, 1, ROW_LABELS["outcome_total"], colspan=2), *numbers(r, "outcome_total")]
    r += 1
    cells += [GridCell(r, 0, ROW_LABELS["carried_forward"], colspan=3), *numbers(r, "carried_forward")]
    return Grid(PART_TITLES[2], r + 1, 10, 3, 3, tuple(cells), (12, 22, 47, *[10.7] * 7))


def table3_grid(tables: AnnualTables) -> Grid:
    """政府信息公开行政复议、行政诉讼情况: reconsideration, then the two kinds of lawsuit, 5 columns each."""
    results = [*(str(label) for label in ReviewResult.labels), "总计"]
    cells = [
        GridCell(0, 0, "行政复议", colspan=5, header=True),
        GridCell(0, 5, "行政诉讼", colspan=10, header=True),
        *(GridCell(1, i, label, rowspan=2, header=True) for i, label in enumerate(results)),
        GridCell(1, 5, "未经复议直接起诉", colspan=5, header=True),
        GridCell(1, 10, "复议后起诉", colspan=5, header=True),
        *(GridCell(2, 5 + i, label, header=True) for i, label in enumerate(results * 2)),
    ]
    values = [v for kind in ReviewKind.values for v in tables.reviews.row(kind)]
    cells += [GridCell(3, i, v) for i, v in enumerate(values)]
    return Grid(PART_TITLES[3], 4, 15, 3, 0, tuple(cells), (10.4,) * 15)


def render_annual_report_docx(
    *,
    tables: AnnualTables,
    unit_name: str,
    overview: str,
    problems_and_improvements: str,
    other_matters: str,
    information_fees_yuan: int | Decimal = 0,
    problems: Iterable[Problem] = (),
) -> bytes:
    """政府信息公开工作年度报告: narrative parts come in as text (blank-line or newline separated),
    tables are computed; part 六 ends with the information-processing fees actually collected.
    With failed checks the report opens with the 未通过一致性校验 block (export_warning)."""
    year = tables.year
    title = f"{unit_name}{year}年政府信息公开工作年度报告"
    doc = new_document(title=title, author=unit_name)
    add_paragraph(doc, title, align="title")
    if problems := list(problems):
        add_docx_warning(doc, problems)
    add_paragraph(
        doc,
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（国办公开办函〔2021〕30号）的要求编制。本报告所列数据的统计期限自{year}年1月1日起至"
        f"{year}年12月31日止。",
    )
    fee_sentence = (
        f"依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度共收取信息处理费{information_fees_yuan}元。"
        if information_fees_yuan
        else "本年度未收取信息处理费。"
    )
    narratives = {0: overview, 4: problems_and_improvements, 5: f"{other_matters}\n{fee_sentence}"}
    grids = {1: table1_grid(tables), 2: table2_grid(tables), 3: table3_grid(tables)}
    for index, heading in enumerate(PART_TITLES):
        add_paragraph(doc, heading, font=HEADING_FONT)
        if index in narratives:
            for text in _paragraphs(narratives[index]):
                add_paragraph(doc, text)
        else:
            _docx_table(doc, grids[index])
    return to_bytes(doc)


def render_annual_report_xlsx(
    *, tables: AnnualTables, unit_name: str, problems: Iterable[Problem] = ()
) -> bytes:
    """One sheet per table with the national layout; failed checks put a 未通过一致性校验 sheet first."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, grid in zip(
        ("主动公开", "收到和处理申请", "复议诉讼"),
        (table1_grid(tables), table2_grid(tables), table3_grid(tables)),
        strict=True,
    ):
        _xlsx_sheet(wb.create_sheet(name), grid, f"{unit_name}{tables.year}年 {grid.title}")
    if problems := list(problems):
        add_xlsx_warning(wb, problems)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _docx_table(doc, grid: Grid) -> None:
    table = doc.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.autofit = False
    for row in table.rows:
        for width, cell in zip(grid.widths_mm, row.cells, strict=True):
            cell.width = Mm(width)
    for gc in grid.cells:
        cell = table.cell(gc.row, gc.col)
        if gc.rowspan > 1 or gc.colspan > 1:
            cell = cell.merge(table.cell(gc.row + gc.rowspan - 1, gc.col + gc.colspan - 1))
        label_cell = gc.col < grid.label_cols and not gc.header and not isinstance(gc.value, int | Decimal)
        write_cell(
            cell, _show(gc.value), size=Pt(9), bold=gc.header, align="left" if label_cell else "center"
        )
    add_paragraph(doc, "")


def _xlsx_sheet(ws, grid: Grid, title: str) -> None:
    thin = Side(style="thin")
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.cols)
    top = 2  # grid row 0 is sheet row 2
    for gc in grid.cells:
        cell = ws.cell(row=top + gc.row, column=1 + gc.col, value=gc.value)
        cell.font = Font(bold=gc.header)
        is_label = isinstance(gc.value, str) and not gc.header
        cell.alignment = Alignment(
            horizontal="left" if is_label else "center", vertical="center", wrap_text=True
        )
        if gc.rowspan > 1 or gc.colspan > 1:
            ws.merge_cells(
                start_row=top + gc.row,
                start_column=1 + gc.col,
                end_row=top + gc.row + gc.rowspan - 1,
                end_column=1 + gc.col + gc.colspan - 1,
            )
    for r in range(top, top + grid.rows):
        for c in range(1, grid.cols + 1):
            ws.cell(row=r, column=c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(grid.widths_mm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8.0, width / 2.2)
    ws.freeze_panes = f"{get_column_letter(1 + grid.label_cols)}{top + grid.header_rows}"


def _show(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)
