from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fazhi.dispatch.normalize import (
    _PUNCT,
    DEFAULT_MAX_CHARS,
    _fold_punctuation,
    _to_simplified,
    compact,
    join_fields,
    normalize,
    truncate,
)


def test_full_width_and_chinese_punctuation_fold_to_ascii():
    assert normalize("ＡＢＣ１２３，好！") == "abc123,好!"
    assert normalize("“噪音”扰民。【急】《通知》") == '"噪音"扰民.[急]<通知>'


def test_traditional_becomes_simplified():
    assert normalize("學校亂收費，請教育局調查") == "学校乱收费,请教育局调查"
    assert normalize("乾淨的環境") == "干净的环境"


def test_simplified_text_is_unchanged_apart_from_punctuation():
    assert normalize("我们小区的路灯坏了") == "我们小区的路灯坏了"


def test_whitespace_collapses_and_empty_inputs_are_empty():
    assert normalize("  路灯\t\n 坏了\u3000 ") == "路灯 坏了"
    assert normalize("") == "" and normalize(None) == "" and normalize("   ") == ""
    assert normalize(12) == "12"


def test_long_text_keeps_head_and_tail():
    text = "头" * 10 + "中" * 10_000 + "尾" * 10
    out = normalize(text)
    assert len(out) <= DEFAULT_MAX_CHARS
    assert out.startswith("头" * 10) and out.endswith("尾" * 10)
    assert truncate("短文本", max_chars=100) == "短文本"


def test_compact_joins_chinese_words_but_not_latin_ones():
    assert compact("市 西湖 建筑 集团") == "市西湖建筑集团"
    assert compact("pm 2.5 超标") == "pm 2.5超标"


def test_join_fields_skips_empty():
    assert join_fields(["主题", "", None, " 详情 "]) == "主题\n详情"


@given(st.text(max_size=300))
def test_normalize_is_idempotent_and_bounded(text):
    once = normalize(text)
    assert normalize(once) == once
    assert len(once) <= DEFAULT_MAX_CHARS


_OLD_CJK_SPACE = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s+|\s+(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
)
_AWKWARD = st.text(alphabet="学校市 西湖\t\n\u3000，。！？“”《》…—ＡＢ１２ab.-学學乾淨", max_size=80)


@given(st.one_of(st.text(max_size=200), _AWKWARD))
def test_fast_punctuation_fold_equals_translate(text):
    assert _fold_punctuation(text) == text.translate(_PUNCT)


@given(st.one_of(st.text(max_size=200), _AWKWARD))
def test_fast_compact_equals_the_plain_regex(text):
    # ``compact`` uses a faster pattern; it must remove exactly the same whitespace.
    assert compact(text) == _OLD_CJK_SPACE.sub("", text)


def test_traditional_check_sees_traditional_characters_only():
    assert _to_simplified("学校收费") == "学校收费"
    assert _to_simplified("學校收費") == "学校收费"
    assert _to_simplified("a🚌b\ud800") == "a🚌b\ud800"  # outside the BMP, lone surrogate
