"""The hash-chained audit log: record() appends, verify() proves nothing was edited or removed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from fazhi.core.models import AuditEntry

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appenders (any constant unique to fazhi).
CHAIN_LOCK = 0x66617A6869  # "fazhi"


def _digest(*, seq: int, at: str, actor: str, action: str, target: str, details: dict, ip: str, prev: str) -> str:
    payload = json.dumps(
        [seq, at, actor, action, target, details, ip, prev], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    return getattr(actor, "username", None) or str(actor)


def _head_sql() -> str:
    qn = connection.ops.quote_name
    return f"SELECT {qn('seq')}, {qn('hash')} FROM {qn(AuditEntry._meta.db_table)} ORDER BY {qn('seq')} DESC LIMIT 1"


def record(*, action: str, actor=None, target: str = "", details: dict | None = None, ip: str = "", now=None) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction so a rolled-back change leaves no trace.

    Appenders are serialised so two concurrent writers cannot fork the chain: on PostgreSQL
    by a transaction-scoped advisory lock taken before the head is read (a row lock on the
    head is not enough — the second writer would re-read the old head once it is released);
    SQLite's IMMEDIATE transactions serialise writers already.
    """
    at = (now or timezone.now()).astimezone(UTC)
    # Millisecond precision: Django's JSON dumps (backups) keep milliseconds only, and the hash
    # must survive a backup and restore unchanged.
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    details = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
    # No savepoint: a failed append must fail the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            # Raw: every audited write reads the head, and compiling this one-row read through
            # the ORM took eight times as long as running it.
            cursor.execute(_head_sql())
            last = cursor.fetchone()
        seq = (last[0] + 1) if last else 1
        prev = last[1] if last else GENESIS
        at_text = at.isoformat()
        digest = _digest(
            seq=seq, at=at_text, actor=_actor_name(actor), action=action, target=target, details=details, ip=ip, prev=prev
        )
        return AuditEntry.objects.create(
            seq=seq, at=at, actor=_actor_name(actor), action=action, target=target, details=details, ip=ip,
            prev_hash=prev, hash=digest,
        )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify() -> list[ChainProblem]:
    """Walk the chain; report every entry whose content, link or sequence does not hold."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    expected_seq = 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, f"第 {expected_seq}–{entry.seq - 1} 条记录缺失（已被删除）"))
        if entry.prev_hash != prev:
            problems.append(ChainProblem(entry.seq, f"第 {entry.seq} 条记录的前序哈希不符（前一条被修改或删除）"))
        digest = _digest(
            seq=entry.seq, at=entry.at.astimezone(UTC).isoformat(), actor=entry.actor, action=entry.action,
            target=entry.target, details=entry.details, ip=entry.ip, prev=entry.prev_hash,
        )
        if digest != entry.hash:
            problems.append(ChainProblem(entry.seq, f"第 {entry.seq} 条记录内容被修改"))
        prev = entry.hash
        expected_seq = entry.seq + 1
    return problems
