"""Find numbers with their units in a sentence, and say which numbers are not statistics.

Reading "12.88万余宗" as 128 800 宗 with qualifier 余, or "2.3亿元" as 2.3 亿元, is mechanical;
deciding that "2024年5月21日", "〔2023〕12号", "1.健全…", "“1+6+3”" or "《…(2022-2025年)》"
are not figures is what keeps a review page free of noise. Both live here; what the figure is
*called* is naming.py's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CHINESE_NUMERAL_CHARS, parse_number

DURATION_NAME_RE = re.compile(
    r"^(?:7\s*[×x*]\s*)?24\s*小时(?=热线|暖心|服务|值守|在线|值班|响应|不间断|不打烊)"
)
UNITS = sorted(
    """个工作日 工作日 个百分点 百分点 平方公里 平方米 立方米 万元 亿元 千元 元 人次 场次 户次 批次 篇次 件次 万人
    小时 分钟 个月 公里 公顷 分 个 件 宗 次 项 人 名 位 场 篇 条 份 册 家 类 批 期 所 栋 台 套 部 本 张 瓶 户 起 例
    处 间 座 辆 吨 亩 米 天 日 周 秒 倍 轮 单 班 省 市 年 大 G % ‰""".split(),
    key=len,
    reverse=True,
)
# Counters that a Chinese numeral may take; "二十大", "三中全会", "一网统管" must not count.
CN_UNITS = [u for u in UNITS if u not in {"大", "市", "省", "G", "年", "日", "米", "轮", "分", "%", "‰"}]
NUMBER_RE = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|[{CHINESE_NUMERAL_CHARS}]+")
PERCENT_WORD_RE = re.compile(rf"百分之([{CHINESE_NUMERAL_CHARS}]+|\d+(?:\.\d+)?)")
TITLE_RE = re.compile(r"《[^》]{0,80}》")
QUOTE_RE = re.compile(r"“[^”]{0,40}”|‘[^’]{0,40}’|「[^」]{0,40}」|\"[^\"]{0,40}\"")
DOC_NUMBER_RE = re.compile(r"[〔\[]\s*\d{4}\s*[〕\]]\s*\d+\s*号|第\s*\d+\s*号")
DATE_RES = [
    re.compile(r"(?:19|20)\d{2}\s*[-—–~至到]\s*(?:19|20)\d{2}\s*年"),
    re.compile(
        r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*(?:[-—–~至到]\s*\d{1,2}\s*)?月(?:\s*\d{1,2}\s*[日号])?)?"
    ),
    re.compile(r"(?<!\d)\d{1,2}\s*(?:[-—–~至到]\s*\d{1,2}\s*)?月(?:\s*\d{1,2}\s*[日号])?"),
    re.compile(r"(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}"),
]
ORDINAL_RE = re.compile(r"第\s*\d+(?:\.\d+)?")
HEADING_RE = re.compile(r"^\s*(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\))")
PHONE_RE = re.compile(r"(?<!\d)(?:\d{3,4}-\d{7,8}|1[3-9]\d{9})(?!\d)")
POST_QUALIFIER_RE = re.compile(r"^(以上|以下|以内|左右|余|多)")


@dataclass
class Quantity:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    raw: str


def spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(text)]


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def read_unit(s: str, pos: int, chinese: bool) -> tuple[str, int] | None:
    rest = s[pos:]
    stripped = rest.lstrip(" ")
    skip = len(rest) - len(stripped)
    if stripped.startswith("%"):
        return "%", pos + skip + len(stripped) - len(stripped.lstrip("%"))
    for unit in CN_UNITS if chinese else UNITS:
        if stripped.startswith(unit) and (skip == 0 or unit == "%"):
            return unit, pos + skip + len(unit)
    return None


def read_quantity(s: str, match: re.Match[str]) -> Quantity | None:
    """Read number, range, multiplier, qualifiers and unit starting at a number match."""
    token = match.group(0)
    chinese = not token[0].isdigit()
    pos = match.end()
    value_max = None
    range_match = re.match(r"\s*[-~～—–至到]\s*(\d+(?:\.\d+)?)", s[pos:]) if not chinese else None
    if range_match and read_unit(s, pos + range_match.end(), False):
        value_max = parse_number(range_match.group(1))
        pos += range_match.end()
    multiplier = ""
    if chinese and token[-1] in "万亿" and s[pos : pos + 1] == "元":
        token, multiplier = token[:-1], token[-1]
    elif not chinese and s[pos : pos + 1] in ("万", "亿", "千"):
        multiplier = s[pos]
        pos += 1
    if not token:
        return None
    qualifier = None
    post = POST_QUALIFIER_RE.match(s[pos:])
    if post and post.group(1) in ("余", "多"):
        qualifier, pos = post.group(1), pos + 1
    unit_read = read_unit(s, pos, chinese)
    if unit_read is None:
        return None
    unit, pos = unit_read
    value = parse_number(token)
    if multiplier and unit == "元":
        unit = multiplier + "元"
    elif multiplier:
        factor = {"万": 10_000, "亿": 100_000_000, "千": 1000}[multiplier]
        value *= factor
        value_max = value_max * factor if value_max is not None else None
    post = POST_QUALIFIER_RE.match(s[pos:])
    if post and not qualifier:
        qualifier, pos = post.group(1), pos + len(post.group(1))
    return Quantity(match.start(), pos, value, value_max, unit, qualifier, s[match.start() : pos])


def mask(s: str, spans: list[tuple[int, int]]) -> str:
    chars = list(s)
    for a, b in spans:
        chars[a:b] = "□" * (b - a)
    return "".join(chars)


def exclusion(s: str, start: int, spans: dict[str, list[tuple[int, int]]], heading_end: int) -> str | None:
    for kind in ("title", "name", "doc_number", "date", "ordinal", "phone"):
        if inside(start, spans[kind]):
            return kind
    if start < heading_end:
        return "heading"
    if s[:start].rstrip().endswith("第"):
        return "ordinal"
    return None
