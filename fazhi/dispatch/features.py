"""Feature blocks: character n-grams, words, and the head (subject) of the text.

Each block is a small TF-IDF vocabulary that is stored as plain arrays (terms and idf) rather
than as a pickled scikit-learn vectorizer, so a model file can be loaded without unpickling
code and is stable across scikit-learn versions. Fitting reuses scikit-learn's counting; the
transform is our own dictionary lookup, which also avoids ~0.3 ms of per-call overhead when a
single appeal is scored.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from fazhi.dispatch.normalize import compact

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_GAP = re.compile(f"[{_CJK}] (?=[{_CJK}])")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")

# The three blocks, each with one job:
# - "char": 1-3 character n-grams of the whole text; robust to unknown words and to the
#   absence of word boundaries in Chinese.
# - "word": jieba words; longer units ("公积金", "噪音扰民") that n-grams only approximate.
# - "head": 1-3 n-grams of the first characters, i.e. the subject line, which names the
#   matter more directly than the detail does. Most appeals carry the subject fused into the
#   detail, so the head of the text is used rather than a separate subject field.
BLOCKS = ("char", "word", "head")


def is_pretokenised(text: str) -> bool:
    """True for text that is already space-separated words (as in the tokenised training set).

    Original Chinese text practically never has a space between two CJK characters; the
    tokenised rows have one after almost every word.
    """
    n_cjk = len(_CJK_CHAR.findall(text))
    return n_cjk >= 4 and len(_CJK_GAP.findall(text)) >= 0.15 * n_cjk


def char_ngrams(text: str, *, n_min: int = 1, n_max: int = 3) -> list[str]:
    s = compact(text)
    out: list[str] = []
    for n in range(n_min, n_max + 1):
        out += [s[i : i + n] for i in range(len(s) - n + 1)]
    return out


def head_ngrams(text: str, *, head_chars: int = 40) -> list[str]:
    return char_ngrams(compact(text)[:head_chars])


_jieba = None


def _jieba_cut(text: str) -> list[str]:
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    # HMM off: new-word discovery costs ~40% more time and the char n-grams already cover
    # out-of-vocabulary names.
    return _jieba.lcut(text, HMM=False)


def words(text: str, *, max_chars: int = 1000) -> list[str]:
    """Words of a text: split pre-tokenised text on spaces, cut original text with jieba.

    Only the first ``max_chars`` characters are cut: jieba is pure Python (~25 ms for a
    3,000-character paste) and the char block still sees the whole text.
    """
    if is_pretokenised(text):
        tokens = text.split()
    else:
        tokens = _jieba_cut(compact(text)[:max_chars])
    return [t for t in tokens if t.strip() and not _PUNCT_ONLY.match(t)]


class _Index(dict):
    """term -> column; unknown terms map to -1 so lookups can run in C via ``map``."""

    def __missing__(self, key: str) -> int:
        return -1


@dataclass
class Block:
    """One TF-IDF block: sublinear tf, smoothed idf, L2-normalised rows (as scikit-learn)."""

    name: str
    terms: list[str]
    idf: np.ndarray

    def __post_init__(self) -> None:
        self.index = _Index((t, i) for i, t in enumerate(self.terms))

    @property
    def analyzer(self) -> Callable[[str], list[str]]:
        return ANALYZERS[self.name]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows for texts, built from flat index arrays rather than per-text Counters.

        Duplicate (row, column) pairs are summed by scipy in C when converting to CSR, which
        is what makes a batch of thousands of appeals cheap to vectorise.
        """
        return self.transform_terms([self.analyzer(text) for text in texts])

    def transform_terms(self, docs: Sequence[list[str]]) -> sp.csr_matrix:
        """As ``transform``, for texts already split into terms."""
        lookup = self.index.__getitem__
        cols: list[np.ndarray] = []
        lengths = np.zeros(len(docs), dtype=np.int64)
        for row, terms in enumerate(docs):
            ids = np.fromiter(map(lookup, terms), dtype=np.int32, count=len(terms))
            ids = ids[ids >= 0]
            cols.append(ids)
            lengths[row] = len(ids)
        indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
        rows = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
        x = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), (rows, indices)),
            shape=(len(docs), len(self.terms)),
        )
        x.sum_duplicates()
        x.data = (1.0 + np.log(x.data)) * self.idf[x.indices]
        counts = np.diff(x.indptr)
        owner = np.repeat(np.arange(len(docs)), counts)
        norms = np.sqrt(np.bincount(owner, weights=x.data.astype(np.float64) ** 2, minlength=len(docs)))
        norms[norms == 0] = 1.0
        x.data = (x.data / norms[owner]).astype(np.float32)
        return x


ANALYZERS: dict[str, Callable[[str], list[str]]] = {"char": char_ngrams, "word": words, "head": head_ngrams}


def fit_block(
    name: str, texts: Sequence[str], *, min_df: int = 2, max_df: float = 0.9
) -> tuple[Block, sp.csr_matrix]:
    """Learn a block's vocabulary and idf from training texts; return it and their matrix.

    Terms seen in fewer than ``min_df`` texts are dropped (typos, phone numbers, names: noise
    that would let the linear model memorise single appeals), and so are terms in more than
    ``max_df`` of them. Very small training sets keep everything so that tests and first
    deployments with a handful of examples still work. Document frequencies are counted with
    a plain ``Counter`` of per-text term sets: about three times faster than scikit-learn's
    CountVectorizer, which first builds a matrix over millions of never-repeated n-grams.
    """
    n = len(texts)
    min_df = min_df if n >= 50 else 1
    max_count = max_df * n if n >= 50 else n
    analyze = ANALYZERS[name]
    df: Counter[str] = Counter()
    # Word lists are small and jieba is the slowest step, so they are kept for the transform;
    # the ~1,000 n-grams per text of the char block are cheaper to recompute than to hold.
    kept: list[list[str]] | None = [] if name == "word" else None
    for text in texts:
        terms = analyze(text)
        df.update(set(terms))
        if kept is not None:
            kept.append(terms)
    terms = sorted(t for t, c in df.items() if min_df <= c <= max_count)
    counts = np.array([df[t] for t in terms], dtype=np.float64)
    idf = (np.log((1 + n) / (1 + counts)) + 1).astype(np.float32)
    block = Block(name, terms, idf)
    return block, (block.transform_terms(kept) if kept is not None else block.transform(texts))
