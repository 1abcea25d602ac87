from __future__ import annotations

import numpy as np
import pytest

from fazhi.dispatch import evaluate
from fazhi.dispatch.evaluate import (
    dispatch_curve,
    evaluate_proba,
    full_curve,
    lowest_threshold,
    reliability_table,
)
from tests.dispatch.conftest import make_records


def test_reliability_table_and_ece():
    conf = np.array([0.95, 0.95, 0.95, 0.95, 0.55, 0.55])
    correct = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    rows, ece = reliability_table(conf, correct, bins=10)
    assert len(rows) == 10 and sum(r["count"] for r in rows) == 6
    top = rows[9]
    assert top["count"] == 4 and top["mean_confidence"] == 0.95 and top["accuracy"] == 0.75
    assert rows[5]["accuracy"] == 0.5 and rows[0]["accuracy"] is None
    # ECE = 4/6*|0.75-0.95| + 2/6*|0.5-0.55|
    assert ece == pytest.approx(4 / 6 * 0.2 + 2 / 6 * 0.05, abs=1e-4)


def test_perfectly_calibrated_scores_have_zero_ece():
    conf = np.array([1.0, 1.0, 0.5, 0.5])
    correct = np.array([1, 1, 1, 0], dtype=bool)
    assert reliability_table(conf, correct)[1] == 0.0


def test_lowest_threshold_reaching_precision():
    conf = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    correct = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    # accuracy at or above: .99->1, .95->1, .9->1, .8->.75, .7->.8, .6->.667
    assert lowest_threshold(conf, correct, precision=1.0) == 0.9
    assert lowest_threshold(conf, correct, precision=0.8) == 0.7
    assert lowest_threshold(conf, correct, precision=0.5) == 0.6
    assert lowest_threshold(np.array([0.9]), np.array([False]), precision=0.9) is None


def test_ties_are_all_in_or_all_out():
    conf = np.array([0.9, 0.9, 0.5])
    correct = np.array([1, 0, 1], dtype=bool)
    curve = full_curve(conf, correct)
    assert list(curve["threshold"]) == [0.9, 0.5]
    assert list(curve["coverage"]) == pytest.approx([2 / 3, 1.0])
    assert list(curve["accuracy"]) == pytest.approx([0.5, 2 / 3])


def test_dispatch_curve_coverage_is_monotone():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.3, 1, 500)
    correct = rng.uniform(0, 1, 500) < conf
    curve = dispatch_curve(conf, correct)
    coverage = [p["coverage"] for p in curve]
    assert coverage == sorted(coverage, reverse=True)
    assert curve[0]["threshold"] == 0.3 and curve[0]["coverage"] == 1.0


def test_evaluate_proba_metrics_and_unknown_labels():
    labels = ["a", "b"]
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    ev = evaluate_proba(proba, ["a", "b", "b", "c"], labels, thresholds={0.97: 0.85, 0.99: None})
    assert ev.n == 4 and ev.accuracy == 0.5
    assert ev.labels == ["a", "b", "c"]
    assert ev.confusion == [[1, 0, 0], [1, 1, 0], [0, 1, 0]]
    assert ev.per_class["a"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert ev.auto["0.97"] == {"threshold": 0.85, "coverage": 0.25, "accuracy": 1.0}
    assert ev.auto["0.99"]["coverage"] == 0.0
    assert ev.top3_accuracy == 0.75
    assert set(ev.to_dict()) >= {"accuracy", "macro_f1", "reliability", "curve", "ece"}


def test_evaluate_model_on_records(model):
    ev = evaluate(model, make_records(10, seed=9))
    assert ev.n == 40 and ev.accuracy >= 0.9 and ev.top3_accuracy >= ev.accuracy
    assert ev.macro_f1 > 0.8
    assert set(ev.auto) == {"0.97", "0.99"}
    empty = evaluate(model, [])
    assert empty.n == 0 and empty.accuracy == 0.0
