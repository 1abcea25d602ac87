"""Guess which unit wrote a report and which year it covers.

Both are guesses a reviewer confirms on upload; they matter because follow-up and boilerplate
checks pair a report with the same unit's previous year. Reports state both in their first
lines — a title ("花都区…局2022年法治政府建设年度报告"), a web byline ("来源:南山区人民政府")
or the opening sentence ("2024年,…光明区政务服务和数据管理局认真贯彻…").
"""

from __future__ import annotations

import re
from collections import Counter

ORG_SUFFIX = r"(?:人民政府|办事处|委员会|办公室|管理局|数据局|服务局|局|署|委|办|中心|院)"
TITLE_RE = re.compile(r"^(?P<unit>.{2,40}?)(?P<year>\d{4})年(?:度)?法治政府建设(?:工作)?(?:情况|年度)?报告")
YEAR_IN_TITLE_RE = re.compile(
    r"(?P<year>\d{4})年(?:度)?法治(?:政府)?建设(?:工作)?(?:情况|年度)?(?:报告|总结)"
)
LEADING_YEAR_RE = re.compile(r"(?<![\d《“])(?P<year>(?:19|20)\d{2})年(?![\d月])")
ORG_AT_CLAUSE_RE = re.compile(rf"^(?P<org>[\u4e00-\u9fff]{{1,24}}?{ORG_SUFFIX})(?=[\u4e00-\u9fff])")
PLACE_RE = re.compile(r"(?:省|市|《|^|[,，。、:：])(?P<place>[\u4e00-\u9fff]{2,3}[市区县])")
NOT_PLACE = set("我全本该各此其两一区市县省")
# "我局", "本委", "我区人民政府": the writer referring to itself, not a name.
SELF_REFERENCE_RE = re.compile(rf"^(?:我|本|该)(?:区|市|县|镇|街道)?{ORG_SUFFIX}$")


def _strip_titles(text: str) -> str:
    return re.sub(r"《[^》]*》|“[^”]*”", "", text)


def guess_year(text: str, *, published: str | None = None) -> int | None:
    """The year the report covers: from its title, else its opening sentences, else the byline."""
    head = _strip_titles(text[:600])
    match = YEAR_IN_TITLE_RE.search(head)
    if match:
        return int(match.group("year"))
    match = LEADING_YEAR_RE.search(head[:300])
    if match:
        return int(match.group("year"))
    years = Counter(int(m.group("year")) for m in LEADING_YEAR_RE.finditer(_strip_titles(text)))
    if years:
        return years.most_common(1)[0][0]
    if published:
        match = re.search(r"(19|20)\d{2}", published)
        if match:
            # A report is published early in the year after the one it covers.
            return int(match.group(0)) - 1
    return None


def _place_prefix(text: str, kind: str) -> str | None:
    """The most frequent named city (kind "市") or district ("区"), to complete "市…局" or "区…署"."""
    counts: Counter[str] = Counter()
    for match in PLACE_RE.finditer(text):
        place = match.group("place")
        if place.endswith(kind) and place[0] not in NOT_PLACE and not re.search(r"(全|本|我|各|该)", place):
            counts[place] += 1
    return counts.most_common(1)[0][0] if counts else None


def guess_unit(text: str, *, source: str | None = None) -> str | None:
    """The reporting unit's name, completed with its city/district when the text says only "市…"."""
    first_line = text.split("\n", 1)[0]
    match = TITLE_RE.match(first_line)
    if match:
        return match.group("unit").strip()
    if source and re.search(ORG_SUFFIX + "$", source):
        return source
    head = "\n".join(text.split("\n")[:3])[:400]
    for clause in re.split(r"[,，。;；:：\n]", head):
        clause = re.sub(r"^(?:\d{4}年(?:度|以来)?|在.{0,20}下|今年以来|近年来)", "", clause.strip())
        match = ORG_AT_CLAUSE_RE.match(clause)
        if not match:
            continue
        org = match.group("org")
        if org in {"区委", "市委", "县委", "区政府", "市政府", "县政府"} or SELF_REFERENCE_RE.match(org):
            continue
        if org[0] in "市区县" and not org.startswith(("市场", "区域")):
            place = _place_prefix(text, org[0])
            if place:
                return place + org[1:]
        return org
    return None
