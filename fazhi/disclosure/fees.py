"""Information-processing fees (信息处理费), Art. 42 and 国办函〔2020〕109号.

Disclosure is free in general; a fee may be charged only when the quantity or frequency of
requests clearly exceeds a reasonable range, and the Measures fix what "clearly exceeds" costs.
Every band is marginal ("…的部分"): the 31st page is charged at 10 yuan even when there are 300.
A request is charged by one method only — by count or by pages, never both — so the public entry
point takes exactly one of the two quantities.

Amounts are whole yuan: every price in the Measures is an integer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# No payment within this many working days after the fee notice ends processing (row (六)2).
PAYMENT_PERIOD_WORKING_DAYS = 20

FREE_REQUESTS_PER_MONTH = 10
FIRST_PAID_BAND_END = 30
COUNT_BASE_PRICE = 100
COUNT_BAND_SIZE = 10
COUNT_BAND_STEP = 100

# (first page, last page or None, yuan per page)
PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)


class FeeMethod(models.TextChoices):
    BY_COUNT = "by_count", _("按件计收")
    BY_PAGES = "by_pages", _("按量计收")


@dataclass(frozen=True)
class FeeLine:
    """One band of the calculation: ``units`` requests or pages at ``unit_price`` yuan."""

    first: int
    last: int
    unit_price: int

    @property
    def units(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.units * self.unit_price


@dataclass(frozen=True)
class Fee:
    method: FeeMethod
    amount: int  # yuan
    lines: tuple[FeeLine, ...]
    explanation: str  # Chinese, fit for the fee notice and the staff screen


def count_price(nth_in_month: int) -> int:
    """Yuan charged for an applicant's n-th request in one calendar month.

    1–10 free; 11–30 at 100; from the 31st the price rises by 100 for each further block of 10
    (31–40 at 200, 41–50 at 300, …).
    """
    if nth_in_month < 1:
        raise ValueError(gettext("申请序号必须从1开始。"))
    if nth_in_month <= FREE_REQUESTS_PER_MONTH:
        return 0
    if nth_in_month <= FIRST_PAID_BAND_END:
        return COUNT_BASE_PRICE
    blocks_over = -(-(nth_in_month - FIRST_PAID_BAND_END) // COUNT_BAND_SIZE)  # ceiling division
    return COUNT_BASE_PRICE + COUNT_BAND_STEP * blocks_over


def fee_by_count(*, nth_in_month: int) -> Fee:
    """The fee for one request charged by count: what it costs to be the applicant's n-th this month."""
    price = count_price(nth_in_month)
    line = FeeLine(nth_in_month, nth_in_month, price)
    head = gettext("按件计收：本申请为该申请人本自然月内第{n}件申请，").format(n=nth_in_month)
    if price == 0:
        body = gettext("每月10件以内（含10件）不收费。")
    else:
        body = gettext("适用{band}的收费标准，应收{amount}元。").format(
            band=_count_band_label(nth_in_month), amount=price
        )
    return Fee(FeeMethod.BY_COUNT, price, (line,), head + body)


def fee_by_count_total(*, requests_in_month: int) -> Fee:
    """All fees of an applicant's month, band by band — for a monthly statement or a sanity check."""
    if requests_in_month < 0:
        raise ValueError(gettext("申请件数不能为负数。"))
    lines: list[FeeLine] = []
    start = 1
    while start <= requests_in_month:
        price = count_price(start)
        end = _count_band_end(start)
        lines.append(FeeLine(start, min(end, requests_in_month), price))
        start = end + 1
    amount = sum(line.amount for line in lines)
    parts = [
        gettext("{band}共{units}件，每件{price}元，计{amount}元").format(
            band=_count_band_label(line.first), units=line.units, price=line.unit_price, amount=line.amount
        )
        if line.unit_price
        else gettext("{band}共{units}件，不收费").format(band=_count_band_label(line.first), units=line.units)
        for line in lines
    ]
    explanation = gettext("按件计收：本自然月共{n}件申请。").format(n=requests_in_month)
    if parts:
        explanation += "；".join(parts) + gettext("；合计{amount}元。").format(amount=amount)
    return Fee(FeeMethod.BY_COUNT, amount, tuple(lines), explanation)


def fee_by_pages(*, pages: int) -> Fee:
    """The fee for one request charged by quantity: 1–30 pages free, then 10, 20, 40 yuan a page."""
    if pages < 0:
        raise ValueError(gettext("页数不能为负数。"))
    lines = tuple(
        FeeLine(first, min(last or pages, pages), price)
        for first, last, price in PAGE_BANDS
        if pages >= first
    )
    amount = sum(line.amount for line in lines)
    parts = []
    for line in lines:
        band = _page_band_label(line.first)
        if line.unit_price == 0:
            parts.append(gettext("{band}不收费").format(band=band))
        else:
            parts.append(
                gettext("{band}共{units}页，每页{price}元，计{amount}元").format(
                    band=band, units=line.units, price=line.unit_price, amount=line.amount
                )
            )
    explanation = gettext("按量计收：共{pages}页。").format(pages=pages)
    if parts:
        explanation += "；".join(parts) + gettext("；合计{amount}元。").format(amount=amount)
    return Fee(FeeMethod.BY_PAGES, amount, lines, explanation)


def information_processing_fee(
    *, method: FeeMethod | str, nth_in_month: int | None = None, pages: int | None = None
) -> Fee:
    """The fee for one request by the one method chosen; giving both quantities is refused."""
    method = FeeMethod(method)
    if nth_in_month is not None and pages is not None:
        raise ValueError(gettext("同一申请只能选择按件或按量一种方式计收信息处理费。"))
    if method == FeeMethod.BY_COUNT:
        if nth_in_month is None:
            raise ValueError(gettext("按件计收须提供该申请是本月第几件申请。"))
        return fee_by_count(nth_in_month=nth_in_month)
    if pages is None:
        raise ValueError(gettext("按量计收须提供页数。"))
    return fee_by_pages(pages=pages)


def _count_band_end(n: int) -> int:
    if n <= FREE_REQUESTS_PER_MONTH:
        return FREE_REQUESTS_PER_MONTH
    if n <= FIRST_PAID_BAND_END:
        return FIRST_PAID_BAND_END
    blocks_over = -(-(n - FIRST_PAID_BAND_END) // COUNT_BAND_SIZE)
    return FIRST_PAID_BAND_END + blocks_over * COUNT_BAND_SIZE


def _count_band_label(n: int) -> str:
    end = _count_band_end(n)
    if end == FREE_REQUESTS_PER_MONTH:
        return gettext("第1—10件")
    if end == FIRST_PAID_BAND_END:
        return gettext("第11—30件")
    return gettext("第{first}—{last}件（30件以上第{k}档）").format(
        first=end - COUNT_BAND_SIZE + 1, last=end, k=(end - FIRST_PAID_BAND_END) // COUNT_BAND_SIZE
    )


def _page_band_label(first: int) -> str:
    for band_first, last, _price in PAGE_BANDS:
        if band_first == first:
            if last is None:
                return gettext("第{first}页起").format(first=first)
            return gettext("第{first}—{last}页").format(first=first, last=last)
    raise ValueError(first)
