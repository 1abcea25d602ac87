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

from .numerals import CHINESE_NUMERAL_CHARS, parse_number, tidy
from .vocabulary import label, normalize

DURATION_NAME_RE = re.compile(r"^(?:7\s*[×x*]\s*)?24\s*小时(?=热线|暖心|服务|值守|在线|值班|响应|不间断|不打烊)")
UNITS = sorted(
    """个工作日 工作日 个百分点 百分点 平方公里 平方米 立方米 万元 亿元 千元 元 人次 场次 户次 批次 篇次 件次 万人
    小时 分钟 个月 公里 公顷 分 个 件 宗 次 项 人 名 位 场 篇 条 份 册 家 类 批 期 所 栋 台 套 部 本 张 瓶 户 起 例
    处 间 座 辆 吨 亩 米 天 日 周 秒 倍 轮 单 班 省 市 年 大 G % ‰""".split(),
    key=len,
    reverse=True,
)
# Counters that a Chinese numeral may take; "二十大", "三中全会", "一网统管" must not count.
CN_UNITS = [u for u in UNITS if u not in {"大", "市", "省", "G", "年", "日", "米", "轮", "分", "%", "‰"}]
CLASSIFIERS = {"个", "家", "名", "位", "类", "大", "份", "场", "期", "栋", "台", "套", "部", "本", "张",
               "瓶", "所", "座", "辆", "批", "项", "件", "篇", "条", "次", "省", "市", "平方公里", "G"}
SENTENCE_RE = re.compile(r"[^。!?\n]+[。!?]?")
NUMBER_RE = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|[{CHINESE_NUMERAL_CHARS}]+")
PERCENT_WORD_RE = re.compile(rf"百分之([{CHINESE_NUMERAL_CHARS}]+|\d+(?:\.\d+)?)")
TITLE_RE = re.compile(r"《[^》]{0,80}》")
QUOTE_RE = re.compile(r"“[^”]{0,40}”|‘[^’]{0,40}’|「[^」]{0,40}」|\"[^\"]{0,40}\"")
DOC_NUMBER_RE = re.compile(r"[〔\[]\s*\d{4}\s*[〕\]]\s*\d+\s*号|第\s*\d+\s*号")
DATE_RES = [
    re.compile(r"(?:19|20)\d{2}\s*[-—–~至到]\s*(?:19|20)\d{2}\s*年"),
    re.compile(r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*(?:[-—–~至到]\s*\d{1,2}\s*)?月(?:\s*\d{1,2}\s*[日号])?)?"),
    re.compile(r"(?<!\d)\d{1,2}\s*(?:[-—–~至到]\s*\d{1,2}\s*)?月(?:\s*\d{1,2}\s*[日号])?"),
    re.compile(r"(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}"),
]
ORDINAL_RE = re.compile(r"第\s*\d+(?:\.\d+)?")
HEADING_RE = re.compile(r"^\s*(?:\d{1,2}[.、](?!\d)|\(\d{1,2}\))")
PHONE_RE = re.compile(r"(?<!\d)(?:\d{3,4}-\d{7,8}|1[3-9]\d{9})(?!\d)")
PRE_QUALIFIERS = {"超过": "超", "超": "超", "逾": "超", "将近": "近", "接近": "近", "近": "近", "约": "约",
                  "大约": "约", "不到": "不到", "不足": "不到"}
PRE_QUALIFIER_RE = re.compile(r"(超过|将近|接近|大约|不到|不足|超|逾|近|约)$")
POST_QUALIFIER_RE = re.compile(r"^(以上|以下|以内|左右|余|多)")
CHANGE_RE = re.compile(
    r"(?P<basis>同比|环比|较(?:去年|上年|上一年)(?:同期)?|比(?:去年|上年)(?:同期)?)"
    r"[\u4e00-\u9fff]{0,4}?(?P<dir>上升|下降|增长|减少|提升|提高|降低|增加|下滑|回落|增加了|减少了)了?$"
)
UP_WORDS = ("上升", "增长", "提升", "提高", "增加")
COORD_RE = re.compile(r"(?:均|都|皆)(?:达到?|为|是|实现)?(?:双)?$|双$")
RESPECTIVELY_RE = re.compile(r"分别(?:达到?|为|是)?$")
LEADING_FILLER_RE = re.compile(
    r"^(?:[、,]|和|及(?!时)|与|[一二三四五六七八九十]+是|其中|同时|并且|另外|此外|目前|今年以来|今年|年内|全年|截至目前|以及|"
    r"(?:19|20)\d{2}年(?:以来|度|内|全年)?|\d{1,2}月\d{1,2}日(?:至\d{1,2}月\d{1,2}日)?|"
    r"我(?:区|市|局|署|单位|县)|本(?:区|市|局|单位)|全(?:区|市|县|局|年)|已|共|累计|合计|总计|均|还|也|为|将)+"
)
TRAILING_FILLER_RE = re.compile(
    r"(?:共计|合计|总计|累计|(?<![公总一])共|均达到|均达|均为|(?<![平人])均|都|双|分别为|分别达|分别|达到|高达|多达|"
    r"(?<![下传发表送到抵通])达|(?<![行作认成因])为|(?<![但就还凡于即])是|(?<![甚直以乃])至|增至|提升至|上升至|"
    r"下降至|突破|实现|仅|由|从|(?<![统设估会审合总共累])计|(?<![具所拥没享持占])有|已|的|超过|超|逾|(?<![最附接将])近|"
    r"(?<![合签公预节制])约)+$"
)
SUBJECT_SPLIT_RE = re.compile(r"(?:累计|合计|总计|共计|(?<![公总一])共(?![同享建识性有]))")
VERBS = ("受理", "办结", "化解", "审查", "审核", "印发", "备案", "清理", "办理", "处理", "出具", "新增", "新收",
         "收到", "接收", "发布", "公开", "上线", "制定", "纠正", "完成", "提交", "举办", "开展", "组织", "发出",
         "编制", "提供", "上报", "结案", "调解", "立案", "查处", "追回")
VERB_ONLY_RE = re.compile(rf"^(?:集中|全部|依法|及时)?(?:{'|'.join(VERBS)})$")
LEADING_VERB_RE = re.compile(rf"^(?:集中|全部|依法|及时|共|累计)?(?:{'|'.join(VERBS)})")
YEAR_RE = re.compile(r"((?:19|20)\d{2})年|(今年|本年)|(去年|上年|上一年)(?!同期)")
SUFFIX_STOP = ("同比", "较", "均", "其中", "占", "比", "以", "左右", "的比例", "分别")


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


@dataclass
class _Quantity:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    raw: str


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _read_unit(s: str, pos: int, chinese: bool) -> tuple[str, int] | None:
    rest = s[pos:]
    stripped = rest.lstrip(" ")
    skip = len(rest) - len(stripped)
    if stripped.startswith("%"):
        return "%", pos + skip + len(stripped) - len(stripped.lstrip("%"))
    for unit in CN_UNITS if chinese else UNITS:
        if stripped.startswith(unit) and (skip == 0 or unit == "%"):
            return unit, pos + skip + len(unit)
    return None


def _read_quantity(s: str, match: re.Match[str]) -> _Quantity | None:
    """Read number, range, multiplier, qualifiers and unit starting at a number match."""
    token = match.group(0)
    chinese = not token[0].isdigit()
    pos = match.end()
    value_max = None
    range_match = re.match(r"\s*[-~～—–至到]\s*(\d+(?:\.\d+)?)", s[pos:]) if not chinese else None
    if range_match and _read_unit(s, pos + range_match.end(), False):
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
    unit_read = _read_unit(s, pos, chinese)
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
    return _Quantity(match.start(), pos, value, value_max, unit, qualifier, s[match.start() : pos])


def _clause_prefix(s: str, start: int, floor: int) -> str:
    """Words before a number back to the clause boundary (or ``floor``), skipping balanced parentheses."""
    depth = 0
    i = start - 1
    while i >= floor:
        c = s[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                break
            depth -= 1
        elif c in ",;:。!?" and depth == 0:
            break
        i -= 1
    return s[i + 1 : start]


def _clause_suffix(s: str, end: int) -> str:
    match = re.match(r"(?:(?!以及|并)[^,;:。!?、()\d]){0,20}", s[end:])
    suffix = match.group(0) if match else ""
    return re.sub(r"[和及与]$", "", suffix)


def _clean_name(prefix: str) -> str:
    name = TRAILING_FILLER_RE.sub("", prefix.strip())
    name = LEADING_FILLER_RE.sub("", name)
    parts = SUBJECT_SPLIT_RE.split(name)
    # "区民意速办平台共受理诉求事件" → "受理诉求事件"; but "…讲座累计学习" keeps its context.
    if len(parts) > 1:
        name = parts[-1] if len(parts[-1]) >= 3 else "".join(parts)
    return LEADING_FILLER_RE.sub("", TRAILING_FILLER_RE.sub("", name)).strip()


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


def _mask(s: str, spans: list[tuple[int, int]]) -> str:
    chars = list(s)
    for a, b in spans:
        chars[a:b] = "□" * (b - a)
    return "".join(chars)


def _exclusion(s: str, start: int, spans: dict[str, list[tuple[int, int]]], heading_end: int) -> str | None:
    for kind in ("title", "name", "doc_number", "date", "ordinal", "phone"):
        if _inside(start, spans[kind]):
            return kind
    if start < heading_end:
        return "heading"
    if s[:start].rstrip().endswith("第"):
        return "ordinal"
    return None


RATE_WORD_RE = re.compile(
    r"(按期办结率|按时办结率|办结率|满意率|满意度|参考率|参学率|参与率|优秀率|合格率|及格率|通过率|准确率|知晓率|"
    r"覆盖率|完成率|回访率|解决率|出庭应诉率|败诉率|纠错率|[\u4e00-\u9fff]{2}率)$"
)


def _split_coordinated(name: str) -> list[str]:
    """"学法考试参考率、优秀率" → ["学法考试参考率", "学法考试优秀率"]; "按期办结率、满意率" stays apart."""
    # "参与率"/"及格率" contain 与/及, so only 、 and 和 separate the names.
    items = [item for item in name.split("、") if item]
    if len(items) < 2:
        items = [item for item in name.split("和") if item]
    if len(items) < 2:
        return [name]
    first = items[0]
    rate = RATE_WORD_RE.search(first)
    # The shared topic is what precedes the first item's own rate word ("学法考试" + 参考率).
    head = first[: rate.start()] if rate else ""
    return [first] + [item if not head or item.startswith(head) else head + item for item in items[1:]]


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
            "title": _spans(TITLE_RE, s),
            "name": _spans(QUOTE_RE, s),
            "doc_number": _spans(DOC_NUMBER_RE, s),
            "date": [span for regex in DATE_RES for span in _spans(regex, s)],
            "ordinal": _spans(ORDINAL_RE, s),
            "phone": _spans(PHONE_RE, s),
        }
        heading = HEADING_RE.match(s)
        self.heading_end = heading.end() if heading else 0
        self.masked = _mask(s, self.spans["title"] + self.spans["name"])

    def mention(self, start: int, end: int, kind: str) -> None:
        self.mentions.append(Mention(self.base + start, self.base + end, self.s[start:end], kind))

    def scan(self) -> None:
        s = self.s
        consumed = 0
        quantities: list[tuple[re.Match[str] | None, _Quantity]] = []
        for m in PERCENT_WORD_RE.finditer(s):
            value = parse_number(m.group(1))
            quantities.append((None, _Quantity(m.start(), m.end(), value, None, "%", None, m.group(0))))
        percent_spans = [(q.start, q.end) for _, q in quantities]
        for m in NUMBER_RE.finditer(s):
            if m.start() < consumed or _inside(m.start(), percent_spans):
                continue
            token = m.group(0)
            chinese = not token[0].isdigit()
            kind = _exclusion(s, m.start(), self.spans, self.heading_end)
            quantity = None if kind else _read_quantity(s, m)
            if chinese:
                # Chinese numerals are numbers only as counts: "两个项目", not "一体化", "二十大", "二次统筹".
                if kind or quantity is None or token in {"一", "二"}:
                    continue
            if kind:
                self.mention(m.start(), m.end(), kind)
                continue
            if quantity is None and token == "0" and re.search(r"率(为|是|达|:)?$", s[: m.start()]):
                # "败诉率为0": a zero rate is written without its percent sign.
                quantity = _Quantity(m.start(), m.end(), 0.0, None, "%", None, token)
            if quantity is None:
                self.mention(m.start(), m.end(), "unitless")
                continue
            if (quantity.unit == "G" and not re.search(r"(至|达|为|到)$", s[: m.start()])) or DURATION_NAME_RE.match(
                s[m.start() :]
            ):
                self.mention(m.start(), m.end(), "name")
                continue
            consumed = quantity.end
            quantities.append((m, quantity))
        for _, quantity in sorted(quantities, key=lambda item: item[1].start):
            self.add(quantity)

    def add(self, q: _Quantity) -> None:
        s = self.s
        prefix_raw = _clause_prefix(s, q.start, self.floor)
        change = CHANGE_RE.search(prefix_raw)
        if change and self.rows and self.rows[-1].change is None:
            direction = "up" if change.group("dir").startswith(UP_WORDS) else "down"
            self.rows[-1].change = Change(
                change.group("basis"), direction, tidy(q.value), q.unit, s[q.start - len(change.group(0)) : q.end]
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

    def names(self, prefix_raw: str, q: _Quantity) -> list[str]:
        s = self.s
        prefix = prefix_raw
        starts_item = prefix.rstrip().endswith("、")
        if self.floor and q.start - len(prefix_raw) == self.floor and "、" in prefix:
            # "6小时办结、涉白云机场工单1小时": what precedes the 、 finishes the previous figure.
            prefix = prefix.rsplit("、", 1)[1] or prefix
        if self.prev_suffix and re.sub(r"[和及与、]+$", "", prefix.strip()) == self.prev_suffix:
            prefix = ""  # the words belong to the previous figure ("50家单位54人参与培训")
        name = _clean_name(re.sub(r"[、,]+$", "", prefix))
        suffix = _clause_suffix(s, q.end)
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
            clause = _clause_prefix(s, q.start, 0) + re.match(r"[^,;:。!?]*", s[q.start :]).group(0)
            name = re.sub(r"\d+(?:\.\d+)?", "", clause).strip("、,")
        if len(name) > 60:
            name = "…" + name[-59:]
        if RESPECTIVELY_RE.search(prefix_raw.strip()):
            items = _split_coordinated(name)
            self.pending = items[1:]
            return items[:1]
        if COORD_RE.search(prefix_raw.strip()):
            return _split_coordinated(name)
        return [name]


def scan_numbers(text: str, *, report_year: int | None = None, outline=None) -> tuple[list[Indicator], list[Mention]]:
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
