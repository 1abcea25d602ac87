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
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count, repeat

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


@dataclass
class Block:
    """One TF-IDF block: sublinear tf, smoothed idf, L2-normalised rows (as scikit-learn)."""

    name: str
    terms: list[str]
    idf: np.ndarray

    def __post_init__(self) -> None:
        self.index = {t: i for i, t in enumerate(self.terms)}

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
        get, missing = self.index.get, repeat(-1)
        ids = [np.fromiter(map(get, terms, missing), dtype=np.int32, count=len(terms)) for terms in docs]
        return _tfidf(_count_matrix(ids, len(self.terms)), self.idf)


def _count_matrix(ids: list[np.ndarray], n_cols: int) -> sp.csr_matrix:
    """Term counts from per-text arrays of column ids (-1 = unknown term, dropped).

    Building one COO matrix from flat arrays lets scipy sum repeated terms in C.
    """
    lengths = np.fromiter((len(a) for a in ids), dtype=np.int64, count=len(ids))
    cols = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
    rows = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    known = cols >= 0
    x = sp.csr_matrix(
        (np.ones(int(known.sum()), dtype=np.float32), (rows[known], cols[known])), shape=(len(ids), n_cols)
    )
    x.sum_duplicates()
    return x


def _tfidf(x: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf (1 + ln count) times idf, rows scaled to unit length."""
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    counts = np.diff(x.indptr)
    owner = np.repeat(np.arange(x.shape[0]), counts)
    norms = np.sqrt(np.bincount(owner, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
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
    deployments with a handful of examples still work.

    One pass over the texts: every term gets a provisional id from a ``defaultdict`` whose
    factory is a C counter, so the whole lookup runs in C; pruning and re-numbering then
    happen on arrays. About four times faster than scikit-learn's CountVectorizer here.
    """
    n = len(texts)
    min_df = min_df if n >= 50 else 1
    max_count = max_df * n if n >= 50 else n
    analyze = ANALYZERS[name]
    provisional: defaultdict[str, int] = defaultdict(count().__next__)
    lookup = provisional.__getitem__
    ids = []
    for text in texts:
        terms = analyze(text)
        ids.append(np.fromiter(map(lookup, terms), dtype=np.int32, count=len(terms)))
    counts = _count_matrix(ids, len(provisional))
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    all_terms = np.empty(len(provisional), dtype=object)
    all_terms[list(provisional.values())] = list(provisional.keys())
    keep = np.flatnonzero((df >= min_df) & (df <= max_count))
    keep = keep[np.argsort(all_terms[keep].astype(str), kind="stable")]  # sorted terms: stable files
    terms = all_terms[keep].tolist()
    idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
    x = counts[:, keep].tocsr()
    x.sort_indices()
    return Block(name, terms, idf), _tfidf(x, idf)
