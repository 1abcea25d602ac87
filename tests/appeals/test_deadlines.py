"""The closure deadline: by appeal type and urgency (DOMAIN §1), shortened by the matter's own."""

from __future__ import annotations

import pytest

from fazhi.appeals.deadlines import rule_for
from fazhi.appeals.imports import import_appeals
from fazhi.cases.clock import ClockUnit
from fazhi.cases.models import Case
from tests.appeals.test_imports import row, write_csv
from tests.factories import appeals as fa
from tests.factories.appeals import at


def local(dt):
    from fazhi.cases.clock import SHANGHAI

    return dt.astimezone(SHANGHAI)


@pytest.mark.parametrize(
    ("appeal_type", "urgency", "matter_days", "amount", "unit"),
    [
        ("help", "normal", 3, 3, ClockUnit.WORKING_DAYS),  # the catalogue promises faster
        ("complaint", "normal", 20, 15, ClockUnit.WORKING_DAYS),  # never longer than the type's limit
        ("consultation", "normal", 15, 2, ClockUnit.WORKING_DAYS),  # a consultation stays 2 days
        ("complaint", "urgent", 3, 24, ClockUnit.NATURAL_HOURS),  # urgent stays 24 hours
        ("help", "normal", None, 10, ClockUnit.WORKING_DAYS),
    ],
)
def test_matter_deadline_only_shortens(db, appeal_type, urgency, matter_days, amount, unit):
    rule = rule_for(appeal_type, urgency, matter_days=matter_days)
    assert (rule.amount, rule.unit) == (amount, unit) and rule.warn_before >= 1


def test_intake_and_import_use_the_matters_deadline(tmp_path, org, people):
    burst = fa.matter(name="供水管爆裂", code="W01", category="城乡建设", default_days=3)
    # Mon 2 Mar 2026 + 3 working days = Thu 5 Mar
    typed = fa.appeal(people.agent, when=at(2026, 3, 2, 10), appeal_type="help", matter="W01")
    assert typed.appeal.matter == burst
    assert local(typed.due_at) == at(2026, 3, 5, 23, 59, 59)
    import_appeals(write_csv(tmp_path / "a.csv", [row("W-1", "供水管爆裂", kind="求助", matter="W01",
                                                       received="2026-03-02 10:00:00")]),
                   source="upstream", now=at(2026, 3, 3, 9))
    assert Case.objects.get(external_id="W-1").due_at == typed.due_at
