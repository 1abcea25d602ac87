"""The draft as a Word document staff can finish, and as JSON for other systems.

Word, because Chinese government offices exchange and finish reports in Word. Headings use
Word's heading styles *and* carry their “一、”/“（一）” markers in the text, so the document reads
right when numbering is lost and the analyser (loaders.read_docx → outline) finds every part.
Prompts are highlighted yellow so nobody can publish the draft with a prompt still in it
unnoticed; the computed figures are plain text, exactly as the analyser will read them.
"""

from __future__ import annotations

import io
import json

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt

from .build_model import PROMPT_MARK, SH, ReportDraft
from .numerals import int_to_chinese

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"  # the body face of official documents (GB/T 9704); headings keep Word's
HEADING_FONT = "黑体"


def _east_asian(style_or_run, name: str) -> None:
    """python-docx sets only the Latin font; Chinese text needs the eastAsia attribute too."""
    style_or_run.font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _highlighted(document, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def render_docx(draft: ReportDraft) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(14)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(document.styles[name], HEADING_FONT)

    title = document.add_paragraph(draft.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    generated = draft.generated_at.astimezone(SH).strftime("%Y年%m月%d日")
    _highlighted(
        document,
        f"说明：本草稿由平台于{generated}依办理记录生成，统计范围为{draft.scope_label}。"
        f"标有“{PROMPT_MARK}”的段落须由工作人员撰写，定稿前请删除全部提示。",
    )
    for number, part in enumerate(draft.parts, 1):
        document.add_heading(f"{int_to_chinese(number)}、{part.heading}", level=1)
        for prompt in part.prompts:
            _highlighted(document, f"{PROMPT_MARK}{prompt}")
        for sub, block in enumerate(part.blocks, 1):
            document.add_heading(f"（{int_to_chinese(sub)}）{block.title}", level=2)
            document.add_paragraph(block.paragraph)
            for note in block.notes:
                _highlighted(document, f"注意：{note}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_json(draft: ReportDraft) -> str:
    return json.dumps(draft.to_dict(), ensure_ascii=False, indent=2)
