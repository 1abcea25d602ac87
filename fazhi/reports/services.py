"""Report review services: import (the one state change) and the read-side checks.

Plain functions with keyword-only arguments and the actor passed in, so the upload page, the
admin and a batch import from the CLI all run the same code and write the same audit entries.
The analysis itself is the Django-free package (ADR 0003); this module only stores it and pairs
reports (same unit's previous year for follow-up, any other report for the boilerplate check).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fazhi.core import audit
from fazhi.core.uploads import MAX_UPLOAD_BYTES, TOO_LARGE
from fazhi.reports.analysis import analyze_loaded
from fazhi.reports.findings import compare_with_previous
from fazhi.reports.loaders import SUPPORTED, LoadedReport, ReportLoadError, load_report
from fazhi.reports.models import ReportDocument, format_value
from fazhi.reports.similarity import boilerplate
from fazhi.reports.vocabulary import LABELS, TERMS

ALLOWED_SUFFIXES = tuple(sorted(SUPPORTED))
FOLLOW_UP_LABELS = {
    "rectified": gettext_lazy("已整改"),
    "repeated": gettext_lazy("再次列为问题"),
    "addressed": gettext_lazy("有所提及"),
    "dropped": gettext_lazy("未提及，需问询"),
}


class ReportImportError(Exception):
    """An upload that cannot become a report; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    report: ReportDocument
    created: bool


def _load(*, file=None, path=None) -> LoadedReport:
    """Load an uploaded file (via a temporary copy: docx/pdf readers want a path) or a path."""
    if (file is None) == (path is None):
        raise ValueError("pass exactly one of file= or path=")
    if path is not None:
        path = Path(path)
        if path.is_file() and path.stat().st_size > MAX_UPLOAD_BYTES:
            raise ReportImportError(TOO_LARGE)
        return load_report(path)
    name = Path(getattr(file, "name", "") or "report.txt").name
    if getattr(file, "size", 0) and file.size > MAX_UPLOAD_BYTES:
        raise ReportImportError(TOO_LARGE)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="fazhi-report-") as tmp:
        target = Path(tmp) / f"upload{suffix}"
        with target.open("wb") as out:
            for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
                out.write(chunk)
        loaded = load_report(target)
    return LoadedReport(text=loaded.text, metadata=replace(loaded.metadata, filename=name))


def import_report(
    *, actor, file=None, path=None, unit=None, unit_name: str = "", year: int | None = None, now=None
) -> ImportResult:
    """Analyse a report file and store it, or return the stored one if the content is known.

    ``unit``/``unit_name``/``year`` override what the loader guessed from the title; they go
    into the metadata *before* analysis because the report year resolves "今年/去年" in figures.
    Raises ``ReportImportError`` (Chinese message) and stores nothing when the file is unusable.
    """
    try:
        loaded = _load(file=file, path=path)
    except ReportLoadError as exc:
        raise ReportImportError(str(exc)) from exc
    meta = loaded.metadata
    name = (unit_name or "").strip() or meta.unit or (unit.name if unit is not None else "")
    year = year or meta.year
    if not name:
        raise ReportImportError(_("无法从报告中识别报告单位，请选择或填写单位"))
    if not year:
        raise ReportImportError(_("无法从报告中识别报告年度，请填写年度"))
    existing = ReportDocument.objects.filter(sha256=meta.sha256).first()
    if existing is not None:
        return _duplicate(existing, actor=actor)
    analysis = analyze_loaded(LoadedReport(loaded.text, replace(meta, unit=name, year=year)))
    try:
        with transaction.atomic():
            report = ReportDocument.objects.create(
                unit=unit,
                unit_name=name[:200],
                year=year,
                source_format=meta.source_format,
                original_filename=(meta.filename or "")[:255],
                text=loaded.text,
                sha256=meta.sha256,
                analysis=analysis.to_dict(),
                imported_by=actor,
                imported_at=now or timezone.now(),
            )
            audit.record(
                action="report.imported",
                actor=actor,
                target=f"report:{report.pk}",
                details={
                    "unit": name,
                    "year": year,
                    "sha256": meta.sha256,
                    "format": meta.source_format,
                    "filename": meta.filename,
                    "missing_parts": analysis.missing_parts,
                    "indicators": len(analysis.indicators),
                },
            )
    except IntegrityError:
        # Another upload of the same content won the race between our lookup and insert.
        return _duplicate(ReportDocument.objects.get(sha256=meta.sha256), actor=actor)
    return ImportResult(report, created=True)


def correct_report(*, actor, report: ReportDocument, unit_name: str, year: int, unit=None) -> ReportDocument:
    """Fix the unit or year the loader guessed; the analysis is redone because the year decides
    what "今年/去年" in the figures mean, and follow-up pairs reports by unit and year."""
    before = {"unit": report.unit_id, "unit_name": report.unit_name, "year": report.year}
    with transaction.atomic():
        report.unit, report.unit_name, report.year = unit, unit_name.strip()[:200], year
        report.analysis = report.reanalyse().to_dict()
        report.save(update_fields=["unit", "unit_name", "year", "analysis"])
        audit.record(
            action="report.corrected",
            actor=actor,
            target=f"report:{report.pk}",
            details={
                "before": before,
                "after": {"unit": report.unit_id, "unit_name": report.unit_name, "year": year},
            },
        )
    return report


def _duplicate(report: ReportDocument, *, actor) -> ImportResult:
    audit.record(
        action="report.import_duplicate",
        actor=actor,
        target=f"report:{report.pk}",
        details={"sha256": report.sha256},
    )
    return ImportResult(report, created=False)


def list_for(*, actor, q: str = "", year: int | None = None):
    """Reports a reviewer may read, newest year first.

    Annual reports are public documents (each unit must publish its own by the end of March),
    so every reviewing role reads every report; the org tree restricts who reads *cases*.
    """
    qs = ReportDocument.objects.defer("text")
    if q:
        qs = qs.filter(
            Q(unit_name__icontains=q) | Q(unit__name__icontains=q) | Q(original_filename__icontains=q)
        )
    if year:
        qs = qs.filter(year=year)
    return qs


def previous_report(report: ReportDocument) -> ReportDocument | None:
    """The same unit's report for the year before, matched on the org unit when both have one."""
    same_unit = Q(unit_name=report.unit_name)
    if report.unit_id:
        same_unit = Q(unit_id=report.unit_id) | Q(unit__isnull=True, unit_name=report.unit_name)
    # A unit may have resubmitted a corrected version: the latest import is the one that counts.
    candidates = ReportDocument.objects.filter(same_unit, year=report.year - 1).exclude(pk=report.pk)
    return candidates.order_by("-imported_at", "-pk").first()


def _context(text: str, start: int, end: int, width: int = 40) -> dict:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return {
        "before": ("…" if start > width else "") + before,
        "mark": text[start:end],
        "after": after + ("…" if end + width < len(text) else ""),
    }


def review(report: ReportDocument, *, other: ReportDocument | None = None, max_passages: int = 30) -> dict:
    """Follow-up of last year's shortcomings and the boilerplate check, for the review page.

    Without an explicit ``other`` the boilerplate check runs against last year's report, the
    comparison that shows a report copied forward.
    """
    this = report.reanalyse()
    previous = previous_report(report)
    analyses = {}
    result = {"previous": previous, "follow_up": None, "other": other or previous, "boilerplate": None}
    if previous is not None:
        analyses[previous.pk] = previous.reanalyse()
        rows = compare_with_previous(analyses[previous.pk], this)
        result["follow_up"] = [
            {**r.to_dict(), "status_label": FOLLOW_UP_LABELS.get(r.status, r.status)} for r in rows
        ]
    other = result["other"]
    if other is not None and other.pk != report.pk:
        other_analysis = analyses.get(other.pk) or other.reanalyse()
        bp = boilerplate(this.text, this.outline, other_analysis.text, other_analysis.outline)
        passages = sorted(bp.passages, key=lambda p: p.length, reverse=True)[:max_passages]
        result["boilerplate"] = {
            **{k: v for k, v in bp.to_dict().items() if k != "passages"},
            "copied_percent": round(bp.copied_share * 100, 1),
            "passage_count": len(bp.passages),
            "passages": [
                {
                    "length": p.length,
                    "this": _context(this.text, p.a_start, p.a_end),
                    "other": _context(other_analysis.text, p.b_start, p.b_end),
                }
                for p in passages
            ],
        }
    return result


def comparison(reports: list[ReportDocument]) -> dict:
    """The normalized indicators across reports: one row per vocabulary item, one column per report.

    A report may state the same figure twice (e.g. proactive items on the portal and on new
    media); the cell keeps every value, and the chart plots the first one stated.
    """
    order = {term.code: i for i, term in enumerate(TERMS)}
    cells: dict[str, list[list[dict]]] = {}
    for col, report in enumerate(reports):
        for row in report.indicators:
            code = row.get("normalized_name")
            if code:
                cells.setdefault(code, [[] for _ in reports])[col].append(row)
    rows = []
    for code in sorted(cells, key=lambda c: order.get(c, len(order))):
        units = [values[0].get("unit", "") for values in cells[code] if values]
        unit = max(set(units), key=units.count) if units else ""
        rows.append(
            {
                "code": code,
                "label": LABELS.get(code, code),
                "unit": unit,
                "cells": [
                    {
                        "text": " / ".join(format_value(v) for v in values),
                        "values": values,
                        "first": values[0]["value"] if values and values[0].get("unit", "") == unit else None,
                    }
                    for values in cells[code]
                ],
            }
        )
    columns = [{"pk": r.pk, "label": r.title, "unit_name": r.unit_name, "year": r.year} for r in reports]
    chart = {
        "columns": [c["label"] for c in columns],
        "units": [c["unit_name"] for c in columns],
        "years": [c["year"] for c in columns],
        "rows": [
            {
                "code": r["code"],
                "label": r["label"],
                "unit": r["unit"],
                "values": [c["first"] for c in r["cells"]],
            }
            for r in rows
        ],
    }
    return {"columns": columns, "rows": rows, "chart": chart}
