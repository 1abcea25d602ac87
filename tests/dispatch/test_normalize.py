from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fazhi.dispatch.normalize import DEFAULT_MAX_CHARS, compact, join_fields, normalize, truncate


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
