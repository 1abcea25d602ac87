"""Page and font set-up shared by the letters and the annual report.

The layout follows the usual official-document conventions (GB/T 9704): A4, body in 仿宋 三号
(16 pt) with a fixed 28 pt line pitch, title in 二号 (22 pt), first-line indent of two characters.
Word and WPS pick the font of Chinese text from ``w:rFonts/@w:eastAsia`` only, so it is set on
the Normal style and on every run; without it Chinese text falls back to the reader's default
font, whatever the Latin font says.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"  # 方正小标宋简体 is the official choice but is not installed everywhere
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
LINE_PITCH = Pt(28)

ALIGNMENT = {
    "title": WD_ALIGN_PARAGRAPH.CENTER,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "body": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_east_asian_font(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set all four rFonts slots on a run or style ``rPr``; eastAsia is the one that matters."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_document(*, title: str, author: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    set_east_asian_font(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.comments = ""
    return doc


def add_paragraph(
    container, text: str, *, align: str = "body", font: str | None = None, size=None, bold=False
):
    """One paragraph in a document or cell, laid out by its markup alignment."""
    paragraph = container.add_paragraph()
    paragraph.alignment = ALIGNMENT[align]
    if align == "body":
        paragraph.paragraph_format.first_line_indent = (size or BODY_SIZE) * 2
    if align == "title":
        font, size, bold = font or TITLE_FONT, size or TITLE_SIZE, True
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.space_after = Pt(16)
    run = paragraph.add_run(text)
    set_east_asian_font(run._element, font or BODY_FONT)
    run.font.size = size or BODY_SIZE
    run.font.bold = bold
    return paragraph


def write_cell(cell, text: str, *, size=Pt(9), bold: bool = False, align: str = "center") -> None:
    """Replace a (possibly merged) cell's content with one compact, centred paragraph."""
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    paragraph = cell.paragraphs[0]
    for run in paragraph.runs:
        run._element.getparent().remove(run._element)
    paragraph.alignment = ALIGNMENT[align]
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.line_spacing_rule = Pt(0), WD_LINE_SPACING.SINGLE
    run = paragraph.add_run(text)
    set_east_asian_font(run._element, TABLE_FONT)
    run.font.size, run.font.bold = size, bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def to_bytes(doc: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
