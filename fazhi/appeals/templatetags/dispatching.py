"""Why the model suggests what it suggests: the terms that pushed it, for the dispatcher."""

from django import template

register = template.Library()


@register.simple_tag
def dispatch_why(case, k: int = 8) -> list[str]:
    from fazhi.appeals import routing

    model = routing.current_model()
    if model is None:
        return []
    try:
        return [term for term, weight in model.explain(f"{case.title}\n{case.body}", k=k) if weight > 0]
    except Exception:  # noqa: BLE001 - an explanation must never break the case page
        return []
