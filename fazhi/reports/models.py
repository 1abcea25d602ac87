"""The register of imported annual reports: the cleaned text, its hash and the stored analysis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fazhi.reports.parts import REQUIRED_PARTS


class SourceFormat(models.TextChoices):
    TEXT = "text", _("文本（TXT）")
    DOCX = "docx", _("Word（DOCX）")
    PDF = "pdf", _("PDF")
    HTML = "html", _("网页（HTML）")


# Short labels for the parts map; the statute's full wording comes with the analysis.
PART_NAMES = {
    "measures": _("主要举措和成效"),
    "shortcomings": _("存在的不足和原因"),
    "leader_duties": _("主要负责人履行第一责任人职责"),
    "plans": _("下一年度主要安排"),
    "other": _("其他需要报告的情况"),
    "rectification": _("上年问题整改情况"),
}
# Qualifiers written before the number ("超600家"), between number and unit ("200余次") or after.
_PREFIX_QUALIFIERS = {"超", "近", "约"}
_INFIX_QUALIFIERS = {"余", "多"}


def format_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def format_value(row: dict) -> str:
    """One indicator as the report would write it: "超600家", "200余次", "98%以上", "3–5个"."""
    number = format_number(row["value"])
    if row.get("value_max") is not None:
        number = f"{number}–{format_number(row['value_max'])}"
    qualifier, unit = row.get("qualifier") or "", row.get("unit") or ""
    if qualifier in _PREFIX_QUALIFIERS:
        return f"{qualifier}{number}{unit}"
    if qualifier in _INFIX_QUALIFIERS:
        return f"{number}{qualifier}{unit}"
    return f"{number}{unit}{qualifier}"


class ReportDocument(models.Model):
    """One unit's annual report for one year, as imported.

    The text is the loader's cleaned text, so the offsets in the stored analysis (indicators,
    copied passages) point into it. ``sha256`` is the package's content hash — over the cleaned
    text without whitespace — so the same report imported again as .txt, .docx or .pdf is
    recognised as one. The analysis is stored as ``to_dict()`` for listing and exporting; the
    follow-up and boilerplate checks need the outline objects and re-run the (pure, fast)
    analysis from ``text``.
    """

    unit = models.ForeignKey(
        "core.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("单位（组织树）"),
    )
    unit_name = models.CharField(_("报告单位"), max_length=200, db_index=True)
    year = models.PositiveSmallIntegerField(_("报告年度"), db_index=True)
    source_format = models.CharField(_("文件格式"), max_length=10, choices=SourceFormat.choices)
    original_filename = models.CharField(_("原始文件名"), max_length=255, blank=True)
    text = models.TextField(_("报告正文（清洗后）"))
    sha256 = models.CharField(_("内容哈希"), max_length=64, unique=True)
    analysis = models.JSONField(_("分析结果"), default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("导入人"),
    )
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "unit_name", "pk"]
        indexes = [models.Index(fields=["unit_name", "year"], name="report_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.year}"

    @property
    def title(self) -> str:
        return f"{self.unit_name} {self.year}年"

    @property
    def parts(self) -> dict:
        return self.analysis.get("required_parts", {})

    @property
    def missing_parts(self) -> list[str]:
        return self.analysis.get("missing_parts", [])

    @property
    def indicators(self) -> list[dict]:
        return self.analysis.get("indicators", [])

    def parts_map(self) -> list[dict]:
        """The five statutory parts, then rectification, each with its status and where it is."""
        out = []
        for part in (*REQUIRED_PARTS, "rectification"):
            info = self.parts.get(part)
            if info is None:
                continue
            out.append({"code": part, "name": PART_NAMES.get(part, part), **info})
        return out

    def parts_found(self) -> int:
        return sum(1 for p in REQUIRED_PARTS if self.parts.get(p, {}).get("found"))

    def normalized_count(self) -> int:
        return sum(1 for row in self.indicators if row.get("normalized_name"))

    def indicator_rows(self, *, kind: str = "") -> list[dict]:
        """The indicator table, optionally only vocabulary items ("normalized") or the rest ("free")."""
        rows = []
        for index, row in enumerate(self.indicators, start=1):
            normalized = bool(row.get("normalized_name"))
            if (kind == "normalized" and not normalized) or (kind == "free" and normalized):
                continue
            rows.append({**row, "index": index, "display": format_value(row)})
        return rows

    def outline_tree(self) -> list[dict]:
        """The outline's sections with the parts each one was mapped to, for badges."""
        section_parts = self.analysis.get("section_parts", {})

        def walk(nodes):
            return [
                {
                    **node,
                    "parts": [PART_NAMES.get(p, p) for p in section_parts.get(node["id"], [])],
                    "children": walk(node.get("children", [])),
                }
                for node in nodes
            ]

        return walk(self.analysis.get("outline", {}).get("sections", []))

    def reanalyse(self):
        """The full ``ReportAnalysis`` (outline objects included) from the stored text.

        The stored metadata is reused, so the report year (which resolves 今年/去年) and the
        reviewer's corrections of unit and year stay what they were at import.
        """
        from fazhi.reports.analysis import analyze_loaded
        from fazhi.reports.loaders import LoadedReport, ReportMetadata

        meta = dict(self.analysis.get("metadata") or {})
        meta.update(unit=self.unit_name, year=self.year, sha256=self.sha256)
        meta.setdefault("source_format", self.source_format)
        return analyze_loaded(LoadedReport(text=self.text, metadata=ReportMetadata(**meta)))
