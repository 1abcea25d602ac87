"""Split a report into its headed sections.

Chinese official documents number their headings in a fixed ladder — ``一、`` then ``(一)``
then ``1.`` then ``(1)`` — and list items inline as ``一是…二是…``. Web and PDF copies lose the
layout but keep these markers, so the outline is rebuilt from the markers alone: a marker
starts a section only where it can (paragraph start, or after a sentence end for the inline
levels) and only if it continues its sequence, which keeps "二是" in a stray sentence or a
"2." inside a figure from becoming a heading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from .numerals import parse_chinese

CN = "[一二三四五六七八九十]{1,3}"
PARAGRAPH_MARKERS = [
    (1, re.compile(rf"^(?P<n>{CN})(?:、|[.．](?!\d))")),
    (2, re.compile(rf"^[(（](?P<n>{CN})[)）]")),
    (3, re.compile(r"^(?P<n>\d{1,2})[.、．](?!\d)")),
    (4, re.compile(r"^[(（](?P<n>\d{1,2})[)）]")),
    (5, re.compile(rf"^(?P<n>{CN})是")),
]
# Inline list items: only the lower levels run on inside a paragraph.
INLINE_MARKER = re.compile(rf"(?<=[。;；!?:：])\s*(?=(?:\d{{1,2}}[.、．](?!\d)|[(（]\d{{1,2}}[)）]|{CN}是))")
SENTENCE_RE = re.compile(r"[^。!?！？\n]+[。!?！？]?")
INTRO_CUE = re.compile(r"(存在|不足|问题|短板|薄弱|差距|如下|以下|改进|整改|下一步|计划|打算|[:：]$)")
CLOSING_CUE = re.compile(r"(将|继续|努力|进一步)")


@dataclass
class Section:
    """One headed section; ``text`` holds its own words (title sentence included), not its children's."""

    id: str
    level: int
    marker: str
    number: int
    title: str
    text: str = ""
    lead: str = ""
    list_index: int = 0
    start: int = 0
    parent: Section | None = field(default=None, repr=False)
    children: list[Section] = field(default_factory=list, repr=False)

    @property
    def heading(self) -> str:
        return f"{self.marker}{self.title}"

    def full_text(self) -> str:
        parts = [self.text] + [child.full_text() for child in self.children]
        return "\n".join(p for p in parts if p)

    def path(self) -> list[str]:
        node: Section | None = self
        out: list[str] = []
        while node is not None and node.level > 0:
            out.append(node.heading)
            node = node.parent
        return out[::-1]

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "marker": self.marker,
            "title": self.title,
            "heading": self.heading,
            "lead": self.lead or None,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class Outline:
    title: str | None
    root: Section
    closing: str = ""

    @property
    def preamble(self) -> str:
        return self.root.text

    def sections(self) -> list[Section]:
        """Every headed section in document order."""
        return [s for s in self.root.walk() if s.level > 0]

    def top_sections(self) -> list[Section]:
        return list(self.root.children)

    def section_at(self, offset: int) -> Section:
        """The deepest section whose heading starts at or before ``offset`` in the cleaned text."""
        current = self.root
        for section in self.sections():
            if section.start > offset:
                break
            current = section
        return current

    def sentences(self) -> Iterator[tuple[Section, str]]:
        """(section, sentence) pairs in document order; the preamble's section is the root."""
        for section in self.root.walk():
            for sentence in split_sentences(section.text):
                yield section, sentence

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "preamble": self.preamble,
            "sections": [s.to_dict() for s in self.root.children],
            "closing": self.closing or None,
        }


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


def _split_title(text: str) -> str:
    """A run-in heading's title is its first sentence; a heading on its own line is the line."""
    text = text.strip()
    if "。" not in text.rstrip("。") and len(text) <= 80:
        return text.rstrip("。:")
    first = re.match(r"^[^。:;!?]+", text)
    if first and len(first.group(0)) <= 60:
        return first.group(0)
    clause = re.match(r"^[^,。:;!?]+", text)
    if clause and len(clause.group(0)) <= 60:
        return clause.group(0)
    return text[:40] + "…"


def _blocks(paragraph: str) -> Iterator[tuple[bool, str, int]]:
    """(starts_paragraph, chunk, offset) pieces of a paragraph, cut before inline list markers."""
    cuts = [0, *(m.start() for m in INLINE_MARKER.finditer(paragraph) if m.start() > 0), len(paragraph)]
    for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        piece = paragraph[a:b]
        if piece.strip():
            yield i == 0, piece.strip(), a + (len(piece) - len(piece.lstrip()))


def _match_marker(chunk: str, at_paragraph_start: bool) -> tuple[int, int, str, str] | None:
    for level, regex in PARAGRAPH_MARKERS:
        if not at_paragraph_start and level < 3:
            continue
        match = regex.match(chunk)
        if match:
            raw = match.group("n")
            number = int(raw) if raw.isdigit() else parse_chinese(raw)
            return level, number, unicodedata.normalize("NFKC", match.group(0)), chunk[match.end() :]
    return None


def _pop_last_sentence(text: str) -> tuple[str, str]:
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text, ""
    last = sentences[-1]
    return text[: text.rstrip().rfind(last)].rstrip(), last


class _Builder:
    def __init__(self) -> None:
        self.root = Section(id="0", level=0, marker="", number=0, title="")
        self.stack: list[Section] = [self.root]

    def parent_for(self, level: int) -> Section:
        for section in reversed(self.stack):
            if section.level < level:
                return section
        return self.root

    def try_open(self, level: int, number: int, marker: str, rest: str, start: int = 0) -> bool:
        parent = self.parent_for(level)
        siblings = [c for c in parent.children if c.level == level]
        previous = siblings[-1] if siblings else None
        if number != 1 and not (previous and number == previous.number + 1):
            return False
        while self.stack[-1] is not parent:
            self.stack.pop()
        list_index = previous.list_index + (number == 1) if previous else 0
        lead = ""
        if number == 1 and previous is not None:
            # A second list under the same parent ("…改进措施:一是…三是…。但仍存在薄弱环节。一是…"):
            # its introduction was glued to the last item of the previous list.
            kept, last = _pop_last_sentence(previous.text)
            if last and INTRO_CUE.search(last):
                previous.text, lead = kept, last
        elif number == 1:
            # The sentence just before a list introduces it ("…存在一些短板和不足。一是…"); a parent
            # heading with no words of its own has no such sentence.
            sentences = split_sentences(parent.text)
            if sentences and sentences[-1].rstrip("。:") != parent.title:
                lead = sentences[-1]
        section = Section(
            id=f"{parent.id}.{len(parent.children) + 1}" if parent.level else str(len(parent.children) + 1),
            level=level,
            marker=marker,
            number=number,
            title=_split_title(rest),
            text=rest.strip(),
            lead=lead,
            list_index=list_index,
            start=start,
            parent=parent,
        )
        parent.children.append(section)
        self.stack.append(section)
        return True

    def add_text(self, chunk: str, new_paragraph: bool) -> None:
        target = self.stack[-1]
        glue = "\n" if new_paragraph and target.text else ""
        target.text = f"{target.text}{glue}{chunk}"


def build_outline(text: str) -> Outline:
    """Rebuild the heading tree of a cleaned report text."""
    paragraphs: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((offset + len(line) - len(line.lstrip()), line.strip()))
        offset += len(line) + 1
    title = None
    first = paragraphs[0][1] if paragraphs else ""
    if first and len(first) <= 60 and "。" not in first and "报告" in first:
        title = paragraphs.pop(0)[1]
    closing = ""
    builder = _Builder()
    for index, (para_start, paragraph) in enumerate(paragraphs):
        is_last = index == len(paragraphs) - 1
        if (
            is_last
            and builder.stack[-1].level >= 2
            and _match_marker(paragraph, True) is None
            and not INLINE_MARKER.search(paragraph)
            and len(split_sentences(paragraph)) <= 2
            and CLOSING_CUE.search(paragraph)
        ):
            closing = paragraph
            continue
        for starts_paragraph, chunk, chunk_start in _blocks(paragraph):
            marker = _match_marker(chunk, starts_paragraph)
            if marker and builder.try_open(*marker, start=para_start + chunk_start):
                continue
            builder.add_text(chunk, starts_paragraph)
    return Outline(title=title, root=builder.root, closing=closing)
