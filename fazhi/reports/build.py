"""Build a unit's annual rule-of-law report draft (法治政府建设年度报告) from the platform's records.

The mission is that every figure of the yearly report comes out of the platform, computed, not
typed. A draft therefore holds two kinds of content and never mixes them:

- *figures*, each computed by a public service of the module that owns the records (appeal KPIs,
  the disclosure annual tables), carried with its value, unit, vocabulary code and a ``source``
  that names the function, the figure and the filter, so a reviewer can trace every number;
- *prompts* — paragraphs marked “（请填写）” saying what staff must write for the part. The
  platform cannot know what a unit did to study the law or who chaired which meeting, and a draft
  that invented it would be worse than a gap; so those stay visibly unwritten.

The parts and their order follow what the analyser (parts.py) checks, so a draft exported to DOCX
and read back by the analyser finds every required part and the same figures (the round-trip
test). See docs/adr/0007-annual-report-from-records.md.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .build_model import PROMPT_MARK, Block, Figure, Part, ReportDraft
from .build_sources import appeals_block, disclosure_block

__all__ = ["PROMPT_MARK", "Block", "Figure", "Part", "ReportDraft", "build_report"]
# The draft's order: the regulation's five parts, with last year's rectification after this
# year's measures (where seed reports put it) so the problems read in sequence.
DRAFT_PARTS = ("measures", "rectification", "shortcomings", "leader_duties", "plans", "other")

PROMPTS: dict[str, tuple[str, ...]] = {
    "measures": (
        "概述本年度推进法治政府建设的主要举措和取得的成效：学习贯彻习近平法治思想，依法全面履行政府职能，"
        "健全依法行政制度体系（规范性文件合法性审核、备案和清理，重大行政决策程序），严格规范公正文明执法，"
        "行政权力制约和监督，社会矛盾纠纷预防化解，普法和干部学法用法等。",
        "下列数字由平台依办理记录自动计算，每个数字的计算口径见生成页面或 JSON 中的“来源”；"
        "如需改动，请更正平台记录后重新生成，不要在文稿中手工修改数字。",
    ),
    "rectification": (
        "逐项说明上一年度报告所列存在问题的整改措施和整改结果；尚未整改到位的，说明原因和下一步安排。",
    ),
    "shortcomings": (
        "实事求是列出本年度推进法治政府建设存在的不足，并分析其原因；所列问题将在下一年度报告中跟踪整改。",
    ),
    "leader_duties": (
        "说明党政主要负责人履行推进法治建设第一责任人职责的情况：研究部署法治建设工作，带头尊法学法守法用法，"
        "主持学法，年度述法，重大事项依法决策，对法治建设重要工作亲自部署、亲自过问、亲自协调、亲自督办等。",
    ),
    "plans": ("写明下一年度推进法治政府建设的主要安排和具体措施，并与本年度存在的不足逐项对应。",),
    "other": ("说明其他需要报告的情况；没有的，请写明“无”。",),
}


def _headings(year: int) -> dict[str, str]:
    """Headings the analyser's part rules recognise (parts.classify_heading), per year."""
    return {
        "measures": f"{year}年推进法治政府建设的主要举措和成效",
        "rectification": f"{year - 1}年度存在问题的整改情况",
        "shortcomings": f"{year}年推进法治政府建设存在的不足和原因",
        "leader_duties": "党政主要负责人履行推进法治建设第一责任人职责情况",
        "plans": f"{year + 1}年推进法治政府建设的主要安排",
        "other": "其他需要报告的情况",
    }


def build_report(
    unit, year: int, include_sub_units: bool = True, *, now: datetime | None = None
) -> ReportDraft:
    """The draft of `unit`'s report on `year`: prompts for staff, figures computed from records.

    `include_sub_units` counts the records of every unit below `unit` in the org tree too (a
    district's report over its bureaus and streets); without it only the unit's own records.
    Last year's figures are computed the same way and attached as 同比 where they exist.
    """
    now = now or timezone.now()
    headings = _headings(year)
    parts = [Part(key, headings[key], list(PROMPTS[key])) for key in DRAFT_PARTS]
    measures = parts[0]
    measures.blocks = [
        appeals_block(unit, year, include_sub_units, now=now),
        disclosure_block(unit, year, include_sub_units),
    ]
    return ReportDraft(
        unit_code=unit.code,
        unit_name=unit.name,
        year=year,
        include_sub_units=include_sub_units,
        generated_at=now,
        parts=parts,
    )
