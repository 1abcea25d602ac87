"""The dashboard's tables by matter and by channel, from the grouped counts kpis._counts returns.

Counts add up over keys, so a first-level matter's row is the sum of the rows of the matters
under it (the grouped query keys appeals by their own matter, at whatever level intake chose).
An appeal without a matter is shown under its category, so nothing the hub received is left out
of the table.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from fazhi.appeals.models import Matter
from fazhi.cases.models import Channel

# counts that are summed to roll matters up (hours_p90 is not additive and is not shown)
_SKIP = {"key", "hours_p90"}


def _add(into: dict, row: dict) -> None:
    for k, v in row.items():
        if k not in _SKIP:
            into[k] = (into.get(k) or 0) + (v or 0)


def _top_level() -> dict[int, Matter]:
    """Each matter's first-level ancestor (the catalogue has three levels)."""
    matters = {m.pk: m for m in Matter.objects.only("pk", "name", "code", "parent_id", "level")}
    out = {}
    for pk, m in matters.items():
        top = m
        while top.parent_id and top.parent_id in matters:
            top = matters[top.parent_id]
        out[pk] = top
    return out


def by_matter(rows: list[dict], limit: int, figures: Callable[[dict], dict]) -> list[dict]:
    """Rows {matter (id or None), category, code, name, …figures} per first-level matter, the
    busiest first; appeals without a matter are grouped by category ("未分类" without either)."""
    tops = _top_level() if any(r["key"][0] for r in rows) else {}
    merged: dict[tuple, dict] = {}
    for row in rows:
        matter_id, category = row["key"]
        top = tops.get(matter_id) if matter_id else None
        if top is not None:
            key, head = ("matter", top.pk), {"matter": top.pk, "category": "", "code": top.code, "name": top.name}
        else:
            label = category or _("未分类")
            key, head = ("category", category), {"matter": None, "category": category, "code": "", "name": label}
        acc = merged.setdefault(key, {**head, "counts": {}})
        _add(acc["counts"], row)
    ordered = sorted(merged.values(), key=lambda m: (-m["counts"]["received"], -m["counts"]["closed"], m["name"]))
    return [{k: v for k, v in m.items() if k != "counts"} | figures(_complete(m["counts"])) for m in ordered[:limit]]


def by_channel(rows: list[dict], figures: Callable[[dict], dict]) -> list[dict]:
    """Rows {channel, name, …figures} per intake channel, the busiest first."""
    labels = dict(Channel.choices)
    ordered = sorted(rows, key=lambda r: (-r["received"], -r["closed"], r["key"] or ""))
    return [
        {"channel": r["key"], "name": str(labels.get(r["key"], r["key"])), **figures(_complete(r))} for r in ordered
    ]


def _complete(counts: dict) -> dict:
    """A summed row has no p90 of its own."""
    return {**counts, "hours_p90": None}
