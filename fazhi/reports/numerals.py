"""Parse the numbers that appear in Chinese government prose.

Reports mix Arabic digits (``166739``, ``1,200``, full-width ``１２``), Chinese numerals
(``三十五``, ``一百零五``, ``两千``), digit-by-digit years (``二〇二四``) and Arabic numbers
with a Chinese multiplier (``12.88万``). Everything downstream works on one float, so the
parsing lives here, apart from the rules deciding *whether* a number is an indicator.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

CHINESE_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿"
CHINESE_NUMERAL_RE = re.compile(f"[{CHINESE_NUMERAL_CHARS}]+")
# Thousands separators are accepted only in strict groups of three, because the seed reports
# use the ASCII comma as ordinary punctuation ("2024年,在区委…").
ARABIC_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")


def to_halfwidth(text: str) -> str:
    """Fold full-width digits and punctuation to ASCII (NFKC), leaving CJK characters alone."""
    return unicodedata.normalize("NFKC", text)


def parse_arabic(token: str) -> float:
    """Parse ``1,234.5`` / ``１２`` style tokens; raises ValueError on anything else."""
    cleaned = to_halfwidth(token).replace(",", "").strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise ValueError(f"not an Arabic number: {token!r}")
    return float(cleaned)


def _parse_section(text: str) -> int:
    """Parse a numeral below 10 000 (``三千零五``, ``十五``, ``两百``)."""
    total = 0
    digit: int | None = None
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            # A bare unit ("十五") means one of it.
            total += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        else:
            raise ValueError(f"unexpected numeral character {char!r}")
    if digit is not None:
        total += digit
    return total


def parse_chinese(text: str) -> int:
    """Parse a Chinese numeral such as ``三十五``, ``一百零五``, ``两千``, ``一亿二千万``.

    Digit-by-digit strings (``二〇二四``, ``一二三四五``) are read as positional digits, which
    is how years and hotline numbers are written.
    """
    text = text.strip()
    if not text or any(c not in CHINESE_NUMERAL_CHARS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and all(c in DIGITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total = 0
    rest = text
    for unit_char in ("亿", "万"):
        if unit_char in rest:
            head, rest = rest.split(unit_char, 1)
            total += (parse_chinese(head) if head else 1) * LARGE_UNITS[unit_char]
    if rest:
        total += _parse_section(rest)
    return total


def parse_number(token: str) -> float:
    """Parse any number token: Arabic, Chinese, or Arabic with a Chinese multiplier (``2.3万``)."""
    token = to_halfwidth(token).strip()
    match = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)([十百千万亿]*)", token)
    if match:
        value = parse_arabic(match.group(1))
        for char in match.group(2):
            value *= MULTIPLIERS[char]
        return value
    return float(parse_chinese(token))


def tidy(value: float) -> int | float:
    """Return an int when the value is integral, so JSON shows ``166739`` not ``166739.0``."""
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


_CN_DIGITS = "零一二三四五六七八九"


def _section_to_chinese(n: int) -> str:
    out = ""
    zero_pending = False
    for unit_value, unit_char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        out += _CN_DIGITS[d] + unit_char
    return out


def int_to_chinese(n: int) -> str:
    """Write a non-negative integer in Chinese numerals (used to property-test the parser)."""
    if n == 0:
        return "零"
    parts = []
    for unit_value, unit_char in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        section = n // unit_value
        n %= unit_value
        if section:
            text = _section_to_chinese(section) if section < 10_000 else int_to_chinese(section)
            if parts and section < 1000:
                text = "零" + text
            parts.append(text + unit_char)
        elif parts and n:
            parts.append("")
    result = "".join(parts)
    result = re.sub("零+", "零", result).rstrip("零")
    # "一十五" is written "十五" at the start of a number.
    if result.startswith("一十"):
        result = result[1:]
    return result
