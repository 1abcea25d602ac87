"""Training: stacked linear classifiers over TF-IDF blocks, calibrated on held-out folds.

Why a stack: the char-n-gram SVM alone reaches ~0.92 on the public dev set; adding word and
subject-line views *inside one SVM* helps a little, but giving each view its own classifier
and letting a multinomial logistic regression weigh their held-out scores helps more, and that
same regression is the calibrator, so the probabilities come out calibrated with no extra
step. Every stage is linear, so ``collapse`` folds the stack into one weight matrix per block.

Held-out (out-of-fold) scores come from grouped K-fold cross-validation in which near-duplicate
appeals share a fold (``groups.py``); the calibrator, its own held-out probabilities, and the
auto-dispatch thresholds are all built from them, never from a test set.
"""

from __future__ import annotations

import datetime as dt
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata as importlib_metadata

import numpy as np
import scipy.sparse as sp

from fazhi.dispatch.evaluate import (
    DEFAULT_LABEL_FIELD,
    DEFAULT_TEXT_FIELDS,
    PRECISION_TARGETS,
    evaluate_proba,
    full_curve,
    lowest_threshold,
)
from fazhi.dispatch.features import BLOCKS, fit_block, is_pretokenised, key_lengths
from fazhi.dispatch.groups import duplicate_groups
from fazhi.dispatch.io import LIBRARY_VERSION
from fazhi.dispatch.model import DispatchModel, softmax
from fazhi.dispatch.normalize import DEFAULT_MAX_CHARS, join_fields, normalize

# (block, classifier) pairs whose held-out scores the calibrator combines.
BASES: tuple[tuple[str, str], ...] = (
    ("char", "svm"),
    ("head", "svm"),
    ("char", "nb"),
    ("head", "nb"),
)
_MISSING = -1.0  # score of a class absent from a fold's training part


@dataclass(frozen=True)
class TrainParams:
    """Hyper-parameters; the defaults are the ones chosen on the public dev set (ADR 0002)."""

    folds: int = 5
    svm_c: float = 1.0
    head_svm_c: float = 0.5
    nb_alpha: float = 0.1
    calibrator_c: float = 1.0
    min_df: int = 2
    max_df: float = 0.9
    max_chars: int = DEFAULT_MAX_CHARS
    # Thresholds are read from original-text rows only when there are at least this many:
    # pre-tokenised training rows are easier (and never arrive in production).
    min_threshold_rows: int = 200
    seed: int = 0


def record_texts(
    records: Iterable[Mapping[str, object]],
    *,
    label_field: str = DEFAULT_LABEL_FIELD,
    text_fields: Sequence[str] = DEFAULT_TEXT_FIELDS,
) -> tuple[list[str], list[str]]:
    """Texts (named fields joined) and labels of records; rows with an empty label are skipped."""
    texts, labels = [], []
    for i, record in enumerate(records):
        if label_field not in record:
            raise ValueError(
                f"第 {i + 1} 条记录缺少标签字段 {label_field!r} / record {i + 1} has no {label_field!r}"
            )
        label = str(record[label_field] or "").strip()
        if not label:
            continue
        texts.append(join_fields([record.get(f) for f in text_fields]))
        labels.append(label)
    return texts, labels


def train(
    records: Iterable[Mapping[str, object]],
    *,
    label_field: str = DEFAULT_LABEL_FIELD,
    text_fields: Sequence[str] = DEFAULT_TEXT_FIELDS,
    params: TrainParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> DispatchModel:
    """Train a dispatch model on labelled records (dicts such as CSV rows)."""
    texts, labels = record_texts(records, label_field=label_field, text_fields=text_fields)
    return train_texts(texts, labels, params=params, progress=progress)


def _fit_base(kind: str, x: sp.csr_matrix, y: np.ndarray, n_labels: int, p: TrainParams, block: str):
    """One base classifier as a linear form: scores = x @ w + b, shape (n, n_labels)."""
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    w = np.zeros((x.shape[1], n_labels), dtype=np.float32)
    b = np.full(n_labels, _MISSING, dtype=np.float32)
    present = np.unique(y)
    if len(present) < 2 or x.shape[1] == 0:
        b[present] = 1.0
        return w, b
    if kind == "svm":
        c = p.head_svm_c if block == "head" else p.svm_c
        clf = LinearSVC(C=c, random_state=p.seed, max_iter=2000).fit(x, y)
        coef, intercept = clf.coef_, clf.intercept_
        if len(present) == 2:  # binary: one column for the second class
            coef, intercept = np.vstack([-coef, coef]), np.r_[-intercept, intercept]
    else:
        clf = ComplementNB(alpha=p.nb_alpha).fit(x, y)
        # Centred over classes: the same ranking, and a scale the calibrator can use.
        coef = clf.feature_log_prob_ - clf.feature_log_prob_.mean(axis=0)
        intercept = np.zeros(len(present))
    w[:, clf.classes_] = coef.T
    b[clf.classes_] = intercept
    return w, b


def _fit_calibrator(z: np.ndarray, y: np.ndarray, n_labels: int, c: float, seed: int):
    """Multinomial logistic regression on standardised base scores: (coef (L, d), bias (L,))."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((n_labels, z.shape[1]))
    bias = np.full(n_labels, -30.0)
    present = np.unique(y)
    if len(present) < 2:
        bias[present] = 0.0
        return coef, bias
    clf = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(z, y)
    if len(present) == 2:
        coef[present[1]], bias[present] = clf.coef_[0], [0.0, clf.intercept_[0]]
    else:
        coef[clf.classes_], bias[clf.classes_] = clf.coef_, clf.intercept_
    return coef, bias


def train_texts(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    params: TrainParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> DispatchModel:
    """Train on parallel lists of texts and labels. See the module docstring for the design."""
    from threadpoolctl import threadpool_limits

    # The calibrator's small dense products gain nothing from BLAS threads, and on a busy
    # 2-core server OpenBLAS threads spinning against each other made it 25x slower.
    with threadpool_limits(limits=1):
        return _train(texts, labels, params=params or TrainParams(), progress=progress)


def _train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    params: TrainParams,
    progress: Callable[[str], None] | None,
) -> DispatchModel:
    from sklearn.model_selection import GroupKFold

    p = params
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    names = sorted(set(labels))
    if len(names) < 2:
        raise ValueError("训练数据至少需要两个类别 / training data needs at least two labels")
    y = _encode(labels, names)
    n_labels = len(names)
    clean = [normalize(t, max_chars=p.max_chars) for t in texts]

    say(f"features: {len(clean)} texts")
    blocks, mats = {}, {}
    for name in BLOCKS:
        blocks[name], mats[name] = fit_block(name, clean, min_df=p.min_df, max_df=p.max_df)
    groups = duplicate_groups(mats["char"], key_lengths(blocks["char"].keys))
    n_folds = min(p.folds, len(np.unique(groups)))
    if n_folds < 2:
        raise ValueError("训练样本太少 / too few distinct training texts")
    folds = list(GroupKFold(n_splits=n_folds).split(np.zeros(len(y)), y, groups))

    z = np.zeros((len(y), len(BASES) * n_labels))
    for k, (tr, te) in enumerate(folds, start=1):
        say(f"cross-validation fold {k}/{n_folds}")
        for i, (block, kind) in enumerate(BASES):
            w, b = _fit_base(kind, mats[block][tr], y[tr], n_labels, p, block)
            z[te, i * n_labels : (i + 1) * n_labels] = mats[block][te] @ w + b
    mu, sd = z.mean(axis=0), z.std(axis=0) + 1e-6
    zs = (z - mu) / sd
    held_out = np.zeros((len(y), n_labels))
    for tr, te in folds:
        coef, bias = _fit_calibrator(zs[tr], y[tr], n_labels, p.calibrator_c, p.seed)
        held_out[te] = softmax(zs[te] @ coef.T + bias)
    coef, bias = _fit_calibrator(zs, y, n_labels, p.calibrator_c, p.seed)

    say("final fit")
    weights = {name: np.zeros((len(blocks[name]), n_labels), dtype=np.float64) for name in BLOCKS}
    total_bias = bias.astype(np.float64).copy()
    for i, (block, kind) in enumerate(BASES):
        w, b = _fit_base(kind, mats[block], y, n_labels, p, block)
        cols = slice(i * n_labels, (i + 1) * n_labels)
        m = coef[:, cols] / sd[cols]  # (L, L): calibrator weights on this base's raw scores
        weights[block] += w.astype(np.float64) @ m.T
        total_bias += ((b - mu[cols]) / sd[cols]) @ coef[:, cols].T

    # Held-out figures and the auto-dispatch curve.
    truth = [names[i] for i in y]
    cv = evaluate_proba(held_out, truth, names)
    original = np.array([not is_pretokenised(t) for t in clean])
    rows = original if original.sum() >= p.min_threshold_rows else np.ones(len(y), dtype=bool)
    conf = held_out.max(axis=1)
    correct = held_out.argmax(axis=1) == y
    curve = full_curve(conf[rows], correct[rows])
    thresholds = {
        f"{t:g}": lowest_threshold(conf[rows], correct[rows], precision=t) for t in PRECISION_TARGETS
    }
    seconds = time.perf_counter() - started
    meta = {
        "library": "fazhi.dispatch",
        "library_version": LIBRARY_VERSION,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 2),
        "n_train": len(y),
        "n_original_text": int(original.sum()),
        "n_duplicate_groups": int(len(np.unique(groups))),
        "labels": names,
        "label_counts": dict(Counter(truth)),
        "params": asdict(p),
        "bases": [f"{block}:{kind}" for block, kind in BASES],
        "versions": _versions(),
        "cv": {
            "folds": n_folds,
            "accuracy": cv.accuracy,
            "macro_f1": cv.macro_f1,
            "top3_accuracy": cv.top3_accuracy,
            "ece": cv.ece,
            "reliability": cv.reliability,
            "threshold_rows": "original-text rows" if rows is original else "all rows",
            "n_threshold_rows": int(rows.sum()),
            "thresholds": thresholds,
        },
    }
    say(f"trained in {seconds:.1f}s (held-out accuracy {cv.accuracy:.4f})")
    return DispatchModel(
        labels=names,
        blocks=[blocks[name] for name in BLOCKS],
        weights=[weights[name].astype(np.float32) for name in BLOCKS],
        bias=total_bias,
        curve=curve,
        prior=np.bincount(y, minlength=n_labels) / len(y),
        metadata=meta,
        max_chars=p.max_chars,
    )


def _encode(labels: Sequence[str], names: list[str]) -> np.ndarray:
    pos = {name: i for i, name in enumerate(names)}
    return np.array([pos[lab] for lab in labels])


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "jieba", "zhconv"):
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out
