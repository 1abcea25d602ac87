from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.dispatch.features import (
    Block,
    code_points,
    decode,
    fit_block,
    is_pretokenised,
    key_lengths,
    ngram_keys,
)
from fazhi.dispatch.normalize import compact


def string_ngrams(text: str) -> list[str]:
    s = compact(text)
    return [s[i : i + n] for n in (1, 2, 3) for i in range(len(s) - n + 1)]


@given(
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
)
def test_packed_keys_are_exactly_the_string_ngrams(text):
    keys = ngram_keys(code_points(text))
    assert sorted(decode(int(k)) for k in keys) == sorted(string_ngrams(text))
    assert list(key_lengths(keys)) == [len(decode(int(k))) for k in keys]


def test_pretokenised_detection():
    assert is_pretokenised("市 西湖 建筑 集团 占 道 施工 安全隐患")
    assert not is_pretokenised("A市西湖建筑集团占道施工有安全隐患")
    assert not is_pretokenised("pm 2.5 超标")


def test_fit_block_matches_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["小区路灯坏了", "路灯不亮，小区很黑", "学校门口交通拥堵", "学校食堂卫生差"] * 15 + ["独一无二"]
    block, x = fit_block("char", texts, min_df=2, max_df=0.9)
    ref = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, max_df=0.9, sublinear_tf=True)
    y = ref.fit_transform([compact(t) for t in texts])
    order = [ref.vocabulary_[t] for t in block.terms]
    assert x.shape == y.shape
    np.testing.assert_allclose(x.toarray(), y.toarray()[:, order], atol=1e-6)
    np.testing.assert_allclose(block.transform(texts).toarray(), x.toarray(), atol=1e-6)


def test_unknown_and_empty_texts_give_empty_rows():
    block, _ = fit_block("char", ["路灯坏了", "路灯亮了"])
    x = block.transform(["完全陌生", ""])
    assert x.shape == (2, len(block)) and x.nnz == 0


def test_head_block_only_sees_the_start():
    block, _ = fit_block("head", ["公交" + "的" * 100 + "学校"])
    assert "公交" in block.terms and "学校" not in block.terms


def test_empty_vocabulary_block():
    block = Block("char", np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.float32))
    pos, values = block.features(code_points("任何文本"))
    assert len(pos) == 0 and len(values) == 0


@pytest.mark.parametrize("text", ["", "a", "ab", "学校"])
def test_short_texts(text):
    assert len(ngram_keys(code_points(text))) == len(string_ngrams(text))
