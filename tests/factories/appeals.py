"""Factories for appeals: intake at a fixed time, matters, and a one-line transition helper."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from fazhi.appeals import services
from fazhi.appeals.models import Matter
from fazhi.cases import services as cases

SH = ZoneInfo("Asia/Shanghai")
_phones = itertools.count(1)
_codes = itertools.count(1)


def at(*args) -> datetime:
    """A fixed instant in Asia/Shanghai: at(2026, 3, 2, 10) is 2 Mar 2026 10:00 local."""
    return datetime(*args, tzinfo=SH)


def phone() -> str:
    """A fresh, valid mobile number, so unrelated appeals are never linked as repeats."""
    return f"139{next(_phones):08d}"


def appeal(actor, *, when: datetime, **raw):
    """Register an appeal through the real intake service at `when`; returns the Case."""
    data = {
        "content": "小区门口道路破损，积水严重，请尽快修复。",
        "appeal_type": "complaint",
        "channel": "hotline",
        "name": "张三",
        "phone": phone(),
        **raw,
    }
    case, created = services.intake(actor=actor, raw=data, now=when)
    assert created
    return case


def matter(
    *, name: str = "道路破损", level: int = 1, parent: Matter | None = None, code: str | None = None, **kw
) -> Matter:
    return Matter.objects.create(
        code=code or f"M{next(_codes):04d}",
        name=name,
        level=level,
        parent=parent,
        category=kw.pop("category", parent.category if parent else name),
        **kw,
    )


def step(case, name: str, actor, when: datetime, comment: str = "", **params):
    """Fire one workflow transition at `when` (the engine's own service, no shortcuts)."""
    return cases.transition(case=case, name=name, actor=actor, now=when, comment=comment, params=params)


def handle_to_closed(
    case,
    people,
    unit,
    *,
    dispatched: datetime,
    closed: datetime,
    rating: str = "satisfied",
    resolved: str = "yes",
    handler=None,
):
    """Dispatch to `unit`, sign for, close, approve and call back — the happy path."""
    handler = handler or people.housing
    step(case, "dispatch", people.dispatcher, dispatched, unit=unit.pk)
    step(case, "accept", handler, dispatched)
    step(case, "close", handler, closed, reply="已派人现场处理完毕，道路已修复。")
    step(case, "approve_closure", people.reviewer, closed)
    step(case, "callback", people.agent, closed, rating=rating, resolved=resolved)
    return case


def analyze() -> None:
    """Give PostgreSQL's planner statistics for the rows a test has just written, as a deployed
    database has them: without, it takes the fresh tables for empty and rescans the per-appeal
    event aggregate once per appeal (a nested loop that turned a 10 ms KPI query into minutes).
    ANALYZE counts the rows of the test's own open transaction."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
