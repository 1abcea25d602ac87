"""The three tables of the annual disclosure report, computed from the year's records.

Table 2 is built by putting every request of the year into exactly one "in" row (一 new this year,
二 carried over) and at most one "out" row (a leaf outcome row of 三, or 四 carried to next year),
and keeping the ids behind every cell. The printed cross-check 一 + 二 = 三(七) + 四 then holds by
construction for clean data, and when the data are not clean the ids say which requests to fix:
the consistency checks report requests, not just unequal sums.

A request is carried to next year when it was received this year or carried over, and is not
closed by 31 December. "Closed" means ``closed_on`` is set and not after 31 December; the outcome
then counts in this year's 三 even if the letter reaches the requester in January.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fazhi.disclosure.outcomes import OUTCOMES, Outcome, RequesterType

ROW_NEW = "new"
ROW_CARRIED_OVER = "carried_over"
ROW_OUTCOME_TOTAL = "outcome_total"
ROW_CARRIED_FORWARD = "carried_forward"
OUTCOME_ROWS: tuple[str, ...] = tuple(o.value for o in Outcome)  # the 21 leaf rows, in national order
TABLE2_ROWS: tuple[str, ...] = (
    ROW_NEW,
    ROW_CARRIED_OVER,
    *OUTCOME_ROWS,
    ROW_OUTCOME_TOTAL,
    ROW_CARRIED_FORWARD,
)
IN_ROWS = (ROW_NEW, ROW_CARRIED_OVER)
OUT_ROWS = (*OUTCOME_ROWS, ROW_CARRIED_FORWARD)

COL_TOTAL = "total"
REQUESTER_COLUMNS: tuple[str, ...] = tuple(t.value for t in RequesterType)
TABLE2_COLUMNS: tuple[str, ...] = (*REQUESTER_COLUMNS, COL_TOTAL)

# Labels exactly as printed in the national format.
ROW_LABELS: dict[str, str] = {
    ROW_NEW: "一、本年新收政府信息公开申请数量",
    ROW_CARRIED_OVER: "二、上年结转政府信息公开申请数量",
    **{code: OUTCOMES[Outcome(code)].row_label for code in OUTCOME_ROWS},
    ROW_OUTCOME_TOTAL: "（七）总计",
    ROW_CARRIED_FORWARD: "四、结转下年度继续办理",
}
COLUMN_LABELS: dict[str, str] = {
    RequesterType.NATURAL_PERSON: "自然人",
    RequesterType.COMMERCIAL_ENTERPRISE: "商业企业",
    RequesterType.RESEARCH_INSTITUTION: "科研机构",
    RequesterType.PUBLIC_INTEREST_ORG: "社会公益组织",
    RequesterType.LEGAL_SERVICES_ORG: "法律服务机构",
    RequesterType.OTHER_ORGANISATION: "其他",
    COL_TOTAL: "总计",
}

Cell = tuple[str, str]  # (row key, column key)


class ReviewKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("未经复议直接起诉")
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration", _("复议后起诉")


class ReviewResult(models.TextChoices):
    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


@dataclass(frozen=True)
class RequestRecord:
    """One disclosure request as the annual report sees it: who asked, when, and how it ended."""

    id: object
    number: str
    requester_type: RequesterType | str
    received_on: date
    outcome: Outcome | str | None
    closed_on: date | None


@dataclass(frozen=True)
class ProactiveCounts:
    """Table 1 (主动公开政府信息情况): figures the platform does not hold itself, entered per year."""

    rules_issued: int = 0
    rules_repealed: int = 0
    rules_in_force: int = 0
    normative_documents_issued: int = 0
    normative_documents_repealed: int = 0
    normative_documents_in_force: int = 0
    licensing_decisions: int = 0
    penalty_decisions: int = 0
    enforcement_decisions: int = 0
    fees_10k_yuan: Decimal = Decimal("0")  # administrative fees collected, in 10,000 yuan as printed


@dataclass(frozen=True)
class ReviewRecord:
    """One reconsideration or lawsuit about this office's disclosure work, as it stands at year end."""

    kind: ReviewKind | str
    result: ReviewResult | str
    id: object = None


@dataclass
class Table2:
    """收到和处理政府信息公开申请情况: 25 rows × 7 columns, with the request ids behind each cell."""

    cells: dict[Cell, int]
    members: dict[Cell, list[object]] = field(default_factory=dict)  # six requester columns only

    def value(self, row: str, column: str) -> int:
        return self.cells[(row, column)]

    def row(self, row: str) -> list[int]:
        return [self.cells[(row, column)] for column in TABLE2_COLUMNS]


@dataclass
class Table3:
    """政府信息公开行政复议、行政诉讼情况: per kind, the four results and their total."""

    counts: dict[tuple[str, str], int]

    def value(self, kind: str, result: str) -> int:
        if result == COL_TOTAL:
            return sum(self.counts[(kind, r)] for r in ReviewResult.values)
        return self.counts[(kind, result)]

    def row(self, kind: str) -> list[int]:
        return [self.value(kind, r) for r in (*ReviewResult.values, COL_TOTAL)]


@dataclass
class AnnualTables:
    year: int
    proactive: ProactiveCounts
    requests: Table2
    reviews: Table3
    carried_over_ids: tuple[object, ...]

    @property
    def carried_forward_ids(self) -> list[object]:
        """Next year's ``carried_over_ids``: the requests of row 四, in column order."""
        return [
            i for column in REQUESTER_COLUMNS for i in self.requests.members[(ROW_CARRIED_FORWARD, column)]
        ]


def out_row(record: RequestRecord, *, year: int) -> str | None:
    """The row of 三 or 四 a request of the year ends in, or None when its data do not allow one.

    None is returned for a request closed without a (valid) outcome, closed before the year began
    or closed before it was received; the consistency checks name those requests.
    """
    end = date(year, 12, 31)
    if record.closed_on is None or record.closed_on > end:
        return ROW_CARRIED_FORWARD
    if record.closed_on < date(year, 1, 1) or record.closed_on < record.received_on:
        return None
    if record.outcome is None or record.outcome not in Outcome.values:
        return None
    return Outcome(record.outcome).value


def build_annual_tables(
    *,
    year: int,
    requests: Iterable[RequestRecord],
    carried_over_ids: Iterable[object],
    proactive: ProactiveCounts,
    reviews: Iterable[ReviewRecord],
) -> AnnualTables:
    """Compute tables 1–3 of ``year``.

    ``requests`` must hold every request received in the year and every carried-over one; others
    (received earlier and not carried over, or received later) are ignored here and, if they were
    open on 1 January, reported by ``check_consistency``. Carried-over requests are identified by
    id rather than by date because the previous report is the authority: 二 must equal last year's
    四, even when a record was corrected afterwards.
    """
    carried = tuple(carried_over_ids)
    carried_set = set(carried)
    members: dict[Cell, list[object]] = {(r, c): [] for r in (*IN_ROWS, *OUT_ROWS) for c in REQUESTER_COLUMNS}
    for record in requests:
        if record.id in carried_set:
            in_row = ROW_CARRIED_OVER
        elif record.received_on.year == year:
            in_row = ROW_NEW
        else:
            continue
        column = RequesterType(record.requester_type).value
        members[(in_row, column)].append(record.id)
        row = out_row(record, year=year)
        if row is not None:
            members[(row, column)].append(record.id)

    cells: dict[Cell, int] = {cell: len(ids) for cell, ids in members.items()}
    for column in REQUESTER_COLUMNS:
        cells[(ROW_OUTCOME_TOTAL, column)] = sum(cells[(r, column)] for r in OUTCOME_ROWS)
    for row in TABLE2_ROWS:
        cells[(row, COL_TOTAL)] = sum(cells[(row, c)] for c in REQUESTER_COLUMNS)

    counts = {(k, r): 0 for k in ReviewKind.values for r in ReviewResult.values}
    for review in reviews:
        counts[(ReviewKind(review.kind).value, ReviewResult(review.result).value)] += 1

    return AnnualTables(
        year=year,
        proactive=proactive,
        requests=Table2(cells=cells, members=members),
        reviews=Table3(counts=counts),
        carried_over_ids=carried,
    )


@dataclass(frozen=True)
class Problem:
    """A failed check: a Chinese message for the person fixing the data, and the requests behind it."""

    code: str
    message: str
    request_ids: tuple[object, ...] = ()
    request_numbers: tuple[str, ...] = ()
    cell: Cell | None = None


def check_consistency(
    tables: AnnualTables, *, requests: Iterable[RequestRecord], previous_carried_forward: int | None
) -> list[Problem]:
    """Every check the national format prints, plus the record-level ones that explain a failure.

    Arithmetic (per column 一 + 二 = 三(七) + 四, the total column, (七) = sum of the leaf rows) is
    checked on the numbers in ``tables`` — they may have been edited — and each failure carries the
    requests that make the difference. ``previous_carried_forward`` is last year's published 四
    total (None when there is no previous report on the platform).
    """
    records = list(requests)
    numbers = {r.id: r.number for r in records}
    out: list[Problem] = []

    def add(code: str, message: str, ids: Iterable[object] = (), cell: Cell | None = None) -> None:
        ids = tuple(dict.fromkeys(ids))
        listed = "、".join(str(numbers.get(i, i)) for i in ids)
        if listed:
            message += gettext("涉及申请：{listed}。").format(listed=listed)
        out.append(Problem(code, message, ids, tuple(str(numbers.get(i, "")) for i in ids), cell))

    t = tables.requests
    for column in TABLE2_COLUMNS:
        cols = REQUESTER_COLUMNS if column == COL_TOTAL else (column,)
        left = t.value(ROW_NEW, column) + t.value(ROW_CARRIED_OVER, column)
        right = t.value(ROW_OUTCOME_TOTAL, column) + t.value(ROW_CARRIED_FORWARD, column)
        if left != right:
            ins = Counter(i for c in cols for r in IN_ROWS for i in t.members[(r, c)])
            outs = Counter(i for c in cols for r in OUT_ROWS for i in t.members[(r, c)])
            add(
                "column_balance",
                gettext("“{col}”列：一加二为{left}，三（七）加四为{right}，两者应相等。").format(
                    col=COLUMN_LABELS[column], left=left, right=right
                ),
                [*(ins - outs), *(outs - ins)],
            )
        leaves = sum(t.value(r, column) for r in OUTCOME_ROWS)
        if leaves != t.value(ROW_OUTCOME_TOTAL, column):
            add(
                "outcome_total",
                gettext("“{col}”列：（七）总计为{total}，各项办理结果之和为{sum}。").format(
                    col=COLUMN_LABELS[column], total=t.value(ROW_OUTCOME_TOTAL, column), sum=leaves
                ),
                cell=(ROW_OUTCOME_TOTAL, column),
            )
    for row in TABLE2_ROWS:
        six = sum(t.value(row, c) for c in REQUESTER_COLUMNS)
        if six != t.value(row, COL_TOTAL):
            add(
                "total_column",
                gettext("“{row}”行：总计为{total}，六类申请人之和为{sum}。").format(
                    row=ROW_LABELS[row], total=t.value(row, COL_TOTAL), sum=six
                ),
                cell=(row, COL_TOTAL),
            )
    for cell, ids in t.members.items():
        if t.cells[cell] != len(ids):
            add(
                "cell_edited",
                gettext("“{row}”行“{col}”列填报为{value}，但按申请记录应为{count}。").format(
                    row=ROW_LABELS[cell[0]], col=COLUMN_LABELS[cell[1]], value=t.cells[cell], count=len(ids)
                ),
                ids,
                cell,
            )

    carried_total = t.value(ROW_CARRIED_OVER, COL_TOTAL)
    if previous_carried_forward is not None and carried_total != previous_carried_forward:
        add(
            "carried_over_mismatch",
            gettext("上年结转数为{this}，与上年度报告“结转下年度继续办理”数{prev}不一致。").format(
                this=carried_total, prev=previous_carried_forward
            ),
            tables.carried_over_ids,
        )

    _record_problems(tables, records, add)
    return out


def _record_problems(tables: AnnualTables, records: list[RequestRecord], add) -> None:
    """Record-level checks: every request of the year is counted once in 一/二 and once in 三/四."""
    year, t = tables.year, tables.requests
    start = date(year, 1, 1)
    carried = set(tables.carried_over_ids)
    copies = Counter(r.id for r in records)
    first: dict[object, RequestRecord] = {}
    for record in records:
        first.setdefault(record.id, record)
    ins = Counter(i for (row, _c), ids in t.members.items() if row in IN_ROWS for i in ids)
    outs = Counter(i for (row, _c), ids in t.members.items() if row in OUT_ROWS for i in ids)

    def closed_in_year(r: RequestRecord) -> bool:
        return r.closed_on is not None and r.closed_on.year == year

    def closed_before(r: RequestRecord, day: date) -> bool:
        return r.closed_on is not None and r.closed_on < day

    rules = (
        (
            "missing_outcome",
            "有申请已于本年度办结，但未记录有效的办理结果，因而未计入“三、本年度办理结果”。",
            lambda i, r: i in ins and closed_in_year(r) and r.outcome not in Outcome.values,
        ),
        (
            "closed_before_received",
            "有申请的办结日期早于收到日期。",
            lambda i, r: closed_before(r, r.received_on),
        ),
        (
            "carried_over_closed_earlier",
            "有申请列为上年结转，但在本年度之前已经办结。",
            lambda i, r: i in carried and closed_before(r, start),
        ),
        (
            "carried_over_not_earlier",
            "有申请列为上年结转，但收到日期不在以前年度。",
            lambda i, r: i in carried and r.received_on >= start,
        ),
        (
            "missing_carry_over",
            "有申请在以前年度收到、本年1月1日仍未办结，但未列入上年结转。",
            lambda i, r: i not in carried and r.received_on < start and not closed_before(r, start),
        ),
        (
            "outcome_without_closure",
            "有申请已记录办理结果但没有办结日期，已按未办结计入“四、结转下年度继续办理”。",
            lambda i, r: i in ins and r.outcome is not None and r.closed_on is None,
        ),
    )
    twice = [i for i in ins | outs | copies if max(ins[i], outs[i], copies[i]) > 1]
    if twice:
        add("counted_twice", gettext("有申请被重复统计（记录重复，或计入了多个栏目）。"), twice)
    explained = set(twice)
    for code, message, rule in rules:
        ids = [i for i, r in first.items() if rule(i, r)]
        if ids:
            add(code, gettext(message), ids)
            explained.update(ids)
    unknown = [i for i in tables.carried_over_ids if i not in first]
    if unknown:
        add("unknown_carried_over", gettext("上年结转名单中有申请在本年数据中找不到。"), unknown)
    lost = [i for i in ins if i not in outs and i not in explained]
    if lost:
        add(
            "not_counted",
            gettext("有申请既未计入“三、本年度办理结果”，也未计入“四、结转下年度继续办理”。"),
            lost,
        )
