"""Fixtures of the portal tests: a clean cache (the per-IP limits), fast hashing, no dispatch model."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from fazhi.appeals.models import Appeal
from fazhi.cases.models import Case


@pytest.fixture(autouse=True)
def clean_limits():
    # The limits live in the process-wide LocMemCache; one test's lockout must not leak into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_dispatch_model(monkeypatch):
    """A model trained into the data directory by `make demo` must not auto-dispatch here."""
    from fazhi.appeals import routing

    monkeypatch.setattr(routing, "current_model", lambda: None, raising=False)


GOOD = {
    "appeal_type": "complaint",
    "title": "小区路灯不亮",
    "content": "东湖路 18 号小区门口路灯连续一周不亮，夜间出行不便。",
    "name": "张三丰",
    "phone": "13800138000",
    "address": "东湖街道东湖路 18 号",
}


@pytest.fixture
def submitted(client, org):
    """Submit GOOD through the portal; returns the Case (the client's session has proved it)."""

    def do(**overrides):
        response = client.post("/portal/", {**GOOD, **overrides})
        assert response.status_code == 302, response.content.decode()[:2000]
        return Case.objects.select_related("appeal").latest("id")

    return do


def code_of(case) -> str:
    return Appeal.objects.get(pk=case.pk).query_code
