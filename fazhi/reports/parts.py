"""Map a report's sections onto the five parts the 2019 督察工作规定 requires.

A reviewer's first question is "does this report contain everything it must?". Units title
their sections freely ("总体情况", "主要举措和工作成效", "存在问题的改进情况"), so the mapping is
by keyword on headings, most specific part first. Where no heading covers a part, the content
is sometimes still there inside another section (a leader's duties told in one sentence of the
measures part): that is reported as ``found_inline`` with the section and sentence, so the
reviewer can accept it or ask for a proper section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .outline import Outline, Section

REQUIRED_PARTS = ("measures", "shortcomings", "leader_duties", "plans", "other")
TRACKED_PARTS = (*REQUIRED_PARTS, "rectification")
PART_LABELS = {
    "measures": "上一年度推进法治政府建设的主要举措和成效",
    "shortcomings": "上一年度推进法治政府建设存在的不足和原因",
    "leader_duties": "党政主要负责人履行推进法治建设第一责任人职责情况",
    "plans": "下一年度推进法治政府建设的主要安排",
    "other": "其他需要报告的情况",
    "rectification": "上一年度存在问题的整改情况",
}

RECTIFICATION_TITLE = re.compile(r"(整改(落实)?情况|整改措施|改进情况|改进措施|问题的(改进|整改))")
SHORTCOMINGS_TITLE = re.compile(
    r"(存在(的)?(主要)?(问题|不足|短板|困难)|问题(和|与|及)不足|不足(之处|和|与|及)?|短板|薄弱环节|差距)"
)
# Inside the measures part a sub-heading like "补齐短板" is not a problems section.
STRONG_SHORTCOMINGS_TITLE = re.compile(
    r"(存在(的)?(主要)?(问题|不足)|不足之处|问题(和|与|及)不足|不足(和|与|及)原因)"
)
PLANS_TITLE = re.compile(r"(计划|安排|打算|思路|展望|下一步|下一年|明年|工作要点|重点工作)")
LEADER_TITLE = re.compile(r"(第一责任人|主要负责人.{0,12}职责|述法)")
OTHER_TITLE = re.compile(r"(其他|其它).{0,8}(事项|情况|说明|工作)?")
MEASURES_TITLE = re.compile(r"(主要(措施|举措|工作|成效|做法)|工作情况|总体情况|成效|进展|开展情况)")

INLINE_CUES = {
    "leader_duties": re.compile(r"(第一责任人|主要负责人.{0,20}(述法|职责))"),
    "rectification": re.compile(
        r"((针对|对照|关于).{0,20}(\d{4}年|上一?年|去年).{0,20}(问题|不足).{0,20}(整改|改进)|"
        r"(\d{4}年|上一?年|去年).{0,20}(问题|不足).{0,12}(整改|改进))"
    ),
    "shortcomings": re.compile(r"(存在|仍有|还有).{0,12}(不足|问题|短板|薄弱|差距)"),
    "plans": re.compile(r"(下一步|明年|下一年|\d{4}年).{0,8}(将|计划|拟)"),
    "other": re.compile(r"其他需要报告"),
    "measures": re.compile(r"$^"),
}


@dataclass
class PartStatus:
    part: str
    found: bool = False
    sections: list[Section] = field(default_factory=list)
    inline_section: Section | None = None
    inline_sentence: str | None = None

    @property
    def status(self) -> str:
        if self.found:
            return "found"
        return "found_inline" if self.inline_sentence else "missing"

    def to_dict(self) -> dict:
        inline = None
        if self.inline_sentence and self.inline_section is not None:
            inline = {
                "section": self.inline_section.heading or "(开头部分)",
                "path": self.inline_section.path(),
                "sentence": self.inline_sentence,
                "excerpt": _excerpt(self.inline_sentence, INLINE_CUES[self.part]),
            }
        return {
            "label": PART_LABELS[self.part],
            "required": self.part in REQUIRED_PARTS,
            "found": self.found,
            "status": self.status,
            "sections": [s.heading for s in self.sections],
            "found_inline": inline,
        }


def _excerpt(sentence: str, cue: re.Pattern[str]) -> str:
    """The clause holding the cue, so a long run-on sentence shows the part that matters."""
    for clause in re.split(r"[,;]", sentence):
        if cue.search(clause):
            return clause
    return sentence


def classify_heading(title: str, level: int) -> set[str]:
    """Parts a heading announces. Plans/measures/other only count on top-level headings."""
    parts: set[str] = set()
    if level <= 2 and RECTIFICATION_TITLE.search(title):
        parts.add("rectification")
    elif (level == 1 and SHORTCOMINGS_TITLE.search(title)) or (
        level == 2 and STRONG_SHORTCOMINGS_TITLE.search(title)
    ):
        parts.add("shortcomings")
    if LEADER_TITLE.search(title) and level <= 3:
        parts.add("leader_duties")
    if level == 1:
        if PLANS_TITLE.search(title) and "rectification" not in parts:
            parts.add("plans")
        if OTHER_TITLE.search(title) and not parts:
            parts.add("other")
        if MEASURES_TITLE.search(title):
            parts.add("measures")
    return parts


def map_parts(outline: Outline) -> dict[str, PartStatus]:
    """Find each required part (and rectification) by heading, else inline, else missing."""
    statuses = {part: PartStatus(part) for part in TRACKED_PARTS}
    section_parts: dict[str, set[str]] = {}
    for section in outline.sections():
        parts = classify_heading(section.title, section.level)
        section_parts[section.id] = parts
        for part in sorted(parts):
            # A nested heading inside an already-mapped section adds nothing for the same part.
            if not any(p.id in section_parts and part in section_parts[p.id] for p in _ancestors(section)):
                statuses[part].sections.append(section)
    # Untitled-by-keyword top sections before the first problem/plan section are the measures
    # part (南山 titles each measure area "一、深入学习…", "二、健全依法行政…").
    if not statuses["measures"].sections:
        for section in outline.top_sections():
            if section_parts[section.id] & {"shortcomings", "rectification", "plans", "other"}:
                break
            statuses["measures"].sections.append(section)
    for status in statuses.values():
        status.found = bool(status.sections)
        if not status.found:
            _find_inline(outline, status)
    return statuses


def _ancestors(section: Section) -> list[Section]:
    out = []
    node = section.parent
    while node is not None and node.level > 0:
        out.append(node)
        node = node.parent
    return out


def _find_inline(outline: Outline, status: PartStatus) -> None:
    cue = INLINE_CUES[status.part]
    for section, sentence in outline.sentences():
        if cue.search(sentence):
            status.inline_section, status.inline_sentence = section, sentence
            return
        # A list item's introduction ("针对2023年报告中问题,采取以下改进措施:") is stored as its lead.
    for section in outline.sections():
        if section.lead and cue.search(section.lead):
            status.inline_section, status.inline_sentence = section.parent or section, section.lead
            return


def part_sections(statuses: dict[str, PartStatus]) -> dict[str, list[str]]:
    """Section id → parts, for rendering the outline with part badges."""
    out: dict[str, list[str]] = {}
    for part, status in statuses.items():
        for section in status.sections:
            out.setdefault(section.id, []).append(part)
    return out
