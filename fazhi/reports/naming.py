"""Name what a number counts, from the words around it.

Chinese puts the counted thing before the number ("受理诉求事件166739宗") or, after a
classifier, behind it ("审核52份合同"); subjects, time phrases and verbs of attainment
("区民意速办平台共…", "…增至", "…均达") must go, and coordinated names share one value
("参考率、优秀率均达100%"). These small rules are kept together so their order is visible.
"""

from __future__ import annotations

import re

# Units after which the counted thing follows the number ("审核52份合同", "导入113栋BIM模型").
CLASSIFIERS = frozenset(
    "个 家 名 位 类 大 份 场 期 栋 台 套 部 本 张 瓶 所 座 辆 批 项 件 篇 条 次 省 市 平方公里 G".split()
)
COORD_RE = re.compile(r"(?:均|都|皆)(?:达到?|为|是|实现)?(?:双)?$|双$")
RESPECTIVELY_RE = re.compile(r"分别(?:达到?|为|是)?$")
LEADING_FILLER_RE = re.compile(
    r"^(?:[、,]|和|及(?!时)|与|[一二三四五六七八九十]+是|其中|同时|并且|另外|此外|目前|今年以来|今年|年内|全年|截至目前|以及|"
    r"(?:19|20)\d{2}年(?:以来|度|内|全年)?|\d{1,2}月\d{1,2}日(?:至\d{1,2}月\d{1,2}日)?|"
    r"我(?:区|市|局|署|单位|县)|本(?:区|市|局|单位)|全(?:区|市|县|局|年)|已|共有|共|累计|合计|总计|均|还|也|为|将)+"
)
TRAILING_FILLER_RE = re.compile(
    r"(?:共计|合计|总计|累计|(?<![公总一])共|均达到|均达|均为|(?<![平人])均|都|双|分别为|分别达|分别|达到|高达|多达|"
    r"(?<![下传发表送到抵通])达|(?<![行作认成因])为|(?<![但就还凡于即])是|(?<![甚直以乃])至|增至|提升至|上升至|"
    r"下降至|突破|实现|仅|由|从|(?<![统设估会审合总共累])计|(?<![具所拥没享持占])有|已|的|超过|超|逾|(?<![最附接将])近|"
    r"(?<![合签公预节制])约)+$"
)
SUBJECT_SPLIT_RE = re.compile(r"(?:累计|合计|总计|共计|(?<![公总一])共(?![同享建识性有]))")
VERBS = (
    "受理",
    "办结",
    "化解",
    "审查",
    "审核",
    "印发",
    "备案",
    "清理",
    "办理",
    "处理",
    "出具",
    "新增",
    "新收",
    "收到",
    "接收",
    "发布",
    "公开",
    "上线",
    "制定",
    "纠正",
    "完成",
    "提交",
    "举办",
    "开展",
    "组织",
    "发出",
    "编制",
    "提供",
    "上报",
    "结案",
    "调解",
    "立案",
    "查处",
    "追回",
)
VERB_ONLY_RE = re.compile(rf"^(?:集中|全部|依法|及时)?(?:{'|'.join(VERBS)})$")
LEADING_VERB_RE = re.compile(rf"^(?:集中|全部|依法|及时|共|累计)?(?:{'|'.join(VERBS)})")
SUFFIX_STOP = ("同比", "较", "均", "其中", "占", "比", "以", "左右", "的比例", "分别")


def clause_prefix(s: str, start: int, floor: int) -> str:
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


def clause_suffix(s: str, end: int) -> str:
    match = re.match(r"(?:(?!以及|并)[^,;:。!?、()\d]){0,20}", s[end:])
    suffix = match.group(0) if match else ""
    return re.sub(r"[和及与]$", "", suffix)


def clean_name(prefix: str) -> str:
    name = TRAILING_FILLER_RE.sub("", prefix.strip())
    name = LEADING_FILLER_RE.sub("", name)
    parts = SUBJECT_SPLIT_RE.split(name)
    # "区民意速办平台共受理诉求事件" → "受理诉求事件"; but "…讲座累计学习" keeps its context.
    if len(parts) > 1:
        name = parts[-1] if len(parts[-1]) >= 3 else "".join(parts)
    return LEADING_FILLER_RE.sub("", TRAILING_FILLER_RE.sub("", name)).strip()


RATE_WORD_RE = re.compile(
    r"(按期办结率|按时办结率|办结率|满意率|满意度|参考率|参学率|参与率|优秀率|合格率|及格率|通过率|准确率|知晓率|"
    r"覆盖率|完成率|回访率|解决率|出庭应诉率|败诉率|纠错率|[\u4e00-\u9fff]{2}率)$"
)


def split_coordinated(name: str) -> list[str]:
    """ "学法考试参考率、优秀率" → ["学法考试参考率", "学法考试优秀率"]; "按期办结率、满意率" stays apart."""
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
