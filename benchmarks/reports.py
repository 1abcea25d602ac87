"""Benchmark of annual-report indicator extraction on the five seed reports.

    .venv/bin/python benchmarks/reports.py

For every number in each seed (each run of Arabic digits, plus Chinese-numeral counts) the
hand-checked gold in tests/reports/gold_numbers.py says whether it is an indicator, a
year-on-year change, or legitimately excluded (date, document number, heading, name…).

* recall    = numbers handled as the gold says / all numbers
* precision = extracted rows whose value, unit, qualifier and normalized_name equal the gold
              and whose name contains the gold's key phrase / all extracted rows

Skips (exit 0) when the seeds are absent. The seeds were also the development set of the
extraction rules, so these figures are an upper bound, not a held-out estimate.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fazhi.config import config  # noqa: E402
from fazhi.reports import analyze_file  # noqa: E402


def load_gold():
    spec = importlib.util.spec_from_file_location(
        "gold_numbers", ROOT / "tests" / "reports" / "gold_numbers.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pad(text: str, width: int) -> str:
    """Left-justify by display width (a Chinese character takes two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def main() -> int:
    seeds = sorted((config.shared_dir / "seeds").glob("[0-9][0-9][0-9]_*.txt"))
    if not seeds:
        print(f"skipped: no seed reports in {config.shared_dir / 'seeds'}")
        return 0
    gold = load_gold()
    header = (
        f"{'seed':<6}{'unit':<18}{'year':>5}{'numbers':>9}{'ind':>5}{'excl':>6}{'chg':>5}"
        f"{'recall':>9}{'rows':>6}{'precision':>11}{'ms':>7}"
    )
    print(header)
    print("-" * len(header))
    totals = {"numbers": 0, "correct_decisions": 0, "rows": 0, "correct_rows": 0}
    for path in seeds:
        seed = path.name[:3]
        if seed not in gold.GOLD:
            continue
        started = time.perf_counter()
        analysis = analyze_file(path)
        elapsed = (time.perf_counter() - started) * 1000
        result = gold.score(analysis, seed)
        for key in totals:
            totals[key] += result[key]
        unit = pad((analysis.metadata.unit or "")[:8], 18)
        print(
            f"{seed:<6}{unit}{analysis.metadata.year or '':>5}{result['numbers']:>9}"
            f"{result['gold_indicators']:>5}{result['gold_excluded']:>6}{result['gold_changes']:>5}"
            f"{result['recall']:>9.1%}{result['rows']:>6}{result['precision']:>11.1%}{elapsed:>7.0f}"
        )
        for line in result["wrong"]:
            print(f"      ! {line}")
    print("-" * len(header))
    recall = totals["correct_decisions"] / totals["numbers"]
    precision = totals["correct_rows"] / totals["rows"]
    print(
        f"{'all':<6}{'':<18}{'':>5}{totals['numbers']:>9}{'':>5}{'':>6}{'':>5}"
        f"{recall:>9.1%}{totals['rows']:>6}{precision:>11.1%}"
    )
    print(
        f"\nrecall {recall:.1%} ({totals['correct_decisions']}/{totals['numbers']} numbers), "
        f"precision {precision:.1%} ({totals['correct_rows']}/{totals['rows']} rows)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
