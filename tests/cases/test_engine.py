"""The case engine: transitions allowed and refused by role, scope, guard and version; clocks; numbering."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from fazhi.cases import services
from fazhi.cases.errors import Conflict, GuardRefused, InvalidTransition, NotAllowed
from fazhi.cases.models import Case, CaseEvent
from fazhi.core.models import AuditEntry
from tests.cases import workflow_fixture  # noqa: F401  (registers "testkind")

SH = ZoneInfo("Asia/Shanghai")


def make(org, *, at=datetime(2026, 3, 2, 10, 0, tzinfo=SH), **kw):
    case, created = services.create(kind="testkind", title="测试", owner_unit=org.centre, received_at=at, now=at, **kw)
    assert created
    return case


def test_numbers_are_per_kind_and_year(org):
    a = make(org)
    b = make(org)
    c = make(org, at=datetime(2027, 1, 5, 9, 0, tzinfo=SH))
    assert a.number == "TK-2026-000001"
    assert b.number == "TK-2026-000002"
    assert c.number == "TK-2027-000001"


def test_idempotent_creation_by_source_and_external_id(org):
    at = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    first, created = services.create(kind="testkind", title="甲", owner_unit=org.centre, received_at=at,
                                     source="upstream", external_id="X-1")
    again, created_again = services.create(kind="testkind", title="乙（重发）", owner_unit=org.centre,
                                           received_at=at, source="upstream", external_id="X-1")
    assert created and not created_again
    assert again.pk == first.pk and again.title == "甲"
    assert Case.objects.filter(source="upstream", external_id="X-1").count() == 1
    # the same external id from another source is another case
    _, other = services.create(kind="testkind", title="丙", owner_unit=org.centre, received_at=at,
                               source="grid", external_id="X-1")
    assert other


def test_allowed_transition_writes_event_and_bumps_version(org, people):
    case = make(org)
    services.transition(case=case, name="assign", actor=people.dispatcher, version=1, params={"unit": org.housing.pk})
    case.refresh_from_db()
    assert case.state == "assigned" and case.version == 2 and case.handling_unit == org.housing
    event = CaseEvent.objects.get(case=case, kind="testkind.assign")
    assert event.from_state == "new" and event.to_state == "assigned" and event.actor == people.dispatcher
    assert AuditEntry.objects.filter(action="testkind.assign", target=case.number).exists()


def test_refused_by_role(org, people):
    case = make(org)
    with pytest.raises(NotAllowed):
        services.transition(case=case, name="assign", actor=people.housing, params={"unit": org.housing.pk})
    case.refresh_from_db()
    assert case.state == "new" and case.version == 1
    assert AuditEntry.objects.filter(action="permission.denied", target=case.number).exists()


def test_refused_by_scope(org, people):
    case = make(org)
    services.transition(case=case, name="assign", actor=people.dispatcher, params={"unit": org.housing.pk})
    with pytest.raises(NotAllowed):  # a handler of another department
        services.transition(case=case, name="start", actor=people.transport)
    services.transition(case=case, name="start", actor=people.housing)
    assert case.state == "working"


def test_scope_covers_units_below(org, people):
    case = make(org)
    services.transition(case=case, name="assign", actor=people.dispatcher, params={"unit": org.community_a.pk})
    # the street's handler covers its community; the community's handler covers only itself
    services.transition(case=case, name="start", actor=people.street_a)
    assert case.state == "working"


def test_refused_by_guard_and_invalid_pair(org, people):
    case = make(org)
    with pytest.raises(GuardRefused, match="请选择承办单位"):
        services.transition(case=case, name="assign", actor=people.dispatcher, params={})
    with pytest.raises(InvalidTransition):
        services.transition(case=case, name="finish", actor=people.housing)
    case.refresh_from_db()
    assert case.state == "new" and case.version == 1
    assert not CaseEvent.objects.filter(case=case).exclude(kind="testkind.created").exists()


def test_stale_version_conflicts_and_changes_nothing(org, people):
    case = make(org)
    stale = Case.objects.get(pk=case.pk)
    services.transition(case=case, name="assign", actor=people.dispatcher, version=1, params={"unit": org.housing.pk})
    events_before = CaseEvent.objects.count()
    with pytest.raises(Conflict, match="已被他人更新"):
        services.transition(case=stale, name="assign", actor=people.dispatcher, version=1,
                            params={"unit": org.transport.pk})
    case.refresh_from_db()
    assert case.handling_unit == org.housing and case.version == 2
    assert CaseEvent.objects.count() == events_before


def test_pause_and_extension_arithmetic(org, people):
    # DOMAIN.md §0: received 2 Mar 2026, paused 5–16 Mar -> due 10 Apr 2026.
    case = make(org)
    assert case.due_at.astimezone(SH).date().isoformat() == "2026-03-30"
    services.transition(case=case, name="assign", actor=people.dispatcher, params={"unit": org.housing.pk})
    services.transition(case=case, name="start", actor=people.housing)
    services.transition(case=case, name="pause", actor=people.housing, now=datetime(2026, 3, 5, 9, tzinfo=SH))
    assert case.clock_state == "paused"
    services.transition(case=case, name="resume", actor=people.housing, now=datetime(2026, 3, 16, 17, tzinfo=SH))
    assert case.due_at.astimezone(SH).date().isoformat() == "2026-04-10"
    services.transition(case=case, name="extend", actor=people.reviewer, params={"extension": 5})
    # five more working days after 10 Apr 2026 (Fri): 13–17 Apr
    assert case.due_at.astimezone(SH).date().isoformat() == "2026-04-17"
    with pytest.raises(GuardRefused):
        services.transition(case=case, name="extend", actor=people.reviewer, params={"extension": 0})
    services.transition(case=case, name="finish", actor=people.housing, now=datetime(2026, 4, 16, 12, tzinfo=SH))
    assert case.closed_at is not None and case.clock_state == "stopped"
    assert CaseEvent.objects.get(case=case, kind="testkind.finish").details["on_time"] is True


def test_tick_marks_warned_and_overdue_once(org, people):
    case = make(org)  # due 30 Mar 2026, warned 2 working days before
    late = datetime(2026, 4, 2, 9, tzinfo=SH)
    first = services.tick(now=late)
    second = services.tick(now=late)
    third = services.tick(now=datetime(2026, 5, 1, tzinfo=SH))
    assert (first.warned, first.overdue) == (1, 1)
    assert (second.warned, second.overdue) == (0, 0)
    assert (third.warned, third.overdue) == (0, 0)
    case.refresh_from_db()
    assert case.warned_at and case.overdue_at
    assert CaseEvent.objects.filter(case=case, kind="testkind.overdue").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="testkind.warned").count() == 1


def test_tick_does_not_warn_early(org):
    make(org)
    result = services.tick(now=datetime(2026, 3, 3, 9, tzinfo=SH))
    assert (result.warned, result.overdue) == (0, 0)
