"""The navigation menu: apps add their entries with register(); each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None  # None: everyone signed in
    order: int = 100


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in _ITEMS):
        _ITEMS.append(item)


def items_for(roles: set[str], *, is_superuser: bool = False) -> list[dict]:
    out = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.roles is None or is_superuser or roles & item.roles:
            try:
                out.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
            except NoReverseMatch:
                continue
    return out
