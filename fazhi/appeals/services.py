"""Appeal services: intake on every channel, duplicate detection, merging, escalation."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.appeals import facts
from fazhi.appeals.models import Appeal
from fazhi.appeals.validation import IntakeData, clean_intake
from fazhi.cases import services as cases
from fazhi.cases.errors import GuardRefused
from fazhi.cases.models import Case, CaseEvent
from fazhi.core import audit
from fazhi.core.models import OrgUnit

REPEAT_WINDOW = timedelta(days=30)


def centre_unit() -> OrgUnit:
    unit = OrgUnit.objects.filter(is_centre=True).order_by("path").first()
    if unit is None:
        raise GuardRefused("系统尚未配置受理中心单位")
    return unit


def place_for(address: str) -> OrgUnit | None:
    """The street the address lies in, by the street's name appearing in it (longest name wins)."""
    if not address:
        return None
    streets = OrgUnit.objects.filter(level="street").only("id", "name", "path")
    hits = [s for s in streets if s.name and (s.name in address or s.name.removesuffix("街道") in address)]
    return max(hits, key=lambda s: len(s.name)) if hits else None


def find_repeat(data: IntakeData, *, now: datetime) -> Case | None:
    """The latest appeal received in the 30 days up to `now` from the same phone or, failing that,
    about the same place (the same address) and matter — DOMAIN.md §1, "repeat appeals".

    The place is the address, not the street: every noise complaint in a street within a month
    is not one repeated demand.
    """
    recent = Case.objects.filter(kind="appeal", received_at__gte=now - REPEAT_WINDOW, received_at__lte=now)
    if data.phone:
        same = recent.filter(requester__phone=data.phone).order_by("-received_at", "-id").first()
        if same:
            return same
    if data.address and data.matter is not None:
        return (recent.filter(appeal__address=data.address, appeal__matter=data.matter)
                .order_by("-received_at", "-id").first())
    return None


def merge_candidates(case: Case, *, limit: int = 5) -> list[Case]:
    """Open appeals that may be the same demand: same requester, or same place and matter."""
    appeal = case.appeal
    qs = Case.objects.open().filter(kind="appeal").exclude(pk=case.pk).exclude(state="merged")
    found = []
    if case.requester_id and case.requester.phone:
        found += list(qs.filter(requester__phone=case.requester.phone)[:limit])
    if appeal.place_id and (appeal.matter_id or appeal.category):
        same = qs.filter(appeal__place_id=appeal.place_id)
        same = same.filter(appeal__matter_id=appeal.matter_id) if appeal.matter_id else same.filter(
            appeal__category=appeal.category)
        found += [c for c in same.filter(received_at__gte=case.received_at - REPEAT_WINDOW)[:limit] if c not in found]
    return found[:limit]


def registered(data: IntakeData) -> Case | None:
    """The appeal a resend of `data` repeats (same source and external id), if any."""
    if not data.external_id:
        return None
    return Case.objects.filter(source=data.source, external_id=data.external_id).first()


def intake(*, actor, raw: dict, now: datetime | None = None, received_at: datetime | None = None,
           phone_required: bool = True) -> tuple[Case, bool]:
    """Register an appeal from any channel; returns (case, created).

    Bad input raises IntakeError and writes nothing. A resend with the same
    (source, external_id) returns the existing appeal unchanged.
    """
    now = now or timezone.now()
    data = clean_intake(raw, phone_required=phone_required)
    existing = registered(data)
    if existing:
        return existing, False
    place = place_for(data.address)
    repeat = find_repeat(data, now=received_at or now)
    try:
        case, appeal = _register(data, actor=actor, now=now, received_at=received_at or now, place=place,
                                 repeat=repeat)
    except IntegrityError:
        # Two resends raced past the check above: the unique (source, external_id) decided.
        existing = registered(data)
        if existing:
            return existing, False
        raise
    from fazhi.appeals import suggest

    return suggest.on_intake(case=case, appeal=appeal, now=now), True


def _register(data: IntakeData, *, actor, now: datetime, received_at: datetime, place, repeat) -> tuple[Case, Appeal]:
    """The case, its appeal and the audit entry, in one transaction with no savepoints.

    Ordered for concurrency: the appeal's KPI fact row is derived once (facts.deferred), then
    the number is taken and the audit entry appended — the counter row and the audit chain are
    locks every intake queues on, so they are held only for those last statements and the commit.
    """
    with transaction.atomic():
        with facts.deferred():
            case, created = cases.create(
                kind="appeal", title=data.title, body=data.content, channel=data.channel,
                owner_unit=centre_unit(), received_at=received_at, actor=actor, source=data.source,
                external_id=data.external_id, requester={"name": data.name, "phone": data.phone,
                                                          "address": data.address}, now=now,
                details={"appeal_type": data.appeal_type, "urgency": data.urgency,
                         "matter_days": data.matter.default_days if data.matter else None},
                checked=True, record_audit=False, defer_number=True,
            )
            appeal = Appeal.objects.create(
                case=case, appeal_type=data.appeal_type, urgency=data.urgency, matter=data.matter,
                category=data.matter.category if data.matter else "", address=data.address,
                place=place, query_code=f"{secrets.randbelow(10**6):06d}", repeat_of=repeat,
                confidential=data.confidential,
            )
            if repeat:
                CaseEvent.objects.create(case=case, kind="appeal.repeat_linked", from_state=case.state,
                                         to_state=case.state, at=now, details={"repeat_of": repeat.number})
        cases.assign_number(case)
        audit.record(action="appeal.created", actor=actor, target=case.number, now=now)
    return case, appeal


def merge(*, case: Case, into: Case, actor, now: datetime | None = None) -> Case:
    """并单: the repeat is handled once, as part of `into`; its requester gets the same reply."""
    now = now or timezone.now()
    if case.pk == into.pk or into.kind != "appeal" or into.state == "merged":
        raise GuardRefused("不能并入该诉求")
    if case.state not in ("registered", "dispatched", "returned"):
        raise GuardRefused("该诉求已在办理中，不能并单")
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case.pk, version=case.version).update(version=case.version + 1)
        if not claimed:
            from fazhi.cases.errors import Conflict

            raise Conflict(f"{case.number} 已被他人更新，请刷新后重试")
        from_state = case.state
        Case.objects.filter(pk=case.pk).update(state="merged", closed_at=now, clock_state="stopped")
        Appeal.objects.filter(pk=case.pk).update(merged_into=into)
        CaseEvent.objects.create(case=case, kind="appeal.merged", transition="merge", from_state=from_state,
                                 to_state="merged", actor=actor, at=now, details={"into": into.number})
        CaseEvent.objects.create(case=into, kind="appeal.merge_received", from_state=into.state,
                                 to_state=into.state, actor=actor, at=now, details={"from": case.number})
        audit.record(action="appeal.merged", actor=actor, target=case.number, details={"into": into.number}, now=now)
    case.refresh_from_db()
    return case


def escalate(*, case: Case, actor, comment: str, now: datetime | None = None) -> CaseEvent:
    """督办: press the handling unit's leader on a warned or overdue case."""
    now = now or timezone.now()
    if case.closed_at is not None:
        raise GuardRefused("已办结的诉求无需督办")
    leader = case.handling_unit.leader if case.handling_unit_id else None
    # Overdue as of `now`, not the wall clock (Case.is_overdue), so a back-dated entry says the truth.
    overdue = case.due_at is not None and case.due_at < now
    return cases.add_note(case=case, actor=actor, comment=comment or "请加快办理", kind_suffix="escalated", now=now,
                          details={"leader": leader.username if leader else None,
                                   "overdue": overdue, "unit": case.handling_unit_id})
