"""Two concurrent transitions on one case: exactly one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from fazhi.cases import services
from fazhi.cases.errors import Conflict
from fazhi.cases.models import Case, CaseEvent
from tests.cases import workflow_fixture  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions(org, people):
    at = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    case, _ = services.create(kind="testkind", title="并发", owner_unit=org.centre, received_at=at, now=at)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(unit):
        try:
            stale = Case.objects.get(pk=case.pk)
            barrier.wait()
            services.transition(case=stale, name="assign", actor=people.dispatcher, version=1,
                                params={"unit": unit.pk})
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in (org.housing, org.transport)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["conflict", "ok"]
    case.refresh_from_db()
    assert case.version == 2 and case.state == "assigned"
    assert CaseEvent.objects.filter(case=case, kind="testkind.assign").count() == 1
    winner = CaseEvent.objects.get(case=case, kind="testkind.assign").details
    assert case.handling_unit_id in (org.housing.pk, org.transport.pk)
    assert winner == {}
