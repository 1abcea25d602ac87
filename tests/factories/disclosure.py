"""Factories for disclosure requests: an officer, a request registered through the real service,
and a one-line transition helper, all at fixed instants."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from fazhi.core.models import Role
from fazhi.disclosure import services
from tests.factories import core as f

SH = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def at(*args) -> datetime:
    """A fixed instant in Asia/Shanghai: at(2026, 3, 2, 10) is 2 Mar 2026 10:00 local."""
    return datetime(*args, tzinfo=SH)


def officer(unit, username: str = "gk_officer"):
    return f.user(Role.DISCLOSURE_OFFICER, unit, username, display_name="公开专员")


def raw(**kw) -> dict:
    """A complete, valid natural person's request received in person; override any field."""
    n = next(_ids)
    return {
        "requester_type": "natural_person",
        "name": "李四",
        "id_number": f"44030119800101{n:04d}",
        "phone": "13800138000",
        "address": "示范区东湖路1号",
        "receipt_channel": "in_person",
        "submitted_on": date(2026, 3, 2),
        "description": "2025年示范区老旧小区改造项目的立项批复文件",
        "purpose": "了解小区改造进度",
        **kw,
    }


def request(actor, unit, *, when: datetime, **kw):
    """Register a request through the real service at `when`; returns the Case."""
    case, created = services.register(actor=actor, unit=unit, raw=raw(**kw), now=when)
    assert created
    return case


def step(case, name: str, actor, when: datetime, comment: str = "", **params):
    """Fire one disclosure transition at `when` through services.act (the engine, no shortcuts)."""
    return services.act(case=case, name=name, actor=actor, now=when, comment=comment, params=params)


@pytest.fixture
def fast_passwords(settings):
    # `people` creates ten users; Argon2 would make that take seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
