"""Shortcomings, rectifications and plans as rows, and last year's shortcomings followed up.

A report's shortcomings are the commitments a reviewer holds the unit to next year; the
typical failure is silence — a problem named in 2023 that the 2024 report neither rectifies
nor mentions. So each item is a row, and ``compare_with_previous`` finds, for every earlier
shortcoming, the sentence of this year's report that best addresses it (character n-gram
TF-IDF cosine), with a confidence and where it was found.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .outline import Outline, Section, split_sentences
from .parts import PartStatus
from .similarity import TfidfSpace

RECTIFICATION_CUE = re.compile(r"(整改|改进措施|改进情况|针对.{0,30}问题)")
SHORTCOMING_CUE = re.compile(r"(存在|不足|短板|薄弱|差距|问题)")
PLAN_CUE = re.compile(r"(将|计划|下一步|明年)")
# Below this cosine a "best match" is noise shared by every report of the genre.
ADDRESSED_THRESHOLD = 0.18


@dataclass
class Item:
    part: str
    title: str
    text: str
    section: str
    marker: str
    section_id: str

    def to_dict(self) -> dict:
        return asdict(self)


def _lists(section: Section) -> list[list[Section]]:
    groups: dict[tuple[int, int], list[Section]] = {}
    for child in section.children:
        groups.setdefault((child.level, child.list_index), []).append(child)
    return list(groups.values())


def _list_class(items: list[Section]) -> str | None:
    lead = items[0].lead
    if not lead:
        return None
    if RECTIFICATION_CUE.search(lead):
        return "rectification"
    if SHORTCOMING_CUE.search(lead):
        return "shortcomings"
    if PLAN_CUE.search(lead):
        return "plans"
    return None


def _item(part: str, node: Section, owner: Section) -> Item:
    return Item(part, node.title, node.full_text(), owner.heading, node.marker, node.id)


def extract_items(outline: Outline, statuses: dict[str, PartStatus], part: str) -> list[Item]:
    """Rows for ``part`` ("shortcomings", "rectification" or "plans").

    A section titled for one part contributes its list items; a list whose introduction names
    another part ("针对2023年报告中问题,采取以下改进措施:" inside a problems section) goes to
    that part instead. A section covering several parts ("主要措施、成效及存在问题")
    contributes only lists whose introduction names the part.
    """
    related = {
        "shortcomings": ("shortcomings", "rectification"),
        "rectification": ("shortcomings", "rectification"),
    }
    owners: list[Section] = []
    for name in related.get(part, (part,)):
        owners.extend(s for s in statuses[name].sections if s not in owners)
    section_parts = {s.id: {p for p, st in statuses.items() if s in st.sections} for s in owners}
    items: list[Item] = []
    seen: set[str] = set()
    for owner in owners:
        exclusive = (
            section_parts[owner.id] <= {"shortcomings", "rectification", "plans"}
            and len(section_parts[owner.id]) == 1
        )
        default = next(iter(section_parts[owner.id])) if exclusive else None
        candidates = [owner] if exclusive else list(owner.walk())
        found_list = False
        for node in candidates:
            for group in _lists(node):
                kind = _list_class(group) or (default if node is owner else None)
                if group and kind is not None:
                    found_list = True
                if kind == part:
                    for child in group:
                        if child.id not in seen:
                            seen.add(child.id)
                            items.append(_item(part, child, owner))
        if not found_list and default == part and owner.text.strip() != owner.title:
            items.extend(_unnumbered_items(part, owner))
    return items


def _unnumbered_items(part: str, owner: Section) -> list[Item]:
    """A section without a list: each paragraph after the heading is an item (or the whole text)."""
    paragraphs = [p.strip() for p in owner.full_text().split("\n") if p.strip()]
    if paragraphs and paragraphs[0].rstrip("。:") == owner.title:
        paragraphs = paragraphs[1:]
    if len(paragraphs) < 2:
        return [Item(part, owner.title, owner.full_text(), owner.heading, owner.marker, owner.id)]
    return [Item(part, summarise_sentence(p, 40), p, owner.heading, "", owner.id) for p in paragraphs]


@dataclass
class FollowUp:
    """What this year's report says about one of last year's shortcomings."""

    shortcoming: str
    shortcoming_text: str
    best_sentence: str | None
    section: str | None
    where: str | None
    confidence: float
    status: str

    def to_dict(self) -> dict:
        return asdict(self)


def _candidate_sentences(outline: Outline, item_parts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(sentence, section heading, part) for every sentence of a report."""
    out = []
    for section, sentence in outline.sentences():
        node: Section | None = section
        part = "other"
        while node is not None:
            if node.id in item_parts:
                part = item_parts[node.id]
                break
            node = node.parent
        out.append((sentence, section.heading or "(开头部分)", part))
    return out


def follow_up(previous_items: list[Item], outline: Outline, items: dict[str, list[Item]]) -> list[FollowUp]:
    """Match each previous shortcoming against every sentence of this report."""
    item_parts = {row.section_id: part for part, rows in items.items() for row in rows}
    candidates = _candidate_sentences(outline, item_parts)
    if not previous_items or not candidates:
        return [FollowUp(p.title, p.text, None, None, None, 0.0, "dropped") for p in previous_items]
    space = TfidfSpace([c[0] for c in candidates] + [p.text for p in previous_items])
    vectors = [space.vector(c[0]) for c in candidates]
    results = []
    for previous in previous_items:
        queries = [space.vector(previous.text), space.vector(previous.title)]
        best_index, best_score = 0, -1.0
        for index, vec in enumerate(vectors):
            # Boost the parts where a follow-up belongs, so a rectification sentence wins a tie.
            weight = 1.1 if candidates[index][2] in {"rectification", "shortcomings"} else 1.0
            score = max(space.cosine(q, vec) for q in queries) * weight
            if score > best_score:
                best_index, best_score = index, score
        sentence, heading, part = candidates[best_index]
        confidence = round(min(best_score, 1.0), 3)
        if confidence < ADDRESSED_THRESHOLD:
            status = "dropped"
        else:
            status = {"rectification": "rectified", "shortcomings": "repeated"}.get(part, "addressed")
        results.append(FollowUp(previous.title, previous.text, sentence, heading, part, confidence, status))
    return results


def compare_with_previous(prev_analysis, this_analysis) -> list[FollowUp]:
    """For each shortcoming of last year's analysis, this year's best-matching sentence.

    Both arguments are ``ReportAnalysis`` objects (see ``fazhi.reports.analysis``); status is
    "rectified" (found in this year's rectification part), "repeated" (named again as a
    shortcoming), "addressed" (mentioned elsewhere, e.g. in plans or measures) or "dropped"
    (nothing similar enough: the reviewer should ask).
    """
    items = {
        "shortcomings": this_analysis.shortcomings,
        "rectification": this_analysis.rectifications,
        "plans": this_analysis.plans,
    }
    return follow_up(prev_analysis.shortcomings, this_analysis.outline, items)


def summarise_sentence(text: str, limit: int = 80) -> str:
    """The first sentence of an item, shortened for one-line display."""
    first = split_sentences(text)
    head = first[0] if first else text
    return head if len(head) <= limit else head[: limit - 1] + "…"
