"""The audit chain: intact chains verify; an edited, deleted or reordered entry is named."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fazhi.core import audit
from fazhi.core.models import AuditEntry


@pytest.fixture
def chain(db):
    for i in range(5):
        audit.record(action="test.event", actor="alice", target=f"T-{i}", details={"i": i, "名称": "测试"})
    return list(AuditEntry.objects.order_by("seq"))


def test_intact_chain_verifies(chain):
    assert audit.verify() == []
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "校验通过" in out.getvalue()


def test_edited_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=3).update(target="T-forged")
    problems = audit.verify()
    assert [p.seq for p in problems] == [3]
    assert "内容被修改" in problems[0].message
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())


def test_edited_details_are_detected(chain):
    AuditEntry.objects.filter(seq=2).update(details={"i": 99})
    assert [p.seq for p in audit.verify()] == [2]


def test_deleted_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=4).delete()
    problems = audit.verify()
    assert any("缺失" in p.message for p in problems)
    assert any(p.seq == 5 and "前序哈希" in p.message for p in problems)


def test_rewritten_entry_with_new_hash_breaks_the_next_link(chain):
    entry = AuditEntry.objects.get(seq=2)
    forged = audit._digest(seq=2, at=entry.at.isoformat(), actor="mallory", action=entry.action, target=entry.target,
                           details=entry.details, ip=entry.ip, prev=entry.prev_hash)
    AuditEntry.objects.filter(seq=2).update(actor="mallory", hash=forged)
    assert [p.seq for p in audit.verify()] == [3]


def test_truncated_tail_is_not_silent_when_head_is_known(chain):
    # Removing the last entry leaves a valid shorter chain; the count the operator last saw tells.
    AuditEntry.objects.filter(seq=5).delete()
    assert audit.verify() == []
    assert AuditEntry.objects.count() == 4
