"""The trained dispatch model: a linear scorer over three TF-IDF blocks plus calibration data.

Training stacks several linear classifiers and a logistic-regression calibrator (see
``training.py``); because every stage is linear in the TF-IDF features, the whole stack folds
into one weight matrix per block and a bias. Prediction is therefore a few sparse products and
a softmax, the file holds only arrays, and ``explain`` can attribute a decision exactly to the
terms of the text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fazhi.dispatch.features import Block, batch_code_points, code_points, decode
from fazhi.dispatch.normalize import DEFAULT_MAX_CHARS, normalize


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class DispatchModel:
    """Predicts the first-level category (一级分类) of an appeal with calibrated probabilities.

    ``curve`` is the auto-dispatch curve measured on held-out cross-validation predictions at
    training time (never on a test set): for each confidence threshold the share of appeals at
    or above it and their accuracy. ``threshold_for`` reads it.
    """

    labels: list[str]
    blocks: list[Block]
    weights: list[np.ndarray]  # per block: (n_terms, n_labels) float32
    bias: np.ndarray  # (n_labels,)
    curve: dict[str, np.ndarray]  # "threshold", "coverage", "accuracy", "count"
    prior: np.ndarray  # label frequencies in the training data
    metadata: dict[str, Any] = field(default_factory=dict)
    max_chars: int = DEFAULT_MAX_CHARS

    # -- scoring ----------------------------------------------------------------------------

    # Below this many texts the per-text path is faster: the batch path's fixed cost is a few
    # dozen numpy calls per block, the per-text path's ~15 per text.
    BATCH_MIN = 4

    # The batch path's arrays take ~100 bytes per character; chunks bound memory for huge batches.
    BATCH_CHUNK = 2048

    def _logits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Raw scores, and whether each text had any known n-gram at all (normalised texts)."""
        if len(texts) < self.BATCH_MIN:
            return self._logits_each(texts)
        if len(texts) <= self.BATCH_CHUNK:
            return self._logits_batch(texts)
        step = self.BATCH_CHUNK
        parts = [self._logits_batch(texts[i : i + step]) for i in range(0, len(texts), step)]
        return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _logits_each(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """One text at a time: the lowest latency for a single appeal."""
        out = np.tile(self.bias.astype(np.float64), (len(texts), 1))
        seen = np.zeros(len(texts), dtype=bool)
        for i, text in enumerate(texts):
            points = code_points(text)
            for block, weight in zip(self.blocks, self.weights, strict=True):
                pos, values = block.features(points)
                if len(pos):
                    # float64 like the batch path, so the two agree to ~1e-7.
                    out[i] += values.astype(np.float64) @ weight[pos].astype(np.float64)
                    seen[i] = True
        return out, seen

    def _logits_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The whole batch at once: flat n-grams, one vocabulary lookup per block, sparse @ dense.

        Same results as ``_logits_each`` (to ~1e-7: the TF-IDF values there are rounded to
        float32) at a quarter of the CPU per text, because the ~30 small numpy operations per
        text become ~30 large ones per batch (ADR 0002).
        """
        n = len(texts)
        out = np.tile(self.bias.astype(np.float64), (n, 1))
        seen = np.zeros(n, dtype=bool)
        points, rows, offsets = batch_code_points(texts)
        for block, weight in zip(self.blocks, self.weights, strict=True):
            x, used = block.batch_features(points, rows, offsets, n)
            if len(used):
                out += x @ weight[used].astype(np.float64)
                seen |= x.getnnz(axis=1) > 0
        return out, seen

    def predict_proba(self, texts: Sequence[object]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``self.labels`` order.

        A text with no known n-gram (empty, emoji only, another script) gets the training
        label frequencies: the bias terms alone can be confidently wrong, and such a text
        must never clear an auto-dispatch threshold.
        """
        clean = [normalize(t, max_chars=self.max_chars) for t in texts]
        logits, seen = self._logits(clean)
        proba = softmax(logits)
        proba[~seen] = self.prior
        return proba

    def predict(self, text: object, *, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most likely categories of one appeal, most likely first.

        An empty text still gets an answer (the training prior): intake must not fail on it,
        and its low confidence keeps it away from auto-dispatch.
        """
        return self.predict_many([text], k=k)[0]

    def predict_many(self, texts: Sequence[object], *, k: int = 3) -> list[list[tuple[str, float]]]:
        """``predict`` for a batch: same results, but from 4 texts on the vectorised batch path
        (~4x less CPU per text than one ``predict`` call each)."""
        if not len(texts):
            return []
        proba = self.predict_proba(texts)
        k = max(1, min(k, len(self.labels)))
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [[(self.labels[j], float(row[j])) for j in idx] for row, idx in zip(proba, order, strict=True)]

    def explain(self, text: object, *, k: int = 8) -> list[tuple[str, float]]:
        """Terms of the text that pushed hardest towards its top category, strongest first.

        Each term's share is its exact contribution to the top category's logit relative to the
        average category (softmax is unchanged by a common shift), summed over the blocks
        where it occurs. Fragments of a listed term (单字, shorter n-grams) are skipped so the
        list reads as words a dispatcher can check against the text.
        """
        clean = normalize(text, max_chars=self.max_chars)
        logits, seen = self._logits([clean])
        if not seen[0]:
            return []
        top = int(np.argmax(logits[0]))
        scores: dict[str, float] = {}
        for block, weight in zip(self.blocks, self.weights, strict=True):
            pos, values = block.features(code_points(clean))
            rel = weight[pos, top] - weight[pos].mean(axis=1)
            for j, value in zip(pos, values * rel, strict=True):
                term = decode(int(block.keys[j]))
                scores[term] = scores.get(term, 0.0) + float(value)
        ranked = sorted(((t, v) for t, v in scores.items() if v > 0 and t.strip()), key=lambda x: -x[1])
        # Words (2-3 characters) first, then single characters; skip anything overlapping a
        # term already listed ("垃圾" makes "垃" and "垃圾堆" redundant).
        out: list[tuple[str, float]] = []
        for multi in (True, False):
            for term, value in ranked:
                if len(out) >= k:
                    return out
                if (len(term) > 1) != multi or any(term in kept or kept in term for kept, _ in out):
                    continue
                out.append((term, round(value, 4)))
        return out

    # -- auto-dispatch ----------------------------------------------------------------------

    def threshold_for(self, *, precision: float) -> float | None:
        """Lowest confidence threshold whose auto-dispatched accuracy reached ``precision``.

        Read from the cross-validated curve of the training data, so it is fixed before any
        test set is seen. ``None`` means no threshold reached it (do not auto-dispatch).
        """
        thresholds, accuracy = self.curve["threshold"], self.curve["accuracy"]
        ok = np.flatnonzero(accuracy >= precision - 1e-12)
        return float(thresholds[ok].min()) if len(ok) else None

    # -- identity and files -----------------------------------------------------------------

    @property
    def version(self) -> str:
        """A short stable id of this trained model, e.g. ``dispatch-20261123-3f9a1c2b``.

        Auto-dispatch policies name the model version they were approved for.
        """
        digest = hashlib.sha256()
        digest.update("\x1f".join(self.labels).encode())
        digest.update(self.bias.astype(np.float32).tobytes())
        digest.update(self.prior.astype(np.float32).tobytes())
        for weight in self.weights:
            digest.update(np.ascontiguousarray(weight[: min(len(weight), 4096)]).tobytes())
        day = str(self.metadata.get("trained_at", ""))[:10].replace("-", "")
        return f"dispatch-{day or 'x'}-{digest.hexdigest()[:8]}"

    def save(self, path: str | Path) -> Path:
        from fazhi.dispatch.io import save

        return save(self, path)

    def __repr__(self) -> str:  # the default dataclass repr would print megabytes of arrays
        n_terms = sum(len(b) for b in self.blocks)
        return f"<DispatchModel {self.version} labels={len(self.labels)} terms={n_terms}>"
