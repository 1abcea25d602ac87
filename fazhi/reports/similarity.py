"""Text similarity without models: character n-gram TF-IDF and copied-passage detection.

Chinese has no spaces, and word segmentation of officialese is unreliable on slogans and
proper names, so character bigrams and trigrams are the sturdier unit; TF-IDF lets stock
words ("法治", "建设") weigh little against specific ones ("听证会", "合法性审查"). Copied
passages are found with exact shingles extended greedily, which finds a paragraph copied
from last year's report even when it moved to another section. No network, no weights.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass

from .outline import Outline

NGRAM_SIZES = (2, 3)
PUNCT_RE = re.compile(r"[\s,.;:!?，。、；：！？“”‘’《》()（）〔〕【】\-—…·\"']+")


def char_ngrams(text: str, sizes: tuple[int, ...] = NGRAM_SIZES) -> Counter[str]:
    """Character n-grams within punctuation-delimited runs (an n-gram never spans a comma)."""
    grams: Counter[str] = Counter()
    for run in PUNCT_RE.split(text):
        for n in sizes:
            for i in range(len(run) - n + 1):
                grams[run[i : i + n]] += 1
    return grams


class TfidfSpace:
    """IDF weights fitted on a small corpus (the sentences of two reports), then cosine similarity."""

    def __init__(self, documents: list[str]) -> None:
        df: Counter[str] = Counter()
        for doc in documents:
            df.update(set(char_ngrams(doc)))
        n = max(len(documents), 1)
        self.idf = {gram: math.log((1 + n) / (1 + count)) + 1.0 for gram, count in df.items()}
        self.default_idf = math.log(1 + n) + 1.0

    def vector(self, text: str) -> dict[str, float]:
        counts = char_ngrams(text)
        vec = {g: (1 + math.log(c)) * self.idf.get(g, self.default_idf) for g, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    @staticmethod
    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(g, 0.0) for g, v in a.items())

    def similarity(self, x: str, y: str) -> float:
        return self.cosine(self.vector(x), self.vector(y))


@dataclass
class Passage:
    """A run of text found in both reports, with offsets into each cleaned text for highlighting."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str

    @property
    def length(self) -> int:
        return self.a_end - self.a_start

    def to_dict(self) -> dict:
        return {**asdict(self), "length": self.length}


def copied_passages(a: str, b: str, *, min_chars: int = 20, seed: int = 8) -> list[Passage]:
    """Maximal passages of ``a`` that also occur in ``b`` (at least ``min_chars`` long).

    Greedy string tiling, simplified: index every ``seed``-character shingle of ``b``; walk
    ``a``, extend each shingle hit forwards, keep the longest, and jump past it. Linear in
    practice for reports of ~10 000 characters.
    """
    if len(a) < min_chars or len(b) < min_chars:
        return []
    index: dict[str, list[int]] = {}
    for j in range(len(b) - seed + 1):
        index.setdefault(b[j : j + seed], []).append(j)
    passages: list[Passage] = []
    i = 0
    while i <= len(a) - seed:
        best_len, best_j = 0, -1
        for j in index.get(a[i : i + seed], ()):
            length = seed
            while i + length < len(a) and j + length < len(b) and a[i + length] == b[j + length]:
                length += 1
            if length > best_len:
                best_len, best_j = length, j
        if best_len >= min_chars:
            text = a[i : i + best_len]
            if len(text.strip()) >= min_chars:
                passages.append(Passage(i, i + best_len, best_j, best_j + best_len, text))
            i += best_len
        else:
            i += 1
    return passages


@dataclass
class SectionMatch:
    heading: str
    other_heading: str | None
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def section_similarity(a: Outline, b: Outline, *, max_level: int = 2) -> list[SectionMatch]:
    """For each section of ``a`` (levels 1–2), the most similar section of ``b`` and the score."""
    a_sections = [s for s in a.sections() if s.level <= max_level]
    b_sections = [s for s in b.sections() if s.level <= max_level]
    if not a_sections:
        return []
    space = TfidfSpace([s.full_text() for s in a_sections + b_sections])
    b_vectors = [(s, space.vector(s.full_text())) for s in b_sections]
    matches = []
    for section in a_sections:
        vec = space.vector(section.full_text())
        best, best_score = None, 0.0
        for other, other_vec in b_vectors:
            score = space.cosine(vec, other_vec)
            if score > best_score:
                best, best_score = other, score
        matches.append(SectionMatch(section.heading, best.heading if best else None, round(best_score, 3)))
    return matches


@dataclass
class BoilerplateReport:
    """How much of a report repeats another: per-section similarity and copied passages."""

    copied_share: float
    sections: list[SectionMatch]
    passages: list[Passage]

    def to_dict(self) -> dict:
        return {
            "copied_share": self.copied_share,
            "copied_chars": sum(p.length for p in self.passages),
            "sections": [s.to_dict() for s in self.sections],
            "passages": [p.to_dict() for p in self.passages],
        }


def boilerplate(
    text: str, outline: Outline, other_text: str, other_outline: Outline, *, min_chars: int = 20
) -> BoilerplateReport:
    """Compare a report with another (last year's of the same unit, or a peer's of the same year)."""
    passages = copied_passages(text, other_text, min_chars=min_chars)
    body = len(re.sub(r"\s", "", text)) or 1
    share = round(sum(len(re.sub(r"\s", "", p.text)) for p in passages) / body, 4)
    return BoilerplateReport(share, section_similarity(outline, other_outline), passages)
