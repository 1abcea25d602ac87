"""Writing checked rows: numbers, ids, deadlines and repeat links, then four multi-row inserts per batch."""

from __future__ import annotations

import secrets
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from fazhi.appeals import facts
from fazhi.appeals.imports.derived import Clocks, Places, Repeats
from fazhi.appeals.imports.files import ImportFileError, read_table
from fazhi.appeals.imports.rows import Rejected, Row, check_rows
from fazhi.appeals.models import Appeal, AppealFact
from fazhi.appeals.services import centre_unit
from fazhi.appeals.workflow import WORKFLOW
from fazhi.cases.clock import SHANGHAI
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core import audit
from fazhi.core.bulk import copy_rows
from fazhi.core.models import Counter, OrgUnit

BATCH = 1000


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0  # imported before (same source and external id), skipped
    rejected: list[Rejected] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # the case numbers given, in received order


def import_appeals(
    path: str | Path,
    *,
    source: str = "import",
    actor=None,
    now: datetime | None = None,
    batch_size: int = BATCH,
    progress: bool = False,
) -> ImportResult:
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
        existing.update(
            Case.objects.filter(source=source, external_id__in=ids[start : start + 900]).values_list(
                "external_id", flat=True
            )
        )
    todo = [r for r in rows if r.data.external_id not in existing]
    result.existing = len(rows) - len(todo)
    if not todo:
        return result
    owner = centre_unit()
    places, clock, repeats = Places(), Clocks(), Repeats(todo)
    for row in todo:
        row.place_id = places(row.data.address)
    with tqdm(total=len(todo), desc="导入诉求", unit="件", file=sys.stderr, disable=not progress) as bar:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            written = _write_batch_retrying(
                batch, owner=owner, clock=clock, repeats=repeats, actor=actor, now=now, name=Path(path).name
            )
            result.created += len(written)
            result.existing += len(batch) - len(written)
            result.numbers.extend(r.number for r in written)
            bar.update(len(batch))
    return result


def _write_batch_retrying(batch: list[Row], **kw) -> list[Row]:
    kw["repeats"].begin()
    try:
        return _write_batch(batch, **kw)
    except IntegrityError:
        kw["repeats"].undo()
        # Another import (or an API resend) registered some of these external ids after they
        # were checked; the batch rolled back whole. Drop those and write the rest once more.
        source = batch[0].data.source
        taken = set(
            Case.objects.filter(
                source=source, external_id__in=[r.data.external_id for r in batch]
            ).values_list("external_id", flat=True)
        )
        if not taken:
            raise
        return _write_batch([r for r in batch if r.data.external_id not in taken], **kw)


def _write_batch(
    batch: list[Row], *, owner: OrgUnit, clock: Clocks, repeats: Repeats, actor, now: datetime, name: str
) -> list[Row]:
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
        requesters, cases, appeals, events = [], [], [], []
        for row, requester_id, case_id in zip(
            batch, _reserve_ids(Requester, len(batch)), _reserve_ids(Case, len(batch)), strict=True
        ):
            d = row.data
            row.case_id = case_id
            requesters.append({"id": requester_id, "name": d.name, "phone": d.phone, "address": d.address})
            cases.append(
                {
                    "id": case_id,
                    "kind": WORKFLOW.kind,
                    "number": row.number,
                    "title": d.title[:200],
                    "body": d.content,
                    "channel": d.channel,
                    "requester_id": requester_id,
                    "owner_unit_id": owner.pk,
                    "state": WORKFLOW.initial,
                    "received_at": row.received_at,
                    "source": d.source,
                    "external_id": d.external_id,
                    **clock.fields(row.received_at, d.appeal_type, d.urgency, d.matter.default_days if d.matter else None),
                }
            )
            repeat = repeats.link(row)
            appeals.append(
                {
                    "case_id": case_id,
                    "appeal_type": d.appeal_type,
                    "urgency": d.urgency,
                    "matter_id": d.matter.pk if d.matter else None,
                    "category": d.matter.category if d.matter else "",
                    "address": d.address,
                    "place_id": row.place_id,
                    "query_code": f"{secrets.randbelow(10**6):06d}",
                    "repeat_of_id": repeat[0] if repeat else None,
                    "confidential": d.confidential,
                }
            )
            events.append(
                {
                    "case_id": case_id,
                    "kind": "appeal.created",
                    "to_state": WORKFLOW.initial,
                    "actor_id": actor.pk if actor else None,
                    "unit_id": owner.pk,
                    "at": now,
                    "details": {
                        "channel": d.channel,
                        "source": d.source,
                        "appeal_type": d.appeal_type,
                        "urgency": d.urgency,
                        "imported": True,
                        "row": row.row,
                    },
                }
            )
            if repeat:
                events.append(
                    {
                        "case_id": case_id,
                        "kind": "appeal.repeat_linked",
                        "from_state": WORKFLOW.initial,
                        "to_state": WORKFLOW.initial,
                        "at": now,
                        "details": {"repeat_of": repeat[1]},
                    }
                )
        # Raw inserts send no signals: the KPI fact rows go in with the rest, in the same transaction.
        fact_rows = [facts.fresh_row(case, appeal) for case, appeal in zip(cases, appeals, strict=True)]
        for model, values in ((Requester, requesters), (Case, cases), (Appeal, appeals), (CaseEvent, events),
                              (AppealFact, fact_rows)):
            _insert(model, values)
        audit.record(
            action="appeal.imported",
            actor=actor,
            target=batch[0].data.source,
            now=now,
            details={"file": name, "count": len(batch), "first": batch[0].number, "last": batch[-1].number},
        )
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
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
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
    """INSERT dicts (attname -> value): COPY on PostgreSQL, a prepared statement run by executemany
    on SQLite.

    A column a dict leaves out gets the field's default (auto_now fields: the current time);
    only datetimes and JSON are adapted, the rest go to the driver as they are.
    """
    if not rows:
        return
    ops, stamp = connection.ops, timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    defaults = [
        stamp if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    ]
    if connection.vendor == "postgresql":
        copy_rows(model, fields, rows, defaults)
        return
    adapters = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.JSONField):
            adapters.append(lambda value, encoder=f.encoder: ops.adapt_json_value(value, encoder))
        else:
            adapters.append(None)
    # Defaults are adapted once; a value a row gives is adapted when it needs it.
    plan = [
        (f.attname, adapt(default) if adapt is not None and default is not None else default, adapt)
        for f, default, adapt in zip(fields, defaults, adapters, strict=True)
    ]
    values = []
    for row in rows:
        out = []
        for name, default, adapt in plan:
            if name not in row:
                out.append(default)
            else:
                value = row[name]
                out.append(adapt(value) if adapt is not None and value is not None else value)
        values.append(out)
    qn = ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:  # SQLite runs a prepared INSERT over the rows in C
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", values)
