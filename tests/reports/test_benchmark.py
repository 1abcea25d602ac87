"""Recall over every number in the seeds and precision of the extracted rows (see gold_numbers)."""

from __future__ import annotations

from .conftest import SEED_IDS, seed_analysis
from .gold_numbers import score


def test_recall_and_precision_on_the_seeds(seed):
    result = score(seed_analysis(seed), seed)
    assert result["recall"] >= 0.95, result["wrong"]
    assert result["precision"] >= 0.95, result["wrong"]


def test_overall_figures():
    results = [score(seed_analysis(s), s) for s in SEED_IDS]
    numbers = sum(r["numbers"] for r in results)
    assert numbers > 250
    assert sum(r["correct_decisions"] for r in results) / numbers >= 0.95
    assert sum(r["correct_rows"] for r in results) / sum(r["rows"] for r in results) >= 0.95
