"""Extract every quantitative statement ("受理诉求事件166739宗") from a report.

The review office compares figures across units and years and checks them against the
platform's own counts, so each number becomes a row: what is counted (the words before it, or
after a classifier: "审核52份合同"), value, qualifier (余/超/近…), unit, the year it refers to
and its sentence. Numbers that are not statistics — dates, document numbers, headings, article
numbers, names in quotes or titles ("“1+6+3”", "《…(2022-2025年)》"), versions ("2.0") — are
excluded, and ``scan_numbers`` says why, so recall can be measured over every number.

Year-on-year changes ("同比上升5.50%") are *not* separate rows: they are attached as
``change`` to the indicator they qualify (the previous one in the sentence), because a change
without its base figure means nothing on a review page. Coordinated names sharing one value
("参考率、优秀率均达100%", "实现双100%") give one row per name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .naming import (
    CLASSIFIERS,
    COORD_RE,
    LEADING_VERB_RE,
    RESPECTIVELY_RE,
    SUFFIX_STOP,
    VERB_ONLY_RE,
    clause_prefix,
    clause_suffix,
    clean_name,
    split_coordinated,
)
from .numerals import parse_number, tidy
from .quantities import (
    DATE_RES,
    DOC_NUMBER_RE,
    DURATION_NAME_RE,
    HEADING_RE,
    NUMBER_RE,
    ORDINAL_RE,
    PERCENT_WORD_RE,
    PHONE_RE,
    QUOTE_RE,
    TITLE_RE,
    Quantity,
    exclusion,
    inside,
    mask,
    read_quantity,
    spans,
)
from .vocabulary import label, normalize

SENTENCE_RE = re.compile(r"[^。!?\n]+[。!?]?")
PRE_QUALIFIERS = {
    "超过": "超",
    "超": "超",
    "逾": "超",
    "将近": "近",
    "接近": "近",
    "近": "近",
    "约": "约",
    "大约": "约",
    "不到": "不到",
    "不足": "不到",
}
PRE_QUALIFIER_RE = re.compile(r"(超过|将近|接近|大约|不到|不足|超|逾|近|约)$")
CHANGE_RE = re.compile(
    r"(?P<basis>同比|环比|较(?:去年|上年|上一年)(?:同期)?|比(?:去年|上年)(?:同期)?)"
    r"[\u4e00-\u9fff]{0,4}?(?P<dir>上升|下降|增长|减少|提升|提高|降低|增加|下滑|回落|增加了|减少了)了?$"
)
UP_WORDS = ("上升", "增长", "提升", "提高", "增加")
YEAR_RE = re.compile(r"((?:19|20)\d{2})年|(今年|本年)|(?<![较比])(去年|上年|上一年)(?!同期)")


@dataclass
class Change:
    basis: str
    direction: str
    value: int | float
    unit: str
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Indicator:
    name: str
    normalized_name: str | None
    label: str | None
    value: int | float
    qualifier: str | None
    unit: str
    year: int | None
    sentence: str
    raw: str
    start: int
    end: int
    value_max: int | float | None = None
    change: Change | None = None
    section: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["change"] = self.change.to_dict() if self.change else None
        return data


@dataclass
class Mention:
    """A number in the text and what was decided about it (``kind`` is "indicator" or a reason)."""

    start: int
    end: int
    text: str
    kind: str


def _year_for(s: str, pos: int, report_year: int | None, masked: str) -> int | None:
    """The year a figure refers to: a year in its own clause, or a clause-initial time phrase
    earlier in the sentence ("2023年以来,平台共受理…"); a year inside an award's name in
    another clause ("获评…2023年度…个人") says nothing about the next figure."""
    year = report_year
    for match in YEAR_RE.finditer(masked[:pos]):
        same_clause = not re.search(r"[,;:]", masked[match.end() : pos])
        clause_initial = re.search(r"(^|[,;:(])\s*(截至|截止|自|从|在|于)?$", masked[: match.start()])
        if not (same_clause or clause_initial):
            continue
        if match.group(1):
            year = int(match.group(1))
        elif match.group(2):
            year = report_year
        elif report_year:
            year = report_year - 1
    return year


class _SentenceScanner:
    """State for one sentence: rows so far, the consumed end, pending "分别" names."""

    def __init__(self, s: str, base: int, report_year: int | None, section: str | None) -> None:
        self.s, self.base, self.report_year, self.section = s, base, report_year, section
        self.rows: list[Indicator] = []
        self.mentions: list[Mention] = []
        self.floor = 0
        self.prev_suffix = ""
        self.pending: list[str] = []
        self.spans = {
            "title": spans(TITLE_RE, s),
            "name": spans(QUOTE_RE, s),
            "doc_number": spans(DOC_NUMBER_RE, s),
            "date": [span for regex in DATE_RES for span in spans(regex, s)],
            "ordinal": spans(ORDINAL_RE, s),
            "phone": spans(PHONE_RE, s),
        }
        heading = HEADING_RE.match(s)
        self.heading_end = heading.end() if heading else 0
        self.masked = mask(s, self.spans["title"] + self.spans["name"])

    def mention(self, start: int, end: int, kind: str) -> None:
        self.mentions.append(Mention(self.base + start, self.base + end, self.s[start:end], kind))

    def scan(self) -> None:
        s = self.s
        consumed = 0
        quantities: list[tuple[re.Match[str] | None, Quantity]] = []
        for m in PERCENT_WORD_RE.finditer(s):
            value = parse_number(m.group(1))
            quantities.append((None, Quantity(m.start(), m.end(), value, None, "%", None, m.group(0))))
        percent_spans = [(q.start, q.end) for _, q in quantities]
        for m in NUMBER_RE.finditer(s):
            if m.start() < consumed or inside(m.start(), percent_spans):
                continue
            token = m.group(0)
            chinese = not token[0].isdigit()
            kind = exclusion(s, m.start(), self.spans, self.heading_end)
            quantity = None if kind else read_quantity(s, m)
            if chinese:
                # Chinese numerals are numbers only as counts: "两个项目", not "一体化", "二十大", "二次统筹".
                if kind or quantity is None or token in {"一", "二"}:
                    continue
            if kind:
                self.mention(m.start(), m.end(), kind)
                continue
            if quantity is None and token == "0" and re.search(r"率(为|是|达|:)?$", s[: m.start()]):
                # "败诉率为0": a zero rate is written without its percent sign.
                quantity = Quantity(m.start(), m.end(), 0.0, None, "%", None, token)
            if quantity is None:
                self.mention(m.start(), m.end(), "unitless")
                continue
            if (
                quantity.unit == "G" and not re.search(r"(至|达|为|到)$", s[: m.start()])
            ) or DURATION_NAME_RE.match(s[m.start() :]):
                self.mention(m.start(), m.end(), "name")
                continue
            consumed = quantity.end
            quantities.append((m, quantity))
        for _, quantity in sorted(quantities, key=lambda item: item[1].start):
            self.add(quantity)

    def add(self, q: Quantity) -> None:
        s = self.s
        prefix_raw = clause_prefix(s, q.start, self.floor)
        change = CHANGE_RE.search(prefix_raw)
        # Attach only when the change has no subject of its own: "…90.77%,同比上升5.50%" or
        # "…399件,总数较去年同期下降83%", not "…覆盖率100%,热线受理量较上年增长15.3%".
        if (
            change
            and self.rows
            and self.rows[-1].change is None
            and len(prefix_raw[: change.start()].strip()) <= 4
        ):
            direction = "up" if change.group("dir").startswith(UP_WORDS) else "down"
            self.rows[-1].change = Change(
                change.group("basis"),
                direction,
                tidy(q.value),
                q.unit,
                s[q.start - len(change.group(0)) : q.end],
            )
            self.mention(q.start, q.end, "change")
            self.floor = q.end
            return
        qualifier = q.qualifier
        pre = PRE_QUALIFIER_RE.search(prefix_raw.rstrip())
        if pre and qualifier is None:
            qualifier = PRE_QUALIFIERS[pre.group(1)]
        names = self.names(prefix_raw, q)
        year = _year_for(s, q.start, self.report_year, self.masked)
        for name in names:
            code = normalize(name, q.unit, s)
            self.rows.append(
                Indicator(
                    name=name,
                    normalized_name=code,
                    label=label(code),
                    value=tidy(q.value),
                    value_max=tidy(q.value_max) if q.value_max is not None else None,
                    qualifier=qualifier,
                    unit=q.unit,
                    year=year,
                    sentence=s.strip(),
                    raw=q.raw,
                    start=self.base + q.start,
                    end=self.base + q.end,
                    section=self.section,
                )
            )
        self.mention(q.start, q.end, "indicator")
        self.floor = q.end

    def names(self, prefix_raw: str, q: Quantity) -> list[str]:
        s = self.s
        prefix = prefix_raw
        starts_item = prefix.rstrip().endswith("、")
        if self.floor and q.start - len(prefix_raw) == self.floor and "、" in prefix:
            # "6小时办结、涉白云机场工单1小时": what precedes the 、 finishes the previous figure.
            prefix = prefix.rsplit("、", 1)[1] or prefix
        if self.prev_suffix and re.sub(r"[和及与、]+$", "", prefix.strip()) == self.prev_suffix:
            prefix = ""  # the words belong to the previous figure ("50家单位54人参与培训")
        name = clean_name(re.sub(r"[、,]+$", "", prefix))
        suffix = clause_suffix(s, q.end)
        self.prev_suffix = ""
        if suffix.startswith("的"):
            name = name + suffix[1:]
        elif suffix and q.unit in CLASSIFIERS | {"人"} and not suffix.startswith(SUFFIX_STOP):
            name = suffix if starts_item else name + suffix
            self.prev_suffix = suffix
        if VERB_ONLY_RE.match(name) and self.rows:
            obj = LEADING_VERB_RE.sub("", self.rows[-1].name)
            if len(obj) >= 2:
                name += obj
        if not name and self.pending:
            return [self.pending.pop(0)]
        if not name and suffix:
            name = suffix  # "100%按期办结政府信息公开申请"
        if len(name) < 2:
            # "与3省6市签订…": the whole clause without its numbers says what is counted.
            clause = clause_prefix(s, q.start, 0) + re.match(r"[^,;:。!?]*", s[q.start :]).group(0)
            name = re.sub(r"\d+(?:\.\d+)?", "", clause).strip("、,")
        if len(name) > 60:
            name = "…" + name[-59:]
        if RESPECTIVELY_RE.search(prefix_raw.strip()):
            items = split_coordinated(name)
            self.pending = items[1:]
            return items[:1]
        if COORD_RE.search(prefix_raw.strip()):
            return split_coordinated(name)
        return [name]


def scan_numbers(
    text: str, *, report_year: int | None = None, outline=None
) -> tuple[list[Indicator], list[Mention]]:
    """Indicators plus every number mention with the reason it was or was not taken."""
    indicators: list[Indicator] = []
    mentions: list[Mention] = []
    for match in SENTENCE_RE.finditer(text):
        section = outline.section_at(match.start()).heading if outline is not None else None
        scanner = _SentenceScanner(match.group(0), match.start(), report_year, section or None)
        scanner.scan()
        indicators.extend(scanner.rows)
        mentions.extend(scanner.mentions)
    mentions.sort(key=lambda m: m.start)
    return indicators, mentions


def extract_indicators(text: str, *, report_year: int | None = None, outline=None) -> list[Indicator]:
    """Every quantitative statement in a cleaned report text, in document order."""
    return scan_numbers(text, report_year=report_year, outline=outline)[0]
