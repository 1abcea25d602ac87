"""The vocabulary of a disclosure request: outcomes, requester types, receipt channels.

The outcome codes are one-to-one with the leaf rows of table 2 of the 2021 national format of the
annual disclosure report (国办公开办函〔2021〕30号), so the annual table is a plain count by code
and no outcome can fall between two rows. Each outcome also carries the Regulations articles it
rests on; its letter paragraph is the section of the same code in the editable response-letter
template (templates_docx/response_letter.txt), which cites those articles through
``{legal_basis}`` — so the statistic, the legal basis and the letter cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REGULATIONS = "《中华人民共和国政府信息公开条例》"
FEE_MEASURES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


class Outcome(models.TextChoices):
    DISCLOSED = "disclosed", _("予以公开")
    PARTLY_DISCLOSED = "partly_disclosed", _("部分公开")
    WITHHELD_STATE_SECRET = "withheld_state_secret", _("不予公开：属于国家秘密")
    WITHHELD_PROHIBITED_BY_LAW = "withheld_prohibited_by_law", _("不予公开：其他法律行政法规禁止公开")
    WITHHELD_SECURITY_STABILITY = "withheld_security_stability", _("不予公开：危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY_RIGHTS = "withheld_third_party_rights", _("不予公开：保护第三方合法权益")
    WITHHELD_INTERNAL_AFFAIRS = "withheld_internal_affairs", _("不予公开：属于三类内部事务信息")
    WITHHELD_PROCESS_INFORMATION = "withheld_process_information", _("不予公开：属于四类过程性信息")
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file", _("不予公开：属于行政执法案卷")
    WITHHELD_ADMINISTRATIVE_QUERY = "withheld_administrative_query", _("不予公开：属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _("无法提供：本机关不掌握相关政府信息")
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", _("无法提供：没有现成信息需要另行制作")
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear", _("无法提供：补正后申请内容仍不明确")
    NOT_PROCESSED_PETITION = "not_processed_petition", _("不予处理：信访举报投诉类申请")
    NOT_PROCESSED_REPEAT = "not_processed_repeat", _("不予处理：重复申请")
    NOT_PROCESSED_PUBLICATION = "not_processed_publication", _("不予处理：要求提供公开出版物")
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive", _("不予处理：无正当理由大量反复申请")
    NOT_PROCESSED_CONFIRM_OR_REISSUE = (
        "not_processed_confirm_or_reissue",
        _("不予处理：要求行政机关确认或重新出具已获取信息"),
    )
    OTHER_NOT_AMENDED = "other_not_amended", _("其他处理：逾期不补正")
    OTHER_FEE_UNPAID = "other_fee_unpaid", _("其他处理：逾期未缴纳信息处理费")
    OTHER = "other", _("其他处理：其他")


class RequesterType(models.TextChoices):
    """The six requester columns of table 2 (the seventh is their total)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL_ENTERPRISE = "commercial_enterprise", _("商业企业")
    RESEARCH_INSTITUTION = "research_institution", _("科研机构")
    PUBLIC_INTEREST_ORG = "public_interest_org", _("社会公益组织")
    LEGAL_SERVICES_ORG = "legal_services_org", _("法律服务机构")
    OTHER_ORGANISATION = "other_organisation", _("其他法人或其他组织")


class ReceiptChannel(models.TextChoices):
    IN_PERSON = "in_person", _("当面提交")
    POST = "post", _("邮寄（需签收）")
    ORDINARY_LETTER = "ordinary_letter", _("平常信函")
    ONLINE = "online", _("互联网渠道")
    FAX = "fax", _("传真")


def receipt_date(
    *,
    channel: ReceiptChannel | str,
    submitted_on: date,
    signed_on: date | None = None,
    confirmed_on: date | None = None,
) -> date:
    """The day the request counts as received (Art. 31), from which every clock starts.

    In person: the day submitted. By post: the day the office signs for it. By ordinary letter (no
    signature): the day the office confirms with the requester. Online or by fax: the day both
    sides confirm. The date the law needs is required rather than defaulted to ``submitted_on``,
    because a silently early receipt date would make the 20-working-day deadline wrong.
    """
    channel = ReceiptChannel(channel)
    if channel == ReceiptChannel.IN_PERSON:
        return submitted_on
    if channel == ReceiptChannel.POST:
        needed, name = signed_on, gettext("签收日期")
        rule = gettext("邮寄申请以行政机关签收之日为收到申请之日")
    elif channel == ReceiptChannel.ORDINARY_LETTER:
        needed, name = confirmed_on, gettext("确认日期")
        rule = gettext("平常信函申请以与申请人确认之日为收到申请之日")
    else:
        needed, name = confirmed_on, gettext("双方确认日期")
        rule = gettext("互联网渠道或传真申请以双方确认之日为收到申请之日")
    if needed is None:
        raise ValueError(gettext("缺少{name}：{rule}（条例第三十一条）。").format(name=name, rule=rule))
    if needed < submitted_on:
        raise ValueError(gettext("{name}不能早于提交日期。").format(name=name))
    return needed


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as articles are cited: 十四, 三十六, 二十."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units else "")


class Article(NamedTuple):
    """An article of the Regulations, optionally narrowed to a paragraph (款) or an item (项)."""

    number: int
    paragraph: int | None = None
    item: int | None = None

    def __str__(self) -> str:
        text = f"第{chinese_number(self.number)}条"
        if self.paragraph:
            text += f"第{chinese_number(self.paragraph)}款"
        if self.item:
            text += f"第（{chinese_number(self.item)}）项"
        return text


class Group(models.TextChoices):
    """The headings (一)–(六) of part 三 of table 2; they have no subtotal rows of their own."""

    DISCLOSED = "disclosed", "（一）予以公开"
    PARTLY_DISCLOSED = "partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    WITHHELD = "withheld", "（三）不予公开"
    UNAVAILABLE = "unavailable", "（四）无法提供"
    NOT_PROCESSED = "not_processed", "（五）不予处理"
    OTHER = "other", "（六）其他处理"


@dataclass(frozen=True)
class OutcomeInfo:
    """Everything fixed by law about one outcome."""

    code: Outcome
    group: Group
    item: str  # "1.属于国家秘密"; empty for (一) and (二), which are rows of their own
    articles: tuple[Article, ...]
    other_sources: tuple[str, ...] = ()

    @property
    def row_label(self) -> str:
        """The table 2 row as printed in the national format, e.g. "（三）不予公开 1.属于国家秘密"."""
        return f"{self.group.label} {self.item}" if self.item else str(self.group.label)

    @property
    def legal_basis(self) -> str:
        """The citation a letter gives, e.g. "《中华人民共和国政府信息公开条例》第十四条"; "" if none is fixed."""
        parts = []
        if self.articles:
            parts.append(REGULATIONS + "、".join(str(a) for a in self.articles))
        parts.extend(self.other_sources)
        return "和".join(parts)

    @property
    def letter_section(self) -> str:
        """The section of the response-letter template that holds this outcome's paragraphs."""
        return self.code.value


# (outcome, group, item as printed, articles as (article, paragraph, item)). The (三) rows cite the
# article that forbids disclosure plus Art. 36(3), which obliges the office to say so with reasons.
# Art. 36(1)-(2) "already published"/"disclosed" both count as (一); the letter switches between them.
_WITHHELD = (36, None, 3)
_ROWS = [
    (Outcome.DISCLOSED, Group.DISCLOSED, "", [(36, None, 2)]),
    (Outcome.PARTLY_DISCLOSED, Group.PARTLY_DISCLOSED, "", [(37,)]),
    (Outcome.WITHHELD_STATE_SECRET, Group.WITHHELD, "1.属于国家秘密", [(14,), _WITHHELD]),
    (Outcome.WITHHELD_PROHIBITED_BY_LAW, Group.WITHHELD, "2.其他法律行政法规禁止公开", [(14,), _WITHHELD]),
    (Outcome.WITHHELD_SECURITY_STABILITY, Group.WITHHELD, "3.危及“三安全一稳定”", [(14,), _WITHHELD]),
    (Outcome.WITHHELD_THIRD_PARTY_RIGHTS, Group.WITHHELD, "4.保护第三方合法权益", [(15,), _WITHHELD]),
    (Outcome.WITHHELD_INTERNAL_AFFAIRS, Group.WITHHELD, "5.属于三类内部事务信息", [(16, 1), _WITHHELD]),
    (Outcome.WITHHELD_PROCESS_INFORMATION, Group.WITHHELD, "6.属于四类过程性信息", [(16, 2), _WITHHELD]),
    (Outcome.WITHHELD_ENFORCEMENT_FILE, Group.WITHHELD, "7.属于行政执法案卷", [(16, 2), _WITHHELD]),
    # Registration records and similar, whose access other laws regulate: Art. 36(7).
    (Outcome.WITHHELD_ADMINISTRATIVE_QUERY, Group.WITHHELD, "8.属于行政查询事项", [(36, None, 7)]),
    # "Does not exist" (36(4)); the letter adds 36(5) when another office is known to hold it.
    (Outcome.UNAVAILABLE_NOT_HELD, Group.UNAVAILABLE, "1.本机关不掌握相关政府信息", [(36, None, 4)]),
    (Outcome.UNAVAILABLE_NEEDS_CREATION, Group.UNAVAILABLE, "2.没有现成信息需要另行制作", [(38,)]),
    (Outcome.UNAVAILABLE_STILL_UNCLEAR, Group.UNAVAILABLE, "3.补正后申请内容仍不明确", [(29, 2), (30,)]),
    (Outcome.NOT_PROCESSED_PETITION, Group.NOT_PROCESSED, "1.信访举报投诉类申请", [(39, 1)]),
    (Outcome.NOT_PROCESSED_REPEAT, Group.NOT_PROCESSED, "2.重复申请", [(36, None, 6)]),
    (Outcome.NOT_PROCESSED_PUBLICATION, Group.NOT_PROCESSED, "3.要求提供公开出版物", [(39, 2)]),
    (Outcome.NOT_PROCESSED_EXCESSIVE, Group.NOT_PROCESSED, "4.无正当理由大量反复申请", [(35,)]),
    # Not a request for existing government information (Art. 2), nothing to provide (Art. 38).
    (
        Outcome.NOT_PROCESSED_CONFIRM_OR_REISSUE,
        Group.NOT_PROCESSED,
        "5.要求行政机关确认或重新出具已获取信息",
        [(2,), (38,)],
    ),
    (
        Outcome.OTHER_NOT_AMENDED,
        Group.OTHER,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        [(30,)],
    ),
    (
        Outcome.OTHER_FEE_UNPAID,
        Group.OTHER,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        [(42,)],
    ),
    # "Other" has no fixed basis: the office writes the reason and cites whatever applies.
    (Outcome.OTHER, Group.OTHER, "3.其他", []),
]

OUTCOMES: dict[Outcome, OutcomeInfo] = {
    code: OutcomeInfo(
        code,
        group,
        item,
        tuple(Article(*a) for a in articles),
        (FEE_MEASURES,) if code == Outcome.OTHER_FEE_UNPAID else (),
    )
    for code, group, item, articles in _ROWS
}
if list(OUTCOMES) != list(Outcome):
    raise ImportError("every outcome needs its row and basis, in the national order")


def outcome_info(outcome: Outcome | str) -> OutcomeInfo:
    return OUTCOMES[Outcome(outcome)]
