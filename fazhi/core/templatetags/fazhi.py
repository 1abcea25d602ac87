"""Small display filters used across pages."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits=2):
    """0.9077 -> "90.77%"; None -> "—"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"
