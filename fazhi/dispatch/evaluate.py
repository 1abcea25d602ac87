"""Measuring a dispatch model: accuracy, calibration and the auto-dispatch trade-off.

Auto-dispatch sends an appeal to a unit without a person looking, so what matters beyond
accuracy is whether the model's confidence can be trusted: the reliability table (does "90%
sure" mean right 9 times in 10?) and the auto-dispatch curve (how many appeals can go out
automatically at a required accuracy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from fazhi.dispatch.model import DispatchModel

DEFAULT_TEXT_FIELDS = ("留言主题", "留言详情")
DEFAULT_LABEL_FIELD = "一级标签"
# Thresholds reported in the curve; the curve stored in a model uses every distinct value.
CURVE_THRESHOLDS = tuple(
    round(x, 3) for x in [*np.arange(0.30, 0.95, 0.05), 0.96, 0.97, 0.98, 0.99, 0.995, 0.999]
)
PRECISION_TARGETS = (0.97, 0.99)


def reliability_table(
    confidence: np.ndarray, correct: np.ndarray, *, bins: int = 10
) -> tuple[list[dict], float]:
    """Equal-width confidence bins with mean confidence vs. accuracy, and the ECE.

    ECE (expected calibration error) is the count-weighted mean gap |accuracy − confidence|;
    0 means "p = 0.9" is right exactly 90% of the time.
    """
    rows: list[dict] = []
    n = len(confidence)
    ece = 0.0
    idx = np.minimum((confidence * bins).astype(int), bins - 1)
    for b in range(bins):
        mask = idx == b
        count = int(mask.sum())
        row = {
            "lower": b / bins,
            "upper": (b + 1) / bins,
            "count": count,
            "mean_confidence": None,
            "accuracy": None,
        }
        if count:
            conf, acc = float(confidence[mask].mean()), float(correct[mask].mean())
            row.update(mean_confidence=round(conf, 4), accuracy=round(acc, 4))
            ece += count / n * abs(acc - conf)
        rows.append(row)
    return rows, round(ece, 4)


def full_curve(confidence: np.ndarray, correct: np.ndarray) -> dict[str, np.ndarray]:
    """Coverage and accuracy at every distinct confidence value used as a threshold."""
    order = np.argsort(-confidence, kind="stable")
    conf, corr = confidence[order], correct[order].astype(float)
    cum_correct = np.cumsum(corr)
    count = np.arange(1, len(conf) + 1)
    # Appeals with equal confidence are all in or all out: keep the last index of each value.
    last = np.r_[np.flatnonzero(np.diff(conf) != 0), len(conf) - 1] if len(conf) else np.zeros(0, dtype=int)
    return {
        "threshold": conf[last],
        "coverage": count[last] / max(len(conf), 1),
        "accuracy": cum_correct[last] / count[last],
        "count": count[last].astype(float),
    }


def dispatch_curve(
    confidence: np.ndarray, correct: np.ndarray, *, thresholds: Sequence[float] = CURVE_THRESHOLDS
) -> list[dict]:
    """Coverage (share at or above the threshold) and the accuracy of those, per threshold."""
    out = []
    for t in thresholds:
        mask = confidence >= t
        count = int(mask.sum())
        acc = float(correct[mask].mean()) if count else None
        cov = count / len(confidence) if len(confidence) else 0.0
        out.append(
            {"threshold": t, "coverage": round(cov, 4), "accuracy": None if acc is None else round(acc, 4)}
        )
    return out


def lowest_threshold(confidence: np.ndarray, correct: np.ndarray, *, precision: float) -> float | None:
    """Lowest threshold whose auto-dispatched accuracy is at least ``precision`` (or None)."""
    curve = full_curve(confidence, correct)
    ok = np.flatnonzero(curve["accuracy"] >= precision - 1e-12)
    return float(curve["threshold"][ok].min()) if len(ok) else None


@dataclass
class Evaluation:
    """Figures for one test set. ``auto`` uses thresholds fixed at training time (honest);
    ``oracle_coverage`` picks them on this test set and is an upper bound, for comparison."""

    n: int
    accuracy: float
    macro_f1: float
    top3_accuracy: float
    labels: list[str]
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    reliability: list[dict]
    ece: float
    curve: list[dict]
    auto: dict[str, dict[str, Any]] = field(default_factory=dict)
    oracle_coverage: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_proba(
    proba: np.ndarray,
    truth: Sequence[str],
    labels: Sequence[str],
    *,
    thresholds: Mapping[float, float | None] | None = None,
) -> Evaluation:
    """Metrics from predicted probabilities (columns in ``labels`` order) and true labels.

    True labels the model has never seen count as errors and get their own confusion row.
    """
    labels = list(labels)
    all_labels = labels + sorted(set(truth) - set(labels))
    pos = {lab: i for i, lab in enumerate(all_labels)}
    y = np.array([pos[t] for t in truth], dtype=int)
    n = len(y)
    pred = proba.argmax(axis=1) if n else np.zeros(0, dtype=int)
    conf = proba.max(axis=1) if n else np.zeros(0)
    correct = pred == y
    top3 = np.argsort(-proba, axis=1)[:, :3] if n else np.zeros((0, 3), dtype=int)
    confusion = np.zeros((len(all_labels), len(all_labels)), dtype=int)
    np.add.at(confusion, (y, pred), 1)
    per_class, f1s = {}, []
    for i, lab in enumerate(all_labels):
        tp, support, predicted = confusion[i, i], confusion[i].sum(), confusion[:, i].sum()
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_class[lab] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "support": int(support),
        }
        if support:
            f1s.append(f1)
    reliability, ece = reliability_table(conf, correct)
    auto: dict[str, dict[str, Any]] = {}
    for target, t in (thresholds or {}).items():
        mask = conf >= t if t is not None else np.zeros(n, dtype=bool)
        count = int(mask.sum())
        auto[f"{target:g}"] = {
            "threshold": t,
            "coverage": round(count / n, 4) if n else 0.0,
            "accuracy": round(float(correct[mask].mean()), 4) if count else None,
        }
    oracle = {}
    for target in PRECISION_TARGETS:
        t = lowest_threshold(conf, correct, precision=target)
        oracle[f"{target:g}"] = round(float((conf >= t).mean()), 4) if t is not None else 0.0
    return Evaluation(
        n=n,
        accuracy=round(float(correct.mean()), 4) if n else 0.0,
        macro_f1=round(float(np.mean(f1s)), 4) if f1s else 0.0,
        top3_accuracy=round(float(np.mean([y[i] in top3[i] for i in range(n)])), 4) if n else 0.0,
        labels=all_labels,
        per_class=per_class,
        confusion=confusion.tolist(),
        reliability=reliability,
        ece=ece,
        curve=dispatch_curve(conf, correct),
        auto=auto,
        oracle_coverage=oracle,
    )


def evaluate(
    model: DispatchModel,
    records: Iterable[Mapping[str, object]],
    *,
    label_field: str = DEFAULT_LABEL_FIELD,
    text_fields: Sequence[str] = DEFAULT_TEXT_FIELDS,
) -> Evaluation:
    """Evaluate ``model`` on labelled records (dicts, e.g. CSV rows).

    The auto-dispatch figures apply the thresholds the model chose on its own training data
    for 97% and 99% precision; the test set only measures them.
    """
    from fazhi.dispatch.training import record_texts

    texts, truth = record_texts(records, label_field=label_field, text_fields=text_fields)
    proba = model.predict_proba(texts) if texts else np.zeros((0, len(model.labels)))
    thresholds = {p: model.threshold_for(precision=p) for p in PRECISION_TARGETS}
    return evaluate_proba(proba, truth, model.labels, thresholds=thresholds)
