"""The case engine's services: the only code that changes a Case or writes a CaseEvent.

Time and actor are always passed in, so a view, the API, the CLI and `fazhi tick` run
the same code. `actor=None` means the system itself (auto-dispatch, the tick sweep) and
is only ever passed by code, never taken from a request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from fazhi.cases import clocks
from fazhi.cases import workflow as workflows
from fazhi.cases.errors import CaseError, Conflict, GuardRefused, InvalidTransition, NotAllowed
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.cases.signals import ticked
from fazhi.cases.workflow import ClockEffect, Scope
from fazhi.core import audit
from fazhi.core.access import acting_membership
from fazhi.core.numbering import next_number


def create(
    *,
    kind: str,
    title: str,
    owner_unit,
    received_at: datetime,
    actor=None,
    body: str = "",
    channel: str = "web",
    requester: dict | None = None,
    handling_unit=None,
    source: str = "",
    external_id: str = "",
    now: datetime | None = None,
    details: dict | None = None,
    checked: bool = False,
    record_audit: bool = True,
    defer_number: bool = False,
) -> tuple[Case, bool]:
    """Register a case; returns (case, created).

    Idempotent by (source, external_id): a resend returns the case already registered
    and changes nothing, even when two resends race (the unique constraint decides).
    ``checked`` says the caller has just looked for the resend itself (skip the second look);
    ``record_audit=False`` leaves the audit entry to the caller, who appends it as the last
    statement of its transaction — on PostgreSQL the audit chain is a lock every writer
    queues on, so it must be held for as short a time as possible. ``defer_number=True`` does
    the same for the number's counter row: the case gets a placeholder, and the caller calls
    ``assign_number`` just before the audit entry.
    """
    now = now or timezone.now()
    if external_id and not checked:
        existing = Case.objects.registered_as(source, external_id)
        if existing:
            return existing, False
    if not (title or "").strip():
        raise CaseError("标题不能为空")
    wf = workflows.get(kind)
    try:
        # A caller that checked for the resend itself owns the race too (it catches the
        # IntegrityError outside its transaction), so no savepoint is needed here.
        with transaction.atomic(savepoint=not checked):
            person = Requester.objects.create(**requester) if requester else None
            case = Case(
                kind=kind,
                number=(f"{PLACEHOLDER}{secrets.token_hex(12)}" if defer_number
                        else next_number(prefix=wf.prefix, year=timezone.localtime(received_at).year)),
                title=title.strip()[:200],
                body=body,
                channel=channel,
                requester=person,
                owner_unit=owner_unit,
                handling_unit=handling_unit,
                state=wf.initial,
                received_at=received_at,
                source=source,
                external_id=external_id,
            )
            clocks.start(case, rule=wf.deadline_rule(case, details or {}), now=received_at)
            case.save()
            CaseEvent.objects.create(
                case=case, kind=f"{kind}.created", to_state=wf.initial, actor=actor, unit=owner_unit, at=now,
                details={"channel": channel, "source": source, **(details or {})},
            )
            if record_audit:
                audit.record(action=f"{kind}.created", actor=actor, target=case.number, now=now)
    except IntegrityError:
        if external_id and not checked:
            existing = Case.objects.registered_as(source, external_id)
            if existing:
                return existing, False
        raise
    return case, True


PLACEHOLDER = "~"  # prefix of the number a case carries until assign_number(); never committed


def assign_number(case: Case) -> str:
    """Number a case created with ``defer_number=True``, late in its transaction.

    Call it after the transaction's other writes: from here to the commit the kind's counter
    row stays locked (PostgreSQL), so every concurrent intake waits only for these last
    statements instead of the whole registration.
    """
    wf = workflows.get(case.kind)
    case.number = next_number(prefix=wf.prefix, year=timezone.localtime(case.received_at).year)
    # Raw, like next_number: the ORM's compilation of this one-column UPDATE cost more than running it.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(Case._meta.db_table)} SET {qn('number')} = %s WHERE {qn('id')} = %s",
                       [case.number, case.pk])
    return case.number


def _targets(case: Case, scope: Scope):
    if scope is Scope.OWNER:
        return [case.owner_unit]
    if scope is Scope.HANDLING:
        return [case.handling_unit or case.owner_unit]
    return [case.owner_unit, case.handling_unit]


def check(*, case: Case, name: str, actor, params: dict | None = None):
    """Everything transition() checks before writing: the pair, role and scope, and the guard.

    Returns (transition, membership); raises a CaseError with a Chinese message otherwise.
    Used by pages too, to show only the actions a user may take.
    """
    wf = workflows.get(case.kind)
    t = wf.transitions.get(name)
    if t is None:
        raise InvalidTransition(f"未知操作：{name}")
    if case.state not in t.sources:
        raise InvalidTransition(f"当前状态「{wf.states.get(case.state, case.state)}」不能执行「{t.label}」")
    membership = None
    if actor is not None:
        membership = acting_membership(actor, roles=t.roles, targets=_targets(case, t.scope))
        if membership is None:
            raise NotAllowed(f"您无权对 {case.number} 执行「{t.label}」")
    if t.guard:
        message = t.guard(case, params or {})
        if message:
            raise GuardRefused(message)
    return t, membership


def allowed_transitions(*, case: Case, actor) -> list:
    result = []
    for t in workflows.get(case.kind).available(case.state):
        try:
            check(case=case, name=t.name, actor=actor, params=None)
        except GuardRefused:
            result.append(t)  # the guard depends on input not yet given; offer it
        except CaseError:
            continue
        else:
            result.append(t)
    return result


@dataclass
class Context:
    """What an effect may read and add to; `details` ends up on the event."""

    params: dict
    now: datetime
    actor: object
    membership: object
    details: dict


def transition(
    *,
    case: Case,
    name: str,
    actor,
    version: int | None = None,
    now: datetime | None = None,
    comment: str = "",
    params: dict | None = None,
) -> Case:
    """Apply one workflow transition atomically, or raise and change nothing.

    The version check is a conditional UPDATE (… WHERE version = n) taken first inside the
    transaction: on PostgreSQL it row-locks the case, on SQLite the IMMEDIATE transaction
    serialises writers, so of two concurrent callers holding the same version exactly one
    wins and the other gets Conflict.
    """
    now = now or timezone.now()
    params = dict(params or {})
    version = case.version if version is None else version
    try:
        t, membership = check(case=case, name=name, actor=actor, params=params)
    except NotAllowed as exc:
        audit.record(action="permission.denied", actor=actor, target=case.number, details={"transition": name}, now=now)
        raise exc
    if t.requires_comment and not comment.strip():
        raise GuardRefused(f"「{t.label}」须填写理由")
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise Conflict(f"{case.number} 已被他人更新，请刷新后重试")
        fresh = Case.objects.select_related("owner_unit", "handling_unit").get(pk=case.pk)
        if fresh.state not in t.sources:  # the state moved under a caller who passed no version
            raise Conflict(f"{case.number} 状态已变化，请刷新后重试")
        from_state = fresh.state
        ctx = Context(params=params, now=now, actor=actor, membership=membership, details={})
        _apply_clock(fresh, t, ctx)
        if t.effect:
            t.effect(fresh, ctx)
        fresh.state = t.target
        fresh.save()
        CaseEvent.objects.create(
            case=fresh, kind=f"{fresh.kind}.{t.name}", transition=t.name, from_state=from_state, to_state=t.target,
            actor=actor, actor_role=membership.role if membership else "system",
            unit=membership.unit if membership else None, at=now, comment=comment, details=ctx.details,
        )
        audit.record(action=f"{fresh.kind}.{t.name}", actor=actor, target=fresh.number,
                     details={"from": from_state, "to": t.target}, now=now)
    # Bring the caller's instance up to date too (fields and cached relations).
    case.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    case._state.fields_cache = dict(fresh._state.fields_cache)
    return fresh


def _apply_clock(case: Case, t, ctx: Context) -> None:
    effect = t.clock
    if effect is None:
        return
    wf = workflows.get(case.kind)
    if effect is ClockEffect.START:
        clocks.start(case, rule=wf.deadline_rule(case, {}), now=ctx.params.get("clock_start", ctx.now))
    elif effect is ClockEffect.PAUSE:
        clocks.pause(case, now=ctx.now, reason=t.label)
    elif effect is ClockEffect.RESUME:
        clocks.resume(case, now=ctx.now)
    elif effect is ClockEffect.EXTEND:
        amount = int(ctx.params.get("extension") or 0)
        if amount <= 0:
            raise GuardRefused("延期天数必须为正整数")
        clocks.extend(case, amount=amount)
        ctx.details["extension"] = amount
    elif effect is ClockEffect.STOP:
        clocks.stop(case, now=ctx.now)
        ctx.details["on_time"] = case.due_at is None or ctx.now <= case.due_at
    elif effect is ClockEffect.REOPEN:
        case.closed_at = None
        clocks.start(case, rule=wf.deadline_rule(case, {}), now=ctx.now)


def add_note(*, case: Case, actor, comment: str, kind_suffix: str = "note", now: datetime | None = None,
             details: dict | None = None) -> CaseEvent:
    """A timeline entry that changes no state (progress notes, callbacks, escalations)."""
    now = now or timezone.now()
    if not comment.strip():
        raise GuardRefused("内容不能为空")
    event = CaseEvent.objects.create(
        case=case, kind=f"{case.kind}.{kind_suffix}", from_state=case.state, to_state=case.state, actor=actor,
        at=now, comment=comment, details=details or {},
    )
    audit.record(action=f"{case.kind}.{kind_suffix}", actor=actor, target=case.number, now=now)
    return event


@dataclass(frozen=True)
class TickResult:
    warned: int
    overdue: int
    notes: list[str] = field(default_factory=list)  # what the kinds' own sweeps did (signals.ticked)


def tick(*, now: datetime | None = None) -> TickResult:
    """Mark warned and overdue cases; safe to run any number of times and catches up after a gap.

    The stamps (warned_at, overdue_at) are the idempotence keys: a case is stamped once,
    and only a stamped case gets the event.
    """
    now = now or timezone.now()
    counts = {}
    for stamp, due_field, suffix in (("warned_at", "warn_at", "warned"), ("overdue_at", "due_at", "overdue")):
        with transaction.atomic():
            pending = Case.objects.open().filter(**{f"{stamp}__isnull": True, f"{due_field}__lte": now})
            if stamp == "overdue_at":
                pending = pending.filter(due_at__lt=now)
            rows = list(pending.select_for_update(skip_locked=True).values_list("id", "kind", "state"))
            ids = [r[0] for r in rows]
            for start in range(0, len(ids), 500):
                Case.objects.filter(id__in=ids[start:start + 500]).update(**{stamp: now})
            CaseEvent.objects.bulk_create(
                [CaseEvent(case_id=i, kind=f"{k}.{suffix}", from_state=s, to_state=s, at=now) for i, k, s in rows],
                batch_size=500,
            )
            counts[suffix] = len(ids)
    if counts["warned"] or counts["overdue"]:
        audit.record(action="tick", details=counts, now=now)
    notes = [reply for _, reply in ticked.send(sender=tick, now=now) if reply]
    return TickResult(warned=counts["warned"], overdue=counts["overdue"], notes=notes)


def recompute_open_deadlines(*, now: datetime | None = None) -> int:
    """After a holiday schedule is loaded or corrected, bring every open deadline up to date.

    Each case is re-read under lock and saved with a version bump in its own transaction, so
    a transition racing with the sweep is never overwritten (nor does it overwrite the sweep).
    """
    now = now or timezone.now()
    changed = 0
    ids = list(Case.objects.open().exclude(clock={}).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=pk, closed_at__isnull=True).first()
            if case is None:
                continue
            old = case.due_at
            if not clocks.refresh_deadline(case):
                continue
            Case.objects.filter(pk=pk).update(
                due_at=case.due_at, warn_at=case.warn_at, due_provisional=case.due_provisional, clock=case.clock,
                version=F("version") + 1,
            )
            CaseEvent.objects.create(
                case=case, kind=f"{case.kind}.deadline_recomputed", from_state=case.state, to_state=case.state, at=now,
                details={"old_due_at": old.isoformat() if old else None,
                         "new_due_at": case.due_at.isoformat() if case.due_at else None},
            )
            changed += 1
    return changed
