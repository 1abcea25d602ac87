"""Writing checked rows: numbers, ids, deadlines and repeat links, then four multi-row inserts per batch."""

from __future__ import annotations

import secrets
import sys
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from fazhi.appeals import deadlines
from fazhi.appeals.imports.files import ImportFileError, read_table
from fazhi.appeals.imports.rows import Rejected, Row, check_rows
from fazhi.appeals.models import Appeal
from fazhi.appeals.services import REPEAT_WINDOW, centre_unit
from fazhi.appeals.workflow import WORKFLOW
from fazhi.cases import clocks
from fazhi.cases.clock import SHANGHAI, ClockUnit
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core import audit
from fazhi.core.models import Counter, OrgUnit

BATCH = 1000


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0  # imported before (same source and external id), skipped
    rejected: list[Rejected] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # the case numbers given, in received order


def import_appeals(path: str | Path, *, source: str = "import", actor=None, now: datetime | None = None,
                   batch_size: int = BATCH, progress: bool = False) -> ImportResult:
    """Import a CSV/XLSX file of appeals (see the package docstring).

    Raises ImportFileError, writing nothing, when the file as a whole is unusable; bad rows are
    returned in `rejected` and the others imported. `progress` draws a tqdm bar on stderr.
    """
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
    places, clock = _Places(), _Clocks()
    for row in todo:
        row.place_id = places(row.data.address)
    with tqdm(total=len(todo), desc="导入诉求", unit="件", file=sys.stderr, disable=not progress) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start:start + batch_size]
            written = _write_batch_retrying(batch, owner=owner, clock=clock, actor=actor, now=now,
                                            name=Path(path).name)
            result.created += len(written)
            result.existing += len(batch) - len(written)
            result.numbers.extend(r.number for r in written)
            bar.update(len(batch))
    return result


def _write_batch_retrying(batch: list[Row], **kw) -> list[Row]:
    try:
        return _write_batch(batch, **kw)
    except IntegrityError:
        # Another import (or an API resend) registered some of these external ids after they
        # were checked; the batch rolled back whole. Drop those and write the rest once more.
        source = batch[0].data.source
        taken = set(Case.objects.filter(source=source, external_id__in=[r.data.external_id for r in batch])
                    .values_list("external_id", flat=True))
        if not taken:
            raise
        return _write_batch([r for r in batch if r.data.external_id not in taken], **kw)


def _write_batch(batch: list[Row], *, owner: OrgUnit, clock: _Clocks, actor, now: datetime, name: str) -> list[Row]:
    if not batch:
        return []
    by_year: dict[int, list[Row]] = defaultdict(list)
    for row in batch:
        by_year[row.received_at.astimezone(SHANGHAI).year].append(row)
    with transaction.atomic():
        # The counter UPDATE comes first: on SQLite it takes the database's write lock, which
        # _reserve_ids relies on; on PostgreSQL it locks only the counter row.
        for year, rows in sorted(by_year.items()):
            first = reserve_numbers(prefix=WORKFLOW.prefix, year=year, count=len(rows))
            for offset, row in enumerate(rows):
                row.number = f"{WORKFLOW.prefix}-{year}-{first + offset:06d}"
        repeats = _Repeats(batch)  # reads the database before this batch is in it
        requesters, cases, appeals, events = [], [], [], []
        for row, requester_id, case_id in zip(batch, _reserve_ids(Requester, len(batch)),
                                              _reserve_ids(Case, len(batch)), strict=True):
            d = row.data
            row.case_id = case_id
            requesters.append({"id": requester_id, "name": d.name, "phone": d.phone, "address": d.address})
            cases.append({
                "id": case_id, "kind": WORKFLOW.kind, "number": row.number, "title": d.title[:200], "body": d.content,
                "channel": d.channel, "requester_id": requester_id, "owner_unit_id": owner.pk,
                "state": WORKFLOW.initial, "received_at": row.received_at, "source": d.source,
                "external_id": d.external_id, **clock.fields(row.received_at, d.appeal_type, d.urgency)})
            repeat = repeats.link(row)
            appeals.append({
                "case_id": case_id, "appeal_type": d.appeal_type, "urgency": d.urgency,
                "matter_id": d.matter.pk if d.matter else None, "category": d.matter.category if d.matter else "",
                "address": d.address, "place_id": row.place_id, "query_code": f"{secrets.randbelow(10**6):06d}",
                "repeat_of_id": repeat[0] if repeat else None})
            events.append({
                "case_id": case_id, "kind": "appeal.created", "to_state": WORKFLOW.initial,
                "actor_id": actor.pk if actor else None, "unit_id": owner.pk, "at": now,
                "details": {"channel": d.channel, "source": d.source, "appeal_type": d.appeal_type,
                            "urgency": d.urgency, "imported": True, "row": row.row}})
            if repeat:
                events.append({"case_id": case_id, "kind": "appeal.repeat_linked", "from_state": WORKFLOW.initial,
                               "to_state": WORKFLOW.initial, "at": now, "details": {"repeat_of": repeat[1]}})
        for model, values in ((Requester, requesters), (Case, cases), (Appeal, appeals), (CaseEvent, events)):
            _insert(model, values)
        audit.record(action="appeal.imported", actor=actor, target=batch[0].data.source, now=now, details={
            "file": name, "count": len(batch), "first": batch[0].number, "last": batch[-1].number})
    return batch


def reserve_numbers(*, prefix: str, year: int, count: int) -> int:
    """Take `count` consecutive case numbers with one UPDATE; returns the first value.

    The counter is core.numbering's, so imported and typed-in appeals never share a number.
    Called inside the batch's transaction: a failed batch gives its numbers back.
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


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows that no concurrent writer can take as well.

    With the keys known, Requester, Case, Appeal and CaseEvent rows go in as plain tuples through
    one prepared INSERT (executemany) instead of bulk_create, whose per-value compilation and
    model instances were most of the import's time.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, column, count])
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor == "sqlite" and connection.in_atomic_block:
            # The transaction has written already (the counter), so it holds SQLite's single write
            # lock until commit: nobody can insert between this read and our insert.
            # sqlite_sequence keeps the highest id ever used (AUTOINCREMENT), deleted rows included.
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            top = max(top, seq[0] if seq else 0)
            return list(range(top + 1, top + 1 + count))
    raise NotImplementedError(f"bulk import supports SQLite and PostgreSQL, not {connection.vendor}")


def _insert(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT dicts (attname -> value) with one prepared statement run by executemany.

    A column a dict leaves out gets the field's default (auto_now fields: the current time);
    only datetimes and JSON are adapted, the rest go to the driver as they are.
    """
    if not rows:
        return
    ops, stamp = connection.ops, timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    defaults, adapters = [], []
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults.append(stamp if auto else f.get_default())
        if isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.JSONField):
            adapters.append(lambda value, encoder=f.encoder: ops.adapt_json_value(value, encoder))
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    plan = list(zip(names, defaults, adapters, strict=True))
    values = []
    for row in rows:
        out = []
        for name, default, adapt in plan:
            value = row.get(name, default)
            out.append(adapt(value) if adapt is not None and value is not None else value)
        values.append(out)
    qn = ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


class _Places:
    """services.place_for (the street named in the address) over streets loaded once."""

    def __init__(self):
        self.streets = list(OrgUnit.objects.filter(level="street").only("id", "name"))
        self.memo: dict[str, int | None] = {}

    def __call__(self, address: str) -> int | None:
        if not address:
            return None
        if address not in self.memo:
            hits = [s for s in self.streets if s.name and (
                s.name in address or (s.name.removesuffix("街道") or s.name) in address)]
            self.memo[address] = max(hits, key=lambda s: len(s.name)).pk if hits else None
        return self.memo[address]


class _Clocks:
    """The clock fields clocks.start sets, worked out once per rule and start day.

    A day-counted deadline depends on the start day only (the start time matters just for
    warn_at, which never falls before the start), so a year of appeals needs a few thousand
    computations, not one per appeal. Hour-counted (urgent) clocks are computed each time.
    """

    def __init__(self):
        self.rules: dict[tuple[str, str], object] = {}
        self.days: dict[tuple, Case] = {}

    def fields(self, start: datetime, appeal_type: str, urgency: str) -> dict:
        key = (appeal_type, urgency)
        if key not in self.rules:  # rule_for reads the DeadlinePolicy table; once per kind is enough
            self.rules[key] = deadlines.rule_for(appeal_type, urgency)
        rule = self.rules[key]
        if rule is None or rule.unit == ClockUnit.NATURAL_HOURS:
            case = Case()
            clocks.start(case, rule=rule, now=start)
            return self._of(case)
        day = start.astimezone(SHANGHAI).date()
        template = self.days.get((key, day))
        if template is None:
            template = self.days[(key, day)] = Case()
            clocks.start(template, rule=rule, now=datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI))
        out = self._of(template)
        out["clock"] = {**template.clock, "started_at": start.isoformat()}
        out["warn_at"] = max(template.warn_at, start) if template.warn_at else None
        return out

    @staticmethod
    def _of(case: Case) -> dict:
        return {"clock": case.clock, "clock_state": case.clock_state, "due_at": case.due_at,
                "warn_at": case.warn_at, "due_provisional": case.due_provisional}


class _Repeats:
    """services.find_repeat for a batch: the latest earlier appeal within 30 days from the same
    phone or, failing that, about the same address and matter.

    Rows are written in received order, so every earlier appeal of this import is either in the
    database already or earlier in the current batch (added to the index as it goes).
    """

    def __init__(self, rows: list[Row]):
        recent = Case.objects.filter(kind="appeal", received_at__gte=rows[0].received_at - REPEAT_WINDOW,
                                     received_at__lte=rows[-1].received_at)
        self.by_phone: dict[str, list] = defaultdict(list)
        self.by_place: dict[tuple, list] = defaultdict(list)
        phones = sorted({r.data.phone for r in rows if r.data.phone})
        for start in range(0, len(phones), 500):
            for phone, at, pk, number in recent.filter(requester__phone__in=phones[start:start + 500]).values_list(
                    "requester__phone", "received_at", "id", "number"):
                self.by_phone[phone].append((at, pk, number))
        addresses = sorted({r.data.address for r in rows if r.data.address and r.data.matter})
        for start in range(0, len(addresses), 500):
            for address, matter, at, pk, number in Appeal.objects.filter(
                    case__in=recent, address__in=addresses[start:start + 500], matter__isnull=False,
            ).values_list("address", "matter_id", "case__received_at", "case_id", "case__number"):
                self.by_place[(address, matter)].append((at, pk, number))
        for group in (*self.by_phone.values(), *self.by_place.values()):
            group.sort()

    def link(self, row: Row) -> tuple[int, str] | None:
        """The (id, number) `row` repeats; then `row` joins the index for the rows after it."""
        found = None
        keys = [(self.by_phone, row.data.phone)] if row.data.phone else []
        if row.data.address and row.data.matter:
            keys.append((self.by_place, (row.data.address, row.data.matter.pk)))
        for index, key in keys:
            group = index[key]
            if found is None:
                i = bisect_right(group, (row.received_at, row.case_id, "~")) - 1
                if i >= 0 and group[i][0] >= row.received_at - REPEAT_WINDOW:
                    found = group[i][1:]
            group.append((row.received_at, row.case_id, row.number))  # received order keeps it sorted
        return found
