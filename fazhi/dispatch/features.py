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
    points = np.frombuffer(compact(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
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


def batch_code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of many compacted texts, flat: (points, row of each point, its offset in the row).

    One ``encode`` and one ``frombuffer`` for the whole batch instead of one per text; the
    row and offset arrays let the n-grams of every text be built in a few array operations
    (``batch_block_keys``). NUL characters are dropped, as in ``code_points``.
    """
    parts = [compact(t) for t in texts]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    points = np.frombuffer("".join(parts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(parts), dtype=np.int64), lengths)
    nonzero = points > 0
    if not nonzero.all():
        points, rows = points[nonzero], rows[nonzero]
        lengths = np.bincount(rows, minlength=len(parts))
    starts = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    offsets = np.arange(len(points), dtype=np.int64) - starts[rows]
    return points.astype(np.uint64), rows, offsets


def batch_block_keys(
    name: str, points: np.ndarray, rows: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Packed n-gram keys of one block for a flat batch (see ``batch_code_points``), with rows.

    The same n-grams as ``block_keys`` text by text (in another order, which TF-IDF ignores):
    an n-gram starting at a point exists when the points it spans belong to the same text.
    """
    if name == "head":
        inside = offsets < HEAD_CHARS
        points, rows = points[inside], rows[inside]
    shift = np.uint64(_BITS)
    keys, owners = [points], [rows]
    if len(points) >= 2:
        same = rows[:-1] == rows[1:]
        two = (points[:-1] << shift) | points[1:]
        keys.append(two[same])
        owners.append(rows[:-1][same])
        if len(points) >= 3:
            same3 = same[:-1] & same[1:]
            three = (two[:-1] << shift) | points[2:]
            keys.append(three[same3])
            owners.append(rows[:-2][same3])
    return np.concatenate(keys), np.concatenate(owners)


def _batch_pairs16(name: str, points: np.ndarray, rows: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``key << 16 | row`` for every n-gram of a BMP batch of < 65,536 texts, keys packed with
    16 bits per character (48 bits). Built directly, without separate key and row arrays."""
    if name == "head":
        inside = offsets < HEAD_CHARS
        points, rows = points[inside], rows[inside]
    s16 = np.uint64(16)
    rows = rows.astype(np.uint64)
    parts = [(points << s16) | rows]
    if len(points) >= 2:
        same = rows[:-1] == rows[1:]
        two = (points[:-1] << s16) | points[1:]
        parts.append(((two << s16) | rows[:-1])[same])
        if len(points) >= 3:
            same3 = same[:-1] & same[1:]
            parts.append(((((two[:-1] << s16) | points[2:]) << s16) | rows[:-2])[same3])
    return np.concatenate(parts)


def _repack16(keys: np.ndarray) -> np.ndarray:
    """Keys packed with 16 bits per character -> the standard 21-bit packing (same order)."""
    mask = np.uint64(0xFFFF)
    c1, c2, c3 = keys >> np.uint64(32), (keys >> np.uint64(16)) & mask, keys & mask
    return (c1 << np.uint64(2 * _BITS)) | (c2 << np.uint64(_BITS)) | c3


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

    def batch_features(
        self, points: np.ndarray, rows: np.ndarray, offsets: np.ndarray, n_rows: int
    ) -> tuple[sp.spmatrix, np.ndarray]:
        """TF-IDF rows of a flat batch (``batch_code_points``), as ``features`` gives per text.

        Returns the matrix over the batch's *known* n-grams only, and ``used``, their vocabulary
        columns (ascending): scoring then needs just ``weight[used]``. Values are float64
        (``features`` rounds to float32; the difference is below 1e-6).

        Fast path (BMP text, < 65,536 rows: practically every batch): n-grams are packed with
        16 bits per character, so key and row fit together in one uint64, ``key << 16 | row``.
        One ``np.sort`` of those (3-4x cheaper than the ``argsort`` behind
        ``np.unique(return_inverse=True)``) orders them by n-gram, then text: runs of equal
        values are the term counts, runs of equal keys the batch's distinct n-grams, which are
        looked up with one ``np.searchsorted`` (sorted queries walk the vocabulary in order),
        and the sorted pairs are already a CSC matrix. Otherwise ``_batch_features_generic``.
        """
        if not len(self.keys) or not len(points):
            return sp.csc_matrix((n_rows, 0), dtype=np.float64), np.zeros(0, dtype=np.int64)
        if n_rows > 0xFFFF or int(points.max()) > 0xFFFF:
            keys, owners = batch_block_keys(self.name, points, rows, offsets)
            return self._batch_features_generic(keys, owners, n_rows)
        pairs = _batch_pairs16(self.name, points, rows, offsets)
        pairs.sort()
        first = np.empty(len(pairs), dtype=bool)
        first[0] = True
        np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(pairs)))
        pairs = pairs[starts]
        keys = pairs >> np.uint64(16)
        new_key = np.empty(len(keys), dtype=bool)
        new_key[0] = True
        np.not_equal(keys[1:], keys[:-1], out=new_key[1:])
        distinct = _repack16(keys[new_key])
        pos = np.searchsorted(self.keys, distinct)
        pos[pos == len(self.keys)] = 0
        found = self.keys[pos] == distinct
        used = pos[found]
        which = np.cumsum(new_key) - 1  # distinct n-gram of each pair
        keep = found[which]
        local = (np.cumsum(found) - 1)[which[keep]]  # column in ``used``, ascending
        owner = (pairs[keep] & np.uint64(0xFFFF)).astype(np.intp)
        values = (1.0 + np.log(counts[keep])) * self.idf[used[local]]
        norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=n_rows))
        values /= norms[owner]  # a row with entries has a positive norm
        indptr = np.zeros(len(used) + 1, dtype=np.int64)
        np.cumsum(np.bincount(local, minlength=len(used)), out=indptr[1:])
        return sp.csc_matrix((values, owner, indptr), shape=(n_rows, len(used))), used

    def _batch_features_generic(
        self, keys: np.ndarray, rows: np.ndarray, n_rows: int
    ) -> tuple[sp.csr_matrix, np.ndarray]:
        """``batch_features`` for any batch: ``np.unique`` of the keys, then of (row, column)."""
        uniq, inverse = np.unique(keys, return_inverse=True)
        pos = np.searchsorted(self.keys, uniq)
        pos[pos == len(self.keys)] = 0
        found = self.keys[pos] == uniq
        used = pos[found]
        local = (np.cumsum(found) - 1)[inverse]
        known = found[inverse]
        width = max(len(used), 1)
        pairs, counts = np.unique(rows[known] * width + local[known], return_counts=True)
        owner, col = np.divmod(pairs, width)
        values = (1.0 + np.log(counts)) * self.idf[used[col]]
        norms = np.sqrt(np.bincount(owner, weights=values * values, minlength=n_rows))
        values /= norms[owner]
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix((values, col, indptr), shape=(n_rows, len(used))), used

    def batch_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``transform`` through the vectorised batch path (float64 values)."""
        points, rows, offsets = batch_code_points(texts)
        x, used = self.batch_features(points, rows, offsets, len(texts))
        x = x.tocsr()
        return sp.csr_matrix((x.data, used[x.indices], x.indptr), shape=(len(texts), len(self.keys)))

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
