"""Chinese and Arabic numeral parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.reports.numerals import int_to_chinese, parse_chinese, parse_number, tidy


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三十五", 35),
        ("十五", 15),
        ("一百", 100),
        ("一百零五", 105),
        ("两千", 2000),
        ("两千零二十四", 2024),
        ("一万二千三百", 12300),
        ("三亿五千万", 350_000_000),
        ("二〇二四", 2024),
        ("百", 100),
        ("零", 0),
    ],
)
def test_parse_chinese(text, value):
    assert parse_chinese(text) == value


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("166739", 166739),
        ("1,234", 1234),
        ("１２３", 123),
        ("90.77", 90.77),
        ("12.88万", 128800),
        ("2.3亿", 2.3e8),
    ],
)
def test_parse_number(token, value):
    assert parse_number(token) == pytest.approx(value)


def test_rejects_non_numbers():
    with pytest.raises(ValueError):
        parse_chinese("法治")


def test_tidy_returns_ints_for_whole_numbers():
    assert tidy(166739.0) == 166739 and isinstance(tidy(166739.0), int)
    assert tidy(90.77) == 90.77


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_round_trip(n):
    assert parse_chinese(int_to_chinese(n)) == n
