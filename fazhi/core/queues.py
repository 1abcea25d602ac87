"""Work queues shown on each role's home page; each app registers its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset[str]
    cases: Callable  # (user, membership) -> QuerySet of Case
    url: Callable[[], str] | None = None


_QUEUES: list[Queue] = []


def register(queue: Queue) -> None:
    if all(q.key != queue.key for q in _QUEUES):
        _QUEUES.append(queue)


def for_membership(membership) -> list[Queue]:
    if membership is None:
        return []
    return [q for q in _QUEUES if membership.role in q.roles]
