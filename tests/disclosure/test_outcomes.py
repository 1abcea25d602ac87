from datetime import date

import pytest

from fazhi.disclosure.outcomes import (
    OUTCOMES,
    Article,
    Group,
    Outcome,
    ReceiptChannel,
    RequesterType,
    chinese_number,
    outcome_info,
    receipt_date,
)


def test_taxonomy_has_every_row_of_the_national_table():
    groups = [info.group for info in OUTCOMES.values()]
    assert [groups.count(g) for g in Group] == [1, 1, 8, 3, 5, 3]
    assert all(len(code) <= 40 and code.isascii() for code in Outcome.values)


@pytest.mark.parametrize(
    ("outcome", "row_label", "basis"),
    [
        (Outcome.DISCLOSED, "（一）予以公开", "第三十六条第（二）项"),
        (Outcome.PARTLY_DISCLOSED, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "第三十七条"),
        (Outcome.WITHHELD_STATE_SECRET, "（三）不予公开 1.属于国家秘密", "第十四条、第三十六条第（三）项"),
        (Outcome.WITHHELD_SECURITY_STABILITY, "（三）不予公开 3.危及“三安全一稳定”", "第十四条"),
        (Outcome.WITHHELD_THIRD_PARTY_RIGHTS, "（三）不予公开 4.保护第三方合法权益", "第十五条"),
        (Outcome.WITHHELD_INTERNAL_AFFAIRS, "（三）不予公开 5.属于三类内部事务信息", "第十六条第一款"),
        (Outcome.WITHHELD_PROCESS_INFORMATION, "（三）不予公开 6.属于四类过程性信息", "第十六条第二款"),
        (Outcome.UNAVAILABLE_NOT_HELD, "（四）无法提供 1.本机关不掌握相关政府信息", "第三十六条第（四）项"),
        (Outcome.UNAVAILABLE_NEEDS_CREATION, "（四）无法提供 2.没有现成信息需要另行制作", "第三十八条"),
        (Outcome.NOT_PROCESSED_PETITION, "（五）不予处理 1.信访举报投诉类申请", "第三十九条第一款"),
        (Outcome.NOT_PROCESSED_REPEAT, "（五）不予处理 2.重复申请", "第三十六条第（六）项"),
        (Outcome.NOT_PROCESSED_EXCESSIVE, "（五）不予处理 4.无正当理由大量反复申请", "第三十五条"),
        (
            Outcome.OTHER_FEE_UNPAID,
            "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
        ),
        (Outcome.OTHER, "（六）其他处理 3.其他", ""),
    ],
)
def test_row_labels_and_legal_basis(outcome, row_label, basis):
    info = outcome_info(outcome)
    assert info.row_label == row_label
    assert basis in info.legal_basis
    if basis:
        assert info.legal_basis.startswith("《中华人民共和国政府信息公开条例》")


def test_article_citation():
    assert [chinese_number(n) for n in (1, 10, 14, 20, 36, 42)] == [
        "一",
        "十",
        "十四",
        "二十",
        "三十六",
        "四十二",
    ]
    assert str(Article(16, 2)) == "第十六条第二款"
    assert str(Article(36, None, 5)) == "第三十六条第（五）项"
    assert {a.number for a in outcome_info(Outcome.WITHHELD_ENFORCEMENT_FILE).articles} == {16, 36}


def test_labels_are_chinese():
    assert str(Outcome.DISCLOSED.label) == "予以公开"
    assert [str(t.label) for t in RequesterType][:2] == ["自然人", "商业企业"]
    assert len(RequesterType) == 6


SUBMITTED = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("channel", "kwargs", "expected"),
    [
        (ReceiptChannel.IN_PERSON, {}, SUBMITTED),
        (ReceiptChannel.IN_PERSON, {"signed_on": date(2026, 3, 9)}, SUBMITTED),
        (ReceiptChannel.POST, {"signed_on": date(2026, 3, 5)}, date(2026, 3, 5)),
        (ReceiptChannel.ORDINARY_LETTER, {"confirmed_on": date(2026, 3, 6)}, date(2026, 3, 6)),
        (ReceiptChannel.ONLINE, {"confirmed_on": date(2026, 3, 3)}, date(2026, 3, 3)),
        ("fax", {"confirmed_on": SUBMITTED}, SUBMITTED),
    ],
)
def test_receipt_date_rules(channel, kwargs, expected):
    assert receipt_date(channel=channel, submitted_on=SUBMITTED, **kwargs) == expected


@pytest.mark.parametrize(
    ("channel", "kwargs", "words"),
    [
        (ReceiptChannel.POST, {}, "缺少签收日期"),
        (ReceiptChannel.POST, {"confirmed_on": SUBMITTED}, "缺少签收日期"),
        (ReceiptChannel.ORDINARY_LETTER, {"signed_on": SUBMITTED}, "缺少确认日期"),
        (ReceiptChannel.ONLINE, {}, "缺少双方确认日期"),
        (ReceiptChannel.FAX, {}, "第三十一条"),
        (ReceiptChannel.POST, {"signed_on": date(2026, 3, 1)}, "不能早于提交日期"),
    ],
)
def test_receipt_date_refuses_missing_or_impossible_dates(channel, kwargs, words):
    with pytest.raises(ValueError, match=words):
        receipt_date(channel=channel, submitted_on=SUBMITTED, **kwargs)


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        receipt_date(channel="pigeon", submitted_on=SUBMITTED)
