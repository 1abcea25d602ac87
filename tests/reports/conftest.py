"""Fixtures for the report-analysis tests: the seed reports, read from shared/ and never copied.

The seeds live in ``shared/seeds`` (``FAZHI_SHARED_DIR`` overrides the location). Tests that
need them skip cleanly where they are absent, so the suite still runs on a bare checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from fazhi.config import config

SEED_IDS = ("000", "001", "002", "003", "004")


def seeds_dir() -> Path:
    return config.shared_dir / "seeds"


def seed_path(seed: str) -> Path:
    matches = sorted(seeds_dir().glob(f"{seed}_*.txt"))
    if not matches:
        pytest.skip(f"seed report {seed} not found in {seeds_dir()}")
    return matches[0]


@cache
def _analysis(path: str):
    from fazhi.reports import analyze_file

    return analyze_file(path)


def seed_analysis(seed: str):
    """Analysis of one seed, computed once per test session (analysis is pure)."""
    return _analysis(str(seed_path(seed)))


@pytest.fixture(params=SEED_IDS)
def seed(request) -> str:
    seed_path(request.param)
    return request.param
