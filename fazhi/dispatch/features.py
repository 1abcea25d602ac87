"""Feature blocks: character 1-3-grams of the whole text and of its head (the subject line).

N-grams are never built as Python strings. A text becomes an array of Unicode code points
(each < 2**21), and an n-gram of up to three code points packs exactly into one 64-bit
integer: ``c1 << 42 | c2 << 21 | c3``. Since normalised text has no NUL character, the key
ranges of 1-, 2- and 3-grams cannot overlap, so the packing is exact, not a hash. Vocabulary
lookup is then ``np.searchsorted`` on a sorted key array. This is what makes a batch of
appeals cost ~0.1 ms each instead of ~5 ms with string n-grams and jieba (ADR 0002), and it
lets a model file store its vocabulary as a small integer array instead of pickled objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fazhi.dispatch.normalize import compact

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_GAP = re.compile(f"[{_CJK}] (?=[{_CJK}])")
_BITS = 21
_MASK = (1 << _BITS) - 1

# The blocks, each with one job:
# - "char": 1-3-grams of the whole text; robust to unknown words and to the absence of word
#   boundaries in Chinese. Words of two or three characters are among its features.
# - "head": the same n-grams of the first HEAD_CHARS characters, i.e. the subject line, which
#   names the matter more directly than the detail does. Most appeals carry the subject fused
#   into the detail, so the head of the text is used rather than a separate subject field.
BLOCKS = ("char", "head")
HEAD_CHARS = 40


def is_pretokenised(text: str) -> bool:
    """True for text that is already space-separated words (as in the tokenised training set).

    Original Chinese text practically never has a space between two CJK characters; the
    tokenised rows have one after almost every word.
    """
    n_cjk = len(_CJK_CHAR.findall(text))
    return n_cjk >= 4 and len(_CJK_GAP.findall(text)) >= 0.15 * n_cjk


def code_points(text: str) -> np.ndarray:
    """Code points of the compacted text (spaces next to CJK removed) as uint64."""
    points = np.frombuffer(compact(text).encode("utf-32-le"), dtype=np.uint32)
    return points[points > 0].astype(np.uint64)


def ngram_keys(points: np.ndarray) -> np.ndarray:
    """Packed keys of all 1-, 2- and 3-grams of a code-point array."""
    n = len(points)
    parts = [points]
    if n >= 2:
        parts.append((points[:-1] << np.uint64(_BITS)) | points[1:])
    if n >= 3:
        parts.append((points[:-2] << np.uint64(2 * _BITS)) | (points[1:-1] << np.uint64(_BITS)) | points[2:])
    return np.concatenate(parts)


def block_keys(name: str, points: np.ndarray) -> np.ndarray:
    """Packed n-gram keys of one block for a text given as code points (see ``code_points``)."""
    return ngram_keys(points[:HEAD_CHARS] if name == "head" else points)


def decode(key: int) -> str:
    """The n-gram string of a packed key (for explanations)."""
    chars = []
    while key:
        chars.append(chr(key & _MASK))
        key >>= _BITS
    return "".join(reversed(chars))


def key_lengths(keys: np.ndarray) -> np.ndarray:
    """Number of characters of each packed n-gram."""
    return (
        1
        + (keys >= np.uint64(1 << _BITS)).astype(np.int8)
        + (keys >= np.uint64(1 << 2 * _BITS)).astype(np.int8)
    )


def _keys_of(name: str, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All keys of all texts, flat, with the row each came from."""
    parts = [block_keys(name, code_points(t)) for t in texts]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    rows = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
    return keys, rows


def _tfidf(rows: np.ndarray, cols: np.ndarray, n_rows: int, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf (1 + ln count) times idf, rows scaled to unit length (as scikit-learn)."""
    x = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(n_rows, len(idf)), dtype=np.float32
    )
    x.sum_duplicates()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    owner = np.repeat(np.arange(n_rows), np.diff(x.indptr))
    norms = np.sqrt(np.bincount(owner, weights=x.data.astype(np.float64) ** 2, minlength=n_rows))
    norms[norms == 0] = 1.0
    x.data = (x.data / norms[owner]).astype(np.float32)
    return x


@dataclass
class Block:
    """One TF-IDF block: a sorted array of packed n-gram keys and their idf weights."""

    name: str
    keys: np.ndarray  # sorted, unique, uint64
    idf: np.ndarray  # float32, same length
    _terms: list[str] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def terms(self) -> list[str]:
        """The n-grams as strings, decoded on first use (only explanations need them)."""
        if self._terms is None:
            self._terms = [decode(int(k)) for k in self.keys]
        return self._terms

    def features(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of one text given as code points (a sparse row).

        Keys are sorted and de-duplicated before the lookup: ``np.searchsorted`` with sorted
        queries walks the vocabulary in order, several times faster than random probes into
        an array of ~600,000 keys.
        """
        keys = np.sort(block_keys(self.name, points))
        if not len(self.keys) or not len(keys):
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        first = np.empty(len(keys), dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(keys)))
        keys = keys[starts]
        pos = np.searchsorted(self.keys, keys)
        pos[pos == len(self.keys)] = 0
        known = self.keys[pos] == keys
        pos = pos[known]
        values = (1.0 + np.log(counts[known])) * self.idf[pos]
        norm = float(np.sqrt(np.dot(values, values))) or 1.0
        return pos, (values / norm).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF matrix of texts, one row each."""
        rows = [self.features(code_points(t)) for t in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(p) for p, _ in rows])
        if rows:
            indices = np.concatenate([p for p, _ in rows])
            data = np.concatenate([v for _, v in rows])
        else:
            indices, data = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(texts), len(self.keys)))


def fit_block(
    name: str, texts: Sequence[str], *, min_df: int = 2, max_df: float = 0.9
) -> tuple[Block, sp.csr_matrix]:
    """Learn a block's vocabulary and idf from training texts; return it and their matrix.

    N-grams seen in fewer than ``min_df`` texts are dropped (typos, phone numbers, names:
    noise that would let the linear model memorise single appeals), and so are n-grams in more
    than ``max_df`` of them. Very small training sets keep everything so that tests and first
    deployments with a handful of examples still work.
    """
    n = len(texts)
    min_df = min_df if n >= 50 else 1
    max_count = max_df * n if n >= 50 else n
    keys, rows = _keys_of(name, texts)
    vocab, cols = np.unique(keys, return_inverse=True)
    pairs = np.unique(rows.astype(np.int64) * len(vocab) + cols)  # distinct (text, n-gram)
    df = np.bincount(pairs % max(len(vocab), 1), minlength=len(vocab))
    keep = (df >= min_df) & (df <= max_count)
    new_col = np.cumsum(keep) - 1
    idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
    mask = keep[cols]
    block = Block(name, vocab[keep], idf)
    return block, _tfidf(rows[mask], new_col[cols[mask]], n, idf)
