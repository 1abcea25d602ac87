"""Bulk import of appeals from a CSV or XLSX file (an upstream 12345 platform's export, a backlog).

Columns (row 1): 外部编号, 标题, 内容, 诉求类型, 紧急程度, 渠道, 姓名, 电话, 地址, 事项编码, 受理时间;
外部编号 and 内容 are required. Chinese labels (投诉, 紧急, 12345热线 …) and codes are both accepted.

Every row is checked by `validation.clean_intake` — the same checks as every other channel — and
a bad row is reported with its spreadsheet row number, never half-written. Accepted rows are
idempotent by (source, external id): importing the same file twice adds nothing.

Calling `services.intake` per row would cost ~15 queries an appeal; here all rows are validated
first, then written in batches of ~1,000 per transaction — numbers reserved in one UPDATE,
deadlines computed with the cached calendar, rows inserted with bulk_create, one audit entry per
batch. A failure stops at a batch boundary: earlier batches stay, and a re-run skips them.
"""

from __future__ import annotations

import csv
import secrets
import sys
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from fazhi.appeals import deadlines
from fazhi.appeals.models import Appeal, AppealType, Matter, Urgency
from fazhi.appeals.services import REPEAT_WINDOW, centre_unit
from fazhi.appeals.validation import IntakeData, IntakeError, clean_intake
from fazhi.appeals.workflow import WORKFLOW
from fazhi.cases import clocks
from fazhi.cases.clock import SHANGHAI, ClockUnit
from fazhi.cases.models import Case, CaseEvent, Channel, Requester
from fazhi.core import audit
from fazhi.core.bulk import fast_insert
from fazhi.core.models import Counter, OrgUnit

COLUMNS = {
    "外部编号": "external_id", "标题": "title", "内容": "content", "诉求类型": "appeal_type",
    "紧急程度": "urgency", "渠道": "channel", "姓名": "name", "电话": "phone", "地址": "address",
    "事项编码": "matter", "受理时间": "received_at",
}
REQUIRED = ("外部编号", "内容")
BATCH = 1000

# Chinese labels as the upstream systems write them, mapped to the stored codes.
_CHOICES = {
    "appeal_type": {str(label): code for code, label in AppealType.choices},
    "urgency": {**{str(label): code for code, label in Urgency.choices}, "普通": "normal", "加急": "urgent",
                "特急": "urgent"},
    "channel": {**{str(label): code for code, label in Channel.choices}, "热线": "hotline", "12345": "hotline",
                "电话": "hotline", "网络": "web", "网上": "web", "APP": "app", "信件": "letter", "走访": "visit"},
}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                 "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y年%m月%d日",
                 "%Y.%m.%d %H:%M", "%Y.%m.%d")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (type, encoding, columns); nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rejected:
    row: int  # spreadsheet row number; the header is row 1
    external_id: str
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0  # already imported earlier (same source and external id)
    rejected: list[Rejected] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # the case numbers given, in received order


# -- reading -------------------------------------------------------------------------------
def read_table(path: str | Path) -> list[tuple[int, list]]:
    """(row number, cells) for every non-blank row of a CSV (UTF-8, with or without BOM, or
    GB18030) or XLSX file, header included; ImportFileError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"文件不存在：{path}")
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    if not head:
        raise ImportFileError("文件为空")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".txt", ""):
        rows = _read_csv(path)
    else:
        raise ImportFileError(f"不支持的文件类型“{path.suffix}”，请使用 CSV 或 XLSX 文件")
    rows = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
    if not rows:
        raise ImportFileError("文件为空")
    return rows


def _read_csv(path: Path) -> list[tuple[int, list]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFileError("文件不是文本格式的 CSV，请使用 CSV 或 XLSX 文件")
    # Excel on Chinese Windows saves CSV as GB18030/GBK; elsewhere UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件")
    try:
        return [(n, row) for n, row in enumerate(csv.reader(text.splitlines()), start=1)]
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from exc


def _read_xlsx(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises several unrelated types for a broken file
        raise ImportFileError(f"无法读取 XLSX 文件（{type(exc).__name__}），请确认文件未损坏") from exc
    try:
        return [(n, list(row)) for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def cell_text(value) -> str:
    """A cell as text: Excel gives phone numbers and codes as numbers, 13800138000.0 included."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def header_map(header: list, columns: dict[str, str], required: Iterable[str]) -> dict[str, int]:
    """Column key -> index, or ImportFileError naming missing, unknown or repeated columns."""
    names = [cell_text(c) for c in header]
    unknown = [n for n in names if n and n not in columns]
    missing = [c for c in required if c not in names]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"缺少必需的列：{'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别的列：{'、'.join(unknown)}")
    if repeated:
        problems.append(f"列重复：{'、'.join(repeated)}")
    if problems:
        raise ImportFileError(f"第1行（表头）有误：{'；'.join(problems)}。可用的列：{'、'.join(columns)}")
    return {columns[n]: i for i, n in enumerate(names) if n}


# -- checking ------------------------------------------------------------------------------
@dataclass
class _Row:
    row: int
    data: IntakeData
    received_at: datetime
    place: OrgUnit | None = None
    case: Case | None = None


def parse_time(value, *, now: datetime) -> datetime:
    """受理时间 from a cell: a datetime, an Excel serial number or text; naive means Asia/Shanghai."""
    if value is None or cell_text(value) == "":
        return now
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        value = from_excel(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if not isinstance(value, datetime):
        text = cell_text(value)
        parsed = None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _TIME_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise ValueError(f"受理时间“{text}”无法识别，应为如 2026-03-02 10:00 的格式")
        value = parsed
    return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)


def check_rows(table: list[tuple[int, list]], *, source: str, now: datetime) -> tuple[list[_Row], list[Rejected]]:
    """Validate every data row; the accepted rows come back sorted by received time."""
    at = header_map(table[0][1], COLUMNS, REQUIRED)
    if len(table) < 2:
        raise ImportFileError("文件中没有数据行（第1行为表头）")
    matters = {m.code: m for m in Matter.objects.filter(active=True)}
    accepted: list[_Row] = []
    rejected: list[Rejected] = []
    first_row: dict[str, int] = {}
    for number, cells in table[1:]:
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in at.items()}
        received_cell = raw.pop("received_at", None)
        raw = {key: cell_text(value) for key, value in raw.items()}
        for key, labels in _CHOICES.items():
            if raw.get(key):
                raw[key] = labels.get(raw[key], raw[key])
        raw["channel"] = raw.get("channel") or Channel.IMPORT
        raw["source"] = source
        external_id = raw.get("external_id", "")
        try:
            if not external_id:
                raise IntakeError({"external_id": "外部编号不能为空"})
            received_at = parse_time(received_cell, now=now)
            if received_at > now:
                raise IntakeError({"received_at": "受理时间不能晚于当前时间"})
            # Known matter codes are looked up once for the whole file; an unknown one goes to
            # clean_intake so the message is the one every other channel gives.
            matter = matters.get(raw.get("matter", ""))
            data = clean_intake({**raw, "matter": "" if matter else raw.get("matter")}, phone_required=False)
            data.matter = matter
        except IntakeError as exc:
            rejected.append(Rejected(number, external_id, "；".join(exc.errors.values())))
            continue
        except ValueError as exc:
            rejected.append(Rejected(number, external_id, str(exc)))
            continue
        if external_id in first_row:
            rejected.append(Rejected(number, external_id, f"外部编号与第{first_row[external_id]}行重复"))
            continue
        first_row[external_id] = number
        accepted.append(_Row(number, data, received_at))
    accepted.sort(key=lambda r: r.received_at)
    return accepted, rejected


class _Places:
    """services.place_for over a list of streets loaded once (it queries them on every call)."""

    def __init__(self):
        self.streets = list(OrgUnit.objects.filter(level="street").only("id", "name", "path"))
        self.memo: dict[str, OrgUnit | None] = {}

    def __call__(self, address: str) -> OrgUnit | None:
        if not address:
            return None
        if address not in self.memo:
            hits = [s for s in self.streets if s.name and (
                s.name in address or (s.name.removesuffix("街道") or s.name) in address)]
            self.memo[address] = max(hits, key=lambda s: len(s.name)) if hits else None
        return self.memo[address]


# -- writing -------------------------------------------------------------------------------
def reserve_numbers(*, prefix: str, year: int, count: int) -> int:
    """Take `count` consecutive case numbers with one UPDATE; returns the first value.

    Same counter as core.numbering.next_number, so imported and typed-in appeals never share a
    number. Called inside the batch's transaction: a failed batch gives its numbers back.
    """
    with transaction.atomic():
        if not Counter.objects.filter(key=prefix, year=year).update(value=F("value") + count):
            try:
                with transaction.atomic():
                    Counter.objects.create(key=prefix, year=year, value=count)
            except IntegrityError:  # another writer created the row first
                Counter.objects.filter(key=prefix, year=year).update(value=F("value") + count)
        value = Counter.objects.filter(key=prefix, year=year).values_list("value", flat=True).get()
    return value - count + 1


class _Repeats:
    """Links each imported appeal to the latest earlier one within 30 days from the same phone
    or, failing that, about the same place and matter — services.find_repeat, for a batch.

    Rows are written in received order, so every earlier appeal of this import is either in
    the database already or earlier in the current batch.
    """

    def __init__(self, rows: list[_Row]):
        lo = rows[0].received_at - REPEAT_WINDOW
        hi = rows[-1].received_at
        recent = Case.objects.filter(kind="appeal", received_at__gte=lo, received_at__lte=hi)
        self.by_phone: dict[str, list] = defaultdict(list)
        self.by_place: dict[tuple, list] = defaultdict(list)
        phones = sorted({r.data.phone for r in rows if r.data.phone})
        for start in range(0, len(phones), 500):
            for phone, at, pk, number in recent.filter(requester__phone__in=phones[start:start + 500]).values_list(
                    "requester__phone", "received_at", "id", "number"):
                self.by_phone[phone].append((at, pk, number))
        keys = {(r.place.pk, r.data.matter.pk) for r in rows if r.place and r.data.matter}
        if keys:
            for place, matter, at, pk, number in Appeal.objects.filter(
                    case__in=recent, place_id__in={p for p, _ in keys}, matter_id__in={m for _, m in keys}
            ).values_list("place_id", "matter_id", "case__received_at", "case_id", "case__number"):
                self.by_place[(place, matter)].append((at, pk, number))
        for group in (*self.by_phone.values(), *self.by_place.values()):
            group.sort()

    def link(self, row: _Row) -> tuple[int, str] | None:
        """The (id, number) `row` repeats, then remember `row` for the rows after it."""
        found = None
        me = (row.received_at, row.case.pk, row.case.number)
        keys = [(self.by_phone, row.data.phone)] if row.data.phone else []
        if row.place and row.data.matter:
            keys.append((self.by_place, (row.place.pk, row.data.matter.pk)))
        for index, key in keys:
            group = index[key]
            if found is None:
                i = bisect_right(group, (row.received_at, row.case.pk, "~")) - 1
                if i >= 0 and group[i][0] >= row.received_at - REPEAT_WINDOW:
                    found = group[i][1:]
            group.append(me)  # rows arrive in received order, so the group stays sorted
        return found


def import_appeals(path: str | Path, *, source: str = "import", actor=None, now: datetime | None = None,
                   batch_size: int = BATCH, progress: bool = False) -> ImportResult:
    """Import a CSV/XLSX file of appeals; see the module docstring. Raises ImportFileError
    (nothing written) when the file as a whole is unusable."""
    now = now or timezone.now()
    source = (source or "").strip()
    if not source or len(source) > 40:
        raise ImportFileError("来源系统标识不能为空，且不超过 40 个字符")
    rows, rejected = check_rows(read_table(path), source=source, now=now)
    result = ImportResult(rejected=rejected)
    existing: set[str] = set()
    ids = [r.data.external_id for r in rows]
    for start in range(0, len(ids), 900):
        existing.update(Case.objects.filter(source=source, external_id__in=ids[start:start + 900])
                        .values_list("external_id", flat=True))
    todo = [r for r in rows if r.data.external_id not in existing]
    result.existing = len(rows) - len(todo)
    if not todo:
        return result
    owner = centre_unit()
    places = _Places()
    clock = _Clocks()
    with tqdm(total=len(todo), desc="导入诉求", unit="件", file=sys.stderr, disable=not progress) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            for row in batch:
                row.place = places(row.data.address)
            written = _write_batch_retrying(batch, owner=owner, clock=clock, actor=actor, now=now,
                                            name=Path(path).name)
            result.created += len(written)
            result.existing += len(batch) - len(written)
            result.numbers.extend(r.case.number for r in written)
            bar.update(len(batch))
    return result


def _write_batch_retrying(batch: list[_Row], **kw) -> list[_Row]:
    try:
        return _write_batch(batch, **kw)
    except IntegrityError:
        # Another import (or an API resend) registered some of these external ids since they
        # were checked; the batch rolled back whole. Drop those and write the rest once more.
        source = batch[0].data.source
        taken = set(Case.objects.filter(source=source, external_id__in=[r.data.external_id for r in batch])
                    .values_list("external_id", flat=True))
        if not taken:
            raise
        return _write_batch([r for r in batch if r.data.external_id not in taken], **kw)


def _write_batch(batch: list[_Row], *, owner, clock: _Clocks, actor, now: datetime, name: str) -> list[_Row]:
    if not batch:
        return []
    by_year: dict[int, list[_Row]] = defaultdict(list)
    for row in batch:
        by_year[row.received_at.astimezone(SHANGHAI).year].append(row)
    with transaction.atomic():
        # The counter UPDATE comes first: on SQLite it takes the database's write lock, which
        # _reserve_ids below relies on; on PostgreSQL it locks only the counter row.
        for year, rows in sorted(by_year.items()):
            first = reserve_numbers(prefix=WORKFLOW.prefix, year=year, count=len(rows))
            for offset, row in enumerate(rows):
                row.case = _case(row, owner=owner, number=f"{WORKFLOW.prefix}-{year}-{first + offset:06d}",
                                 clock=clock)
        requesters = [Requester(name=r.data.name, phone=r.data.phone, address=r.data.address) for r in batch]
        repeats = _Repeats(batch)  # before the batch's own cases are in the database
        ids = _reserve_ids(Requester, len(batch)), _reserve_ids(Case, len(batch))
        if ids[0] and ids[1]:
            for row, person, person_id, case_id in zip(batch, requesters, *ids, strict=True):
                person.pk = row.case.requester_id = person_id
                row.case.pk = case_id
            fast_insert(Requester, requesters)
            fast_insert(Case, [r.case for r in batch])
        else:  # a backend where ids cannot be reserved: Django's bulk_create returns them
            Requester.objects.bulk_create(requesters)
            for row, person in zip(batch, requesters, strict=True):
                row.case.requester_id = person.pk
            Case.objects.bulk_create([r.case for r in batch])
        appeals, events = [], []
        for row in batch:
            d, case = row.data, row.case
            repeat = repeats.link(row)
            appeals.append(Appeal(
                case_id=case.pk, appeal_type=d.appeal_type, urgency=d.urgency, matter_id=d.matter.pk if d.matter else None,
                category=d.matter.category if d.matter else "", address=d.address,
                place_id=row.place.pk if row.place else None, query_code=f"{secrets.randbelow(10**6):06d}",
                repeat_of_id=repeat[0] if repeat else None))
            events.append(CaseEvent(
                case_id=case.pk, kind="appeal.created", to_state=case.state, actor=actor, unit_id=owner.pk, at=now,
                details={"channel": d.channel, "source": d.source, "appeal_type": d.appeal_type,
                         "urgency": d.urgency, "imported": True, "row": row.row}))
            if repeat:
                events.append(CaseEvent(case_id=case.pk, kind="appeal.repeat_linked", from_state=case.state,
                                        to_state=case.state, at=now, details={"repeat_of": repeat[1]}))
        fast_insert(Appeal, appeals)
        fast_insert(CaseEvent, events)
        audit.record(action="appeal.imported", actor=actor, target=batch[0].data.source, now=now, details={
            "file": name, "count": len(batch), "first": batch[0].case.number, "last": batch[-1].case.number})
    return batch


def _reserve_ids(model, count: int) -> list[int] | None:
    """Primary keys for `count` rows, taken so that no concurrent writer can take them too.

    Explicit keys let the rows go in with one prepared INSERT run by executemany (core.bulk)
    instead of bulk_create, whose per-value compilation was most of the import's time.
    """
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor == "sqlite" and connection.in_atomic_block:
            # The caller has written in this transaction already, so it holds SQLite's single
            # write lock until commit: nobody else can insert between this read and the insert.
            # sqlite_sequence keeps the highest id ever used (AUTOINCREMENT), deleted rows included.
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            top = max(top, seq[0] if seq else 0)
            return list(range(top + 1, top + 1 + count))
    return None


class _Clocks:
    """Deadlines as clocks.start computes them, worked out once per rule and start day.

    A day-counted deadline depends on the start day only (the start time matters just for
    warn_at, which never falls before the start), so 100,000 appeals over a year need a few
    thousand computations, not 100,000. Hour-counted (urgent) clocks are computed each time.
    """

    def __init__(self):
        self.rules: dict[tuple[str, str], object] = {}
        self.days: dict[tuple, Case] = {}

    def start(self, case: Case, appeal_type: str, urgency: str) -> None:
        key = (appeal_type, urgency)
        if key not in self.rules:  # rule_for reads the DeadlinePolicy table; once per kind is enough
            self.rules[key] = deadlines.rule_for(appeal_type, urgency)
        rule = self.rules[key]
        start = case.received_at
        if rule is None or rule.unit == ClockUnit.NATURAL_HOURS:
            clocks.start(case, rule=rule, now=start)
            return
        day = start.astimezone(SHANGHAI).date()
        template = self.days.get((key, day))
        if template is None:
            template = self.days[(key, day)] = Case()
            clocks.start(template, rule=rule, now=datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI))
        case.clock = {**template.clock, "started_at": start.isoformat()}
        case.clock_state, case.due_at, case.due_provisional = template.clock_state, template.due_at, template.due_provisional
        case.warn_at = max(template.warn_at, start) if template.warn_at else None


def _case(row: _Row, *, owner, number: str, clock: _Clocks) -> Case:
    d = row.data
    case = Case(kind="appeal", number=number, title=d.title[:200], body=d.content, channel=d.channel,
                owner_unit_id=owner.pk, state=WORKFLOW.initial, received_at=row.received_at, source=d.source,
                external_id=d.external_id)
    clock.start(case, d.appeal_type, d.urgency)
    return case


def write_rejects(rejected: list[Rejected], path: str | Path) -> None:
    """The rejected rows as a CSV (UTF-8 with BOM, so Excel shows the Chinese) to fix and re-import."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["行号", "外部编号", "原因"])
        writer.writerows([r.row, r.external_id, r.reason] for r in rejected)
