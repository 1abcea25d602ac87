"""Shared fixtures: a miniature district and its users, on whichever database DATABASE_URL names."""

from __future__ import annotations

import pytest

from fazhi.core.models import Role
from tests.factories import core as f


@pytest.fixture
def org(db):
    return f.Org()


@pytest.fixture
def people(org):
    """One user per role, in the unit where that role lives."""

    class People:
        admin = f.user(Role.CENTRE_ADMIN, org.centre, "centre_admin")
        agent = f.user(Role.INTAKE_AGENT, org.centre, "agent")
        dispatcher = f.user(Role.DISPATCHER, org.centre, "dispatcher")
        reviewer = f.user(Role.REVIEWER, org.centre, "reviewer")
        housing = f.user(Role.HANDLER, org.housing, "housing_handler")
        transport = f.user(Role.HANDLER, org.transport, "transport_handler")
        street_a = f.user(Role.HANDLER, org.street_a, "street_a_handler")
        community_a = f.user(Role.HANDLER, org.community_a, "community_a_handler")
        leader = f.user(Role.LEADER, org.housing, "housing_leader")
        auditor = f.user(Role.AUDITOR, org.centre, "auditor")

    return People


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Holiday rows roll back with each test; the in-process calendar cache must follow."""
    from fazhi.core.calendar import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture(autouse=True)
def no_installed_dispatch_model(monkeypatch, tmp_path_factory):
    """Tests never pick up a model a developer installed in var/ (tests that need one install their own)."""
    from fazhi.appeals import routing

    monkeypatch.setattr(routing, "model_path", lambda: tmp_path_factory.getbasetemp() / "no-dispatch.model")
