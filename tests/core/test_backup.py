"""Backup and restore round trip: what was there comes back, audit chain included."""

from __future__ import annotations

import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command

from fazhi.appeals import services as appeals
from fazhi.cases.models import Case
from fazhi.core import audit
from fazhi.core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore(org, people, tmp_path):
    case, _ = appeals.intake(actor=people.agent, raw={"content": "垃圾清运不及时", "phone": "13800138000"})
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path), stdout=StringIO())
    dumped = json.loads(gzip.open(path, "rt", encoding="utf-8").read())
    assert any(row["model"] == "cases.case" and row["fields"]["number"] == case.number for row in dumped)
    n_dumped = sum(1 for row in dumped if row["model"] == "core.auditentry")
    call_command("flush", "--noinput", verbosity=0)
    assert not Case.objects.exists()
    call_command("restore", str(path), stdout=StringIO())
    assert Case.objects.get(number=case.number).appeal.appeal_type == "help"
    # the restored chain, plus the restore's own entry appended to it
    assert AuditEntry.objects.count() == n_dumped + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "system.restored"
    assert audit.verify() == []


def test_restore_missing_file(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", "/nonexistent/backup.json")
