"""The vectorised batch path must give the per-text path's results (to float rounding)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.dispatch.features import (
    batch_block_keys,
    batch_code_points,
    block_keys,
    code_points,
    fit_block,
)
from fazhi.dispatch.normalize import normalize

VARIED = [
    "",
    None,
    "   ",
    "幸福小区电梯故障，物业维修不及时",
    "學校亂收費，補課費用太高，請教育局調查。",  # traditional
    "ＡＢＣ公交线路！！？？（急）",  # full-width letters and punctuation
    "“噪音”扰民。【急】《通知》……",
    "市 医院 挂号 难 医生 态度 差 希望 处理",  # pre-tokenised
    "电梯故障，" * 5000,  # very long: truncated head + tail
    "公交" + "的" * 100 + "学校",  # head block sees only the start
    "a",
    "ab",
    "pm 2.5 超标 \t\n 请处理",
    "\x00电\x00梯\x00",  # NUL characters are dropped
    "🚌 公交 😡",  # outside the BMP
    "电梯\ud800故障",  # a lone surrogate (bad JSON input) must not fail
    "完全陌生的词汇组合xyz",
    "医院挂号难，医生态度差",
]


BMP_ONLY = [t for t in VARIED if t is None or max(map(ord, t), default=0) <= 0xFFFF]


@pytest.mark.parametrize(
    "texts",
    [VARIED * 3, BMP_ONLY * 3],  # with a character outside the BMP: the generic path; else the fast one
    ids=["generic", "bmp"],
)
def test_batch_matches_per_text_on_varied_texts(model, texts):
    clean = [normalize(t) for t in texts]
    each, seen_each = model._logits_each(clean)
    batch, seen_batch = model._logits_batch(clean)
    np.testing.assert_array_equal(seen_each, seen_batch)
    np.testing.assert_allclose(batch, each, rtol=0, atol=1e-6)
    proba = model.predict_proba(texts)  # batch path (>= BATCH_MIN texts)
    single = np.vstack([model.predict_proba([t]) for t in texts])  # per-text path
    np.testing.assert_allclose(proba, single, rtol=0, atol=1e-6)


def test_fast_and_generic_batch_features_agree(model):
    clean = [normalize(t) for t in BMP_ONLY * 2]
    points, rows, offsets = batch_code_points(clean)
    for block in model.blocks:
        fast, used = block.batch_features(points, rows, offsets, len(clean))
        keys, owners = batch_block_keys(block.name, points, rows, offsets)
        slow, used_slow = block._batch_features_generic(keys, owners, len(clean))
        np.testing.assert_array_equal(used, used_slow)
        np.testing.assert_allclose(fast.toarray(), slow.toarray(), atol=1e-12)


def test_predict_many_matches_predict_on_varied_texts(model):
    many = model.predict_many(VARIED, k=3)
    for text, got in zip(VARIED, many, strict=True):
        want = dict(model.predict(text, k=len(model.labels)))
        np.testing.assert_allclose([p for _, p in got], [want[label] for label, _ in got], atol=1e-6)
        assert [p for _, p in got] == sorted((p for _, p in got), reverse=True)


@pytest.mark.parametrize("name", ["char", "head"])
def test_batch_keys_are_the_per_text_keys(name):
    texts = [normalize(t) for t in VARIED]
    points, rows, offsets = batch_code_points(texts)
    keys, owners = batch_block_keys(name, points, rows, offsets)
    for i, text in enumerate(texts):
        want = np.sort(block_keys(name, code_points(text)))
        np.testing.assert_array_equal(np.sort(keys[owners == i]), want)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="电梯故障小区物业公交站學校，。 ab\x00🚌", max_size=60), max_size=8))
def test_batch_transform_matches_transform(texts):
    block, _ = fit_block("char", ["电梯故障", "小区物业", "公交站台", "学校收费", "物业电梯"])
    clean = [normalize(t) for t in texts]
    np.testing.assert_allclose(
        block.batch_transform(clean).toarray(), block.transform(clean).toarray(), atol=1e-6
    )


def test_empty_batch_and_empty_vocabulary(model):
    assert model.predict_many([]) == []
    assert model.predict_proba([""] * 5).shape == (5, len(model.labels))
    np.testing.assert_allclose(model.predict_proba([""] * 5), np.tile(model.prior, (5, 1)))


def test_chunked_batches_match(model, monkeypatch):
    texts = [t for t in VARIED if t] * 4
    whole = model.predict_proba(texts)
    monkeypatch.setattr(type(model), "BATCH_CHUNK", 5)
    np.testing.assert_allclose(model.predict_proba(texts), whole, atol=1e-9)
