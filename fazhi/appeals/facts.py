"""Keeping the appeal fact table (models.AppealFact) equal to what the events say.

The KPIs read one fact row per appeal instead of folding every event at read time (ADR 0006).
The row is derived, so it must change whenever its inputs do, in the same transaction:

- a CaseEvent of an appeal is saved → `refresh([case_id])` re-derives the row from
  the events and the case (every transition, merge, reply sharing and deadline recompute writes
  one, after its other changes);
- a Case or Appeal is saved → its copied columns (unit, deadline, category, …) are updated from
  the instance, because some of those saves come without an event (a clock paused by hand, the
  category the dispatch model suggests, the Appeal row created just after the case's first event).

Writers that insert rows without signals (fast_insert, raw executemany: the demo generator, the
bulk import) call `refresh(case_ids)` for what they wrote, in their transaction. `rebuild()`
(`fazhi manage appeals_rebuild_facts`) derives every row again from the events.

`roll_up()` adds settled facts to AppealFactMonth, the monthly sums the all-time dashboard
reads; refresh() takes a fact back out of them before changing it.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete
from django.utils import timezone

from fazhi.appeals import facts_sql
from fazhi.appeals.models import Appeal, AppealFact
from fazhi.cases.models import Case, CaseEvent

logger = logging.getLogger(__name__)
BATCH = 400  # ids per statement: each appears twice, and older SQLite allows 999 parameters

# Fact columns copied from a saved Case or Appeal: column -> value of the instance.
_FROM_CASE = {
    "received_at": lambda c: c.received_at,
    "unit_id": lambda c: c.handling_unit_id,
    "owner_unit_id": lambda c: c.owner_unit_id,
    "channel": lambda c: c.channel,
    "case_closed_at": lambda c: c.closed_at,
    "due_at": lambda c: c.due_at,
    "merged": lambda c: c.state == "merged",
}
_CASE_FIELDS = {
    "received_at",
    "handling_unit",
    "handling_unit_id",
    "owner_unit",
    "owner_unit_id",
    "channel",
    "closed_at",
    "due_at",
    "state",
}
_FROM_APPEAL = {
    "category": lambda a: a.category,
    "matter_id": lambda a: a.matter_id,
    "repeat": lambda a: a.repeat_of_id is not None,
}
_APPEAL_FIELDS = {"category", "matter", "matter_id", "repeat_of", "repeat_of_id"}


def refresh(case_ids: Iterable[int], *, now=None) -> int:
    """Re-derive the fact rows of these cases (non-appeals are skipped); returns rows written.

    Call it inside the transaction that wrote their events, so the facts commit or roll back
    with them. Batched: a bulk writer passes every id it wrote. (`now` is accepted for callers
    that pass their clock along; no fact depends on it.)
    """
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic(savepoint=False):
            _take_back(_lock(chunk))
            written += facts_sql.upsert_ids(chunk)
    return written


def fresh_row(case: dict, appeal: dict) -> dict:
    """The fact row of an appeal that has just been registered and nothing else (attname -> value).

    For bulk writers: a new appeal's row follows from its case and appeal alone (no dispatch,
    closure or callback yet), so the import writes it with its other rows instead of deriving
    it from events it has just written. refresh() remains the definition; a test checks that
    refresh() finds nothing to change in imported rows.
    """
    return {
        "case_id": case["id"], "received_at": case["received_at"], "unit_id": case.get("handling_unit_id"),
        "owner_unit_id": case["owner_unit_id"], "matter_id": appeal["matter_id"],
        "category": appeal["category"] or "", "channel": case["channel"], "case_closed_at": None,
        "due_at": case["due_at"], "repeat": appeal["repeat_of_id"] is not None, "merged": False,
        "dispatched": False, "moved": False, "returned": False, "auto": False, "arbitrated": False, "accepted": False,
        "hours": None,
        "approved_at": None, "first_approved_at": None, "approvals": 0, "on_time": False, "objected_at": None,
        "first_callback_at": None, "sat_first": False, "sat_last": False, "res_first": False, "res_last": False,
        "trail_start": None, "trail_end": None, "multi": False, "rolled_up": False,
    }


def _lock(ids: list[int]) -> list[int]:
    """Lock the current fact rows of these cases; returns those counted in the monthly sums.

    A roll_up() running meanwhile has either counted a row already (the caller takes it back out)
    or waits for this transaction. SQLite has one writer at a time and no FOR UPDATE.
    """
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {qn('case_id')}, {qn('rolled_up')} FROM {qn(AppealFact._meta.db_table)}"
            f" WHERE {qn('case_id')} IN ({', '.join(['%s'] * len(ids))}){lock}",
            ids,
        )
        return [pk for pk, up in cursor.fetchall() if up]


def _take_back(rolled: list[int]) -> None:
    """Take these rolled-up facts back out of the monthly sums (they are about to change)."""
    if rolled:
        facts_sql.add_month_sums(facts_sql.month_sums(AppealFact.objects.filter(pk__in=rolled)), -1)


def rebuild(*, progress: bool = False, batch: int = 5000) -> int:
    """Derive every appeal's fact row again from its events, then roll up the settled ones.

    By id ranges, each in its own transaction, so concurrent transitions never wait long; rows of
    appeals that no longer exist went with their case (ON DELETE CASCADE). `progress` draws a bar
    on stderr.
    """
    from tqdm import tqdm

    now = timezone.now()
    appeals = Case.objects.filter(kind="appeal").order_by()
    ids = appeals.order_by("pk").values_list("pk", flat=True)
    written = 0
    with tqdm(
        total=appeals.count(), desc="重建诉求指标事实", unit="件", file=sys.stderr, disable=not progress
    ) as bar:
        last = 0
        while chunk := list(ids.filter(pk__gt=last)[:batch]):
            lo, hi = chunk[0], chunk[-1]
            with transaction.atomic():
                rows = AppealFact.objects.filter(pk__gte=lo, pk__lte=hi)
                _take_back([pk for pk, up in rows.select_for_update().values_list("pk", "rolled_up") if up])
                written += facts_sql.upsert(appeals.filter(pk__gte=lo, pk__lte=hi))
            last = hi
            bar.update(len(chunk))
    roll_up(now=now)
    return written


SETTLE_DAYS = 14  # after the objection window (7 days from the callback), with a margin


def roll_up(*, now=None, batch: int = 5000) -> int:
    """Count settled facts into AppealFactMonth and mark them; returns how many.

    Settled: a single closure history, closed, and nothing on it for SETTLE_DAYS — facts that
    will most likely never change again, so refresh() seldom has to take one back out. Safe to
    run any time and any number of times (the monthly dashboard memo runs it every few minutes;
    `fazhi manage appeals_rebuild_facts` and the demo run it too).
    """
    cutoff = (now or timezone.now()) - timedelta(days=SETTLE_DAYS)
    settled = (
        AppealFact.objects.filter(rolled_up=False, multi=False, case_closed_at__lt=cutoff)
        .filter(Q(trail_end__isnull=True) | Q(trail_end__lt=cutoff))
        .order_by("pk")
    )
    done = last = 0
    while True:
        with transaction.atomic():
            # rows a writer holds are changing: leave them to the next run
            ids = list(
                settled.filter(pk__gt=last)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            rows = AppealFact.objects.filter(pk__in=ids)
            facts_sql.add_month_sums(facts_sql.month_sums(rows), +1)
            rows.update(rolled_up=True)
        done += len(ids)
        last = ids[-1]
    if done:
        with transaction.atomic():
            facts_sql.compact_month_sums()
    return done


_last_roll_up = 0.0


def roll_up_now_and_then(every: float = 600) -> None:
    """roll_up() at most every `every` seconds per process, for readers that want it current
    (kpis.dashboard); a failure only costs speed, never a figure, so it is logged, not raised."""
    global _last_roll_up
    if time.monotonic() - _last_roll_up < every:
        return
    _last_roll_up = time.monotonic()
    try:
        roll_up()
    except DatabaseError:
        logger.exception("appeal KPI roll-up failed; the dashboard reads the facts directly")


_local = threading.local()


@contextmanager
def deferred():
    """Within it, appeal events and saves only note their case ids; each row is derived once,
    on the way out. Use it inside the transaction of a service that writes several events of
    one appeal in one go (intake writes the case, its first event, the appeal row and maybe a
    repeat link: four derivations of the same row otherwise). On an exception nothing is
    derived — the transaction is rolled back anyway. Nested uses join the outermost."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = pending = set()
    try:
        yield
    finally:
        _local.pending = None
    if pending:
        refresh(pending)


def _noted(pk) -> bool:
    """Inside deferred(): note the id and tell the caller to do nothing more."""
    pending = getattr(_local, "pending", None)
    if pending is None:
        return False
    pending.add(pk)
    return True


def _event_changed(sender, instance: CaseEvent, raw: bool = False, **kwargs) -> None:
    if raw or not instance.kind.startswith("appeal.") or _noted(instance.case_id):
        return
    refresh([instance.case_id])


def _case_saved(
    sender, instance: Case, created: bool, raw: bool = False, update_fields=None, **kwargs
) -> None:
    # A new case has no row yet: its first event, written next, derives it.
    if raw or created or instance.kind != "appeal" or _noted(instance.pk):
        return
    _copy(instance.pk, _FROM_CASE, _CASE_FIELDS, instance, update_fields)


def _appeal_saved(sender, instance: Appeal, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or _noted(instance.pk):
        return
    _copy(instance.pk, _FROM_APPEAL, _APPEAL_FIELDS, instance, update_fields)


def _copy(pk, columns: dict, fields: set, instance, update_fields) -> None:
    if update_fields is not None and not fields & set(update_fields):
        return
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    values = [value(instance) for value in columns.values()]
    values = [adapt(v) if isinstance(v, datetime) else v for v in values]
    # Raw, because it runs on every save of an appeal's case (the ORM's compilation cost more than
    # the UPDATE). Only a live row is updated in place; a rolled-up one must leave the monthly sums
    # first, which refresh() does.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(AppealFact._meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)}"
            f" WHERE {qn('case_id')} = %s AND NOT {qn('rolled_up')}",
            [*values, pk],
        )
        if cursor.rowcount:
            return
    if AppealFact.objects.filter(pk=pk).exists():
        refresh([pk])


def _fact_deleted(sender, instance: AppealFact, **kwargs) -> None:
    # The appeal's case is being deleted: its row leaves the monthly sums with it.
    if instance.rolled_up:
        facts_sql.add_month_sums(facts_sql.month_sums(AppealFact.objects.filter(pk=instance.pk)), -1)


def connect() -> None:
    """Called from AppealsConfig.ready()."""
    post_save.connect(_event_changed, sender=CaseEvent, dispatch_uid="appeal_facts_event_saved")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="appeal_facts_case_saved")
    post_save.connect(_appeal_saved, sender=Appeal, dispatch_uid="appeal_facts_appeal_saved")
    pre_delete.connect(_fact_deleted, sender=AppealFact, dispatch_uid="appeal_facts_fact_deleted")
