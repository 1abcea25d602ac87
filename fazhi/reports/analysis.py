"""One call from a report to everything a reviewer needs: parts, figures, problems, plans.

The Django review page, the CLI and the tests all go through ``analyze_text`` /
``analyze_file`` and ``compare_reports``, so the three never disagree. Analysis is pure and
fast (tens of milliseconds), so callers store the text and re-analyse rather than persisting
intermediate objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .findings import FollowUp, Item, compare_with_previous, extract_items
from .indicators import Indicator, Mention, scan_numbers
from .loaders import LoadedReport, ReportMetadata, load_report, load_text
from .outline import Outline, build_outline
from .parts import REQUIRED_PARTS, PartStatus, map_parts, part_sections
from .similarity import BoilerplateReport, boilerplate


@dataclass
class ReportAnalysis:
    text: str
    metadata: ReportMetadata
    outline: Outline
    parts: dict[str, PartStatus]
    indicators: list[Indicator]
    mentions: list[Mention]
    shortcomings: list[Item]
    rectifications: list[Item]
    plans: list[Item]

    @property
    def missing_parts(self) -> list[str]:
        return [p for p in REQUIRED_PARTS if not self.parts[p].found]

    def to_dict(self, *, include_text: bool = False) -> dict:
        data = {
            "metadata": self.metadata.to_dict(),
            "required_parts": {part: status.to_dict() for part, status in self.parts.items()},
            "missing_parts": self.missing_parts,
            "indicators": [i.to_dict() for i in self.indicators],
            "shortcomings": [i.to_dict() for i in self.shortcomings],
            "rectifications": [i.to_dict() for i in self.rectifications],
            "plans": [i.to_dict() for i in self.plans],
            "outline": self.outline.to_dict(),
            "section_parts": part_sections(self.parts),
        }
        if include_text:
            data["text"] = self.text
        return data


def analyze_loaded(report: LoadedReport) -> ReportAnalysis:
    outline = build_outline(report.text)
    parts = map_parts(outline)
    indicators, mentions = scan_numbers(report.text, report_year=report.metadata.year, outline=outline)
    return ReportAnalysis(
        text=report.text,
        metadata=report.metadata,
        outline=outline,
        parts=parts,
        indicators=indicators,
        mentions=mentions,
        shortcomings=extract_items(outline, parts, "shortcomings"),
        rectifications=extract_items(outline, parts, "rectification"),
        plans=extract_items(outline, parts, "plans"),
    )


def analyze_text(text: str, *, source_format: str = "text", filename: str | None = None) -> ReportAnalysis:
    """Analyse report text already in memory (e.g. pasted into a form)."""
    return analyze_loaded(load_text(text, source_format=source_format, filename=filename))


def analyze_file(path: str | Path) -> ReportAnalysis:
    """Load (txt/docx/pdf/html) and analyse; raises ``ReportLoadError`` with a Chinese message."""
    return analyze_loaded(load_report(path))


@dataclass
class Comparison:
    old: ReportAnalysis
    new: ReportAnalysis
    follow_up: list[FollowUp]
    boilerplate: BoilerplateReport

    def to_dict(self) -> dict:
        return {
            "old": self.old.metadata.to_dict(),
            "new": self.new.metadata.to_dict(),
            "same_content": self.old.metadata.sha256 == self.new.metadata.sha256,
            "follow_up": [f.to_dict() for f in self.follow_up],
            "dropped": [f.shortcoming for f in self.follow_up if f.status == "dropped"],
            "boilerplate": self.boilerplate.to_dict(),
        }


def compare_reports(old: ReportAnalysis, new: ReportAnalysis, *, min_chars: int = 20) -> Comparison:
    """Follow last year's shortcomings into ``new`` and find text ``new`` shares with ``old``."""
    return Comparison(
        old=old,
        new=new,
        follow_up=compare_with_previous(old, new),
        boilerplate=boilerplate(new.text, new.outline, old.text, old.outline, min_chars=min_chars),
    )
