"""Dispatch suggestions at intake, from the dispatch model when one is installed.

Kept apart from services so intake works (with no suggestions) before any model exists.
"""

from __future__ import annotations


def on_intake(*, case, appeal, now) -> None:
    from fazhi.appeals import routing

    routing.suggest_and_maybe_dispatch(case=case, appeal=appeal, now=now)
