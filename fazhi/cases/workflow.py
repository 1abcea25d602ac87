"""Workflows as data: each case kind declares its states and the transitions between them.

The engine (services.transition) enforces them, so an illegal move is refused rather
than merely discouraged (Netflix Dispatch reads its pairs but never forbids one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fazhi.cases.clock import DeadlineRule


class ClockEffect(StrEnum):
    START = "start"      # start (or restart) the clock from the transition time
    PAUSE = "pause"      # 补正, third-party consultation: time stops counting
    RESUME = "resume"
    EXTEND = "extend"    # an approved extension: params["extension"] units more
    STOP = "stop"        # closure: the clock stops, closed_at is stamped
    REOPEN = "reopen"    # an objection: closed_at cleared, the clock restarts


class Scope(StrEnum):
    """Which unit's people may fire a transition."""

    OWNER = "owner"        # the owning unit (e.g. the 12345 centre) or above
    HANDLING = "handling"  # the current handling unit or above
    ANY = "any"            # owner or handling unit


# A guard returns a Chinese error message to refuse, or None to allow.
Guard = Callable[[Any, dict], str | None]
# An effect changes the (locked, fresh) case and may write kind-specific detail rows.
Effect = Callable[[Any, dict], None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    scope: Scope = Scope.ANY
    guard: Guard | None = None
    effect: Effect | None = None
    clock: ClockEffect | None = None
    requires_comment: bool = False
    # Inputs the UI asks for, by name ("unit", "units", "extension", "rating", "resolved", "reply", "outcome").
    fields: tuple[str, ...] = ()
    style: str = "primary"  # button style: primary / danger / secondary


@dataclass
class Workflow:
    kind: str
    prefix: str                     # number prefix: SQ-2026-000123
    label: str
    states: dict[str, str]          # code -> Chinese label
    initial: str
    transitions: dict[str, Transition] = field(default_factory=dict)
    # (case, intake facts) -> the rule; intake facts carry e.g. the appeal type before the detail row exists.
    deadline_rule: Callable[[Any, dict], DeadlineRule | None] = lambda case, facts: None
    closed_states: frozenset[str] = frozenset()

    def add(self, *transitions: Transition) -> Workflow:
        for t in transitions:
            unknown = {t.target, *t.sources} - set(self.states)
            if unknown:
                raise ValueError(f"{self.kind}.{t.name}: unknown states {sorted(unknown)}")
            self.transitions[t.name] = t
        return self

    def event_label(self, event_kind: str) -> str:
        """Chinese label of a timeline entry: the transition's own label, or a common one."""
        suffix = event_kind.rsplit(".", 1)[-1]
        if suffix in self.transitions:
            return self.transitions[suffix].label
        return COMMON_EVENT_LABELS.get(suffix, suffix)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]


COMMON_EVENT_LABELS = {
    "created": "登记受理", "warned": "临期预警", "overdue": "超期", "note": "办理进展", "escalated": "督办",
    "merged": "并单（并入其他诉求）", "merge_received": "并入重复诉求", "repeat_linked": "关联重复诉求",
    "deadline_recomputed": "节假日调整，期限重算", "merged_reply": "并单答复（随主诉求办结）",
    "sign_for_overdue": "签收超时（派单后 1 个工作日未签收或退回）",
    "callback_overdue": "回访超时（办结后 2 个工作日未回访）",
}

_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.kind] = workflow
    return workflow


def get(kind: str) -> Workflow:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no workflow registered for case kind {kind!r}") from None


def all_workflows() -> dict[str, Workflow]:
    return dict(_REGISTRY)
