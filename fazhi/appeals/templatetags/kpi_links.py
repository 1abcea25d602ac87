"""Links from a dashboard table row to the same dashboard narrowed to that row."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The page's query string with `changes` applied (the other filters kept, the page dropped),
    so clicking a matter keeps the period and the unit the leader chose."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = "" if value is None else str(value)
    return query.urlencode()
