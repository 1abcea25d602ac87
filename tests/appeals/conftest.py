"""Fixtures of the appeals tests.

(No dispatch model is picked up from var/: tests/conftest.py points routing at an empty path,
and tests that need a model install their own.)
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The `people` fixture creates ten users; Argon2 makes that take seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
