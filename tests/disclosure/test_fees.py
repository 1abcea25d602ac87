import pytest

from fazhi.disclosure.fees import (
    FeeMethod,
    count_price,
    fee_by_count,
    fee_by_count_total,
    fee_by_pages,
    information_processing_fee,
)


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)],
)
def test_price_of_the_nth_request_in_a_month(n, price):
    assert count_price(n) == price
    assert fee_by_count(nth_in_month=n).amount == price


@pytest.mark.parametrize(
    ("requests", "total"),
    [(0, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300)],
)
def test_monthly_totals_by_count(requests, total):
    fee = fee_by_count_total(requests_in_month=requests)
    assert fee.amount == total
    assert sum(line.amount for line in fee.lines) == total
    assert sum(line.units for line in fee.lines) == requests


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_fee_by_pages(pages, amount):
    fee = fee_by_pages(pages=pages)
    assert fee.amount == amount
    assert fee.method == FeeMethod.BY_PAGES


def test_explanations_are_chinese_and_show_the_bands():
    assert "10件以内" in fee_by_count(nth_in_month=3).explanation
    explanation = fee_by_count(nth_in_month=41).explanation
    assert "第41件" in explanation and "第41—50件（30件以上第2档）" in explanation and "300元" in explanation
    explanation = fee_by_pages(pages=201).explanation
    assert explanation.startswith("按量计收：共201页。")
    assert "第1—30页不收费" in explanation
    assert "第101—200页共100页，每页20元，计2000元" in explanation
    assert "第201页起共1页，每页40元，计40元" in explanation
    assert explanation.endswith("合计2740元。")


def test_one_method_per_request():
    assert information_processing_fee(method="by_pages", pages=31).amount == 10
    assert information_processing_fee(method=FeeMethod.BY_COUNT, nth_in_month=11).amount == 100
    with pytest.raises(ValueError, match="只能选择按件或按量一种方式"):
        information_processing_fee(method=FeeMethod.BY_COUNT, nth_in_month=11, pages=50)
    with pytest.raises(ValueError, match="页数"):
        information_processing_fee(method=FeeMethod.BY_PAGES, nth_in_month=11)
    with pytest.raises(ValueError, match="第几件"):
        information_processing_fee(method=FeeMethod.BY_COUNT, pages=5)


@pytest.mark.parametrize("call", [lambda: count_price(0), lambda: fee_by_pages(pages=-1),
                                  lambda: fee_by_count_total(requests_in_month=-1)])  # fmt: skip
def test_nonsense_quantities_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_monthly_explanation():
    explanation = fee_by_count_total(requests_in_month=41).explanation
    assert explanation == (
        "按件计收：本自然月共41件申请。第1—10件共10件，不收费；第11—30件共20件，每件100元，计2000元；"
        "第31—40件（30件以上第1档）共10件，每件200元，计2000元；第41—50件（30件以上第2档）共1件，每件300元，"
        "计300元；合计4300元。"
    )
