"""The shape of an annual-report draft: parts holding staff prompts and blocks of computed figures.

Kept apart from build.py so the figure sources (build_sources.py) and the exports
(build_docx.py) can share it without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .parts import PART_LABELS
from .vocabulary import label

SH = ZoneInfo("Asia/Shanghai")
PROMPT_MARK = "（请填写）"


def fmt(value: int | float) -> str:
    """A number as the seeds print it: integers bare, decimals to at most two places (90.77, 2.5)."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class Figure:
    """One computed number, the sentence that states it and where it came from."""

    key: str
    label: str
    text: str
    value: int | float | None
    unit: str
    indicator: str | None
    source: str
    change: dict | None = None

    @property
    def display(self) -> str:
        return "—" if self.value is None else f"{fmt(self.value)}{self.unit}"

    @property
    def indicator_label(self) -> str | None:
        return label(self.indicator)

    def to_dict(self) -> dict:
        return {**asdict(self), "display": self.display, "indicator_label": self.indicator_label}


@dataclass
class Block:
    """One module's figures inside a part (诉求办理, 政府信息公开), or its one-line "no data"."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    empty: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def paragraph(self) -> str:
        """The figures as one paragraph in the seeds' style: clauses joined by “；”."""
        if self.empty:
            return self.empty
        return "；".join(f.text for f in self.figures) + "。"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "paragraph": self.paragraph,
            "empty": self.empty,
            "notes": self.notes,
            "figures": [f.to_dict() for f in self.figures],
        }


@dataclass
class Part:
    key: str
    heading: str
    prompts: list[str]
    blocks: list[Block] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return self.key != "rectification"

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "label": PART_LABELS[self.key],
            "heading": self.heading,
            "required": self.required,
            "prompts": [f"{PROMPT_MARK}{p}" for p in self.prompts],
            "blocks": [b.to_dict() for b in self.blocks],
        }


@dataclass
class ReportDraft:
    unit_code: str
    unit_name: str
    year: int
    include_sub_units: bool
    generated_at: datetime
    parts: list[Part]

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.year}年法治政府建设年度报告（草稿）"

    @property
    def scope_label(self) -> str:
        return "本单位及下级单位" if self.include_sub_units else "本单位"

    def figures(self) -> list[Figure]:
        return [f for p in self.parts for b in p.blocks for f in b.figures]

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "unit": {"code": self.unit_code, "name": self.unit_name},
            "year": self.year,
            "include_sub_units": self.include_sub_units,
            "scope": self.scope_label,
            "generated_at": self.generated_at.astimezone(SH).isoformat(timespec="seconds"),
            "prompt_mark": PROMPT_MARK,
            "parts": [p.to_dict() for p in self.parts],
        }
