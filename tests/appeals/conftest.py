"""Fixtures of the appeals tests: fast password hashing and no dispatch model at intake."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The `people` fixture creates ten users; Argon2 makes that take seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_dispatch_model(monkeypatch):
    """Intake must not pick up a model trained into the data directory by `make demo`.

    These tests pin dispatch by hand; the model's own tests live in tests/dispatch.
    """
    from fazhi.appeals import routing

    monkeypatch.setattr(routing, "current_model", lambda: None, raising=False)
