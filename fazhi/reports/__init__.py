"""Annual rule-of-law report analysis (法治政府建设年度报告分析) — pure Python, no Django.

The review page, the CLI and batch jobs call this package's API:

- ``analyze_file(path)`` / ``analyze_text(text)`` → ``ReportAnalysis`` (``.to_dict()`` for JSON)
- ``compare_reports(old, new)`` → follow-up of last year's shortcomings + boilerplate check
- ``compare_with_previous(prev, this)`` → only the shortcoming follow-up
- ``load_report(path)`` → cleaned text + metadata (unit, year, sha256), ``ReportLoadError``

Importing this package must never import Django (the CLI runs where Django is not set up).
"""

from .analysis import Comparison, ReportAnalysis, analyze_file, analyze_loaded, analyze_text, compare_reports
from .findings import FollowUp, Item, compare_with_previous
from .indicators import Indicator, extract_indicators, scan_numbers
from .loaders import LoadedReport, ReportLoadError, ReportMetadata, load_report, load_text
from .outline import Outline, Section, build_outline
from .parts import PART_LABELS, REQUIRED_PARTS, map_parts
from .similarity import boilerplate, copied_passages, section_similarity
from .vocabulary import LABELS, TERMS, normalize

__all__ = [
    "LABELS",
    "PART_LABELS",
    "REQUIRED_PARTS",
    "TERMS",
    "Comparison",
    "FollowUp",
    "Indicator",
    "Item",
    "LoadedReport",
    "Outline",
    "ReportAnalysis",
    "ReportLoadError",
    "ReportMetadata",
    "Section",
    "analyze_file",
    "analyze_loaded",
    "analyze_text",
    "boilerplate",
    "build_outline",
    "compare_reports",
    "compare_with_previous",
    "copied_passages",
    "extract_indicators",
    "load_report",
    "load_text",
    "map_parts",
    "normalize",
    "scan_numbers",
    "section_similarity",
]
