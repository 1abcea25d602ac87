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


@register.filter
def event_label(event):
    """The Chinese label of a CaseEvent, from its case kind's workflow."""
    from fazhi.cases import workflow

    try:
        return workflow.get(event.kind.split(".", 1)[0]).event_label(event.kind)
    except LookupError:
        return event.kind


@register.filter
def event_summary(event):
    """One line of what an event did, from its structured details (unit, rating, extension)."""
    d = event.details or {}
    parts = []
    if d.get("unit_name"):
        parts.append(f"承办单位：{d['unit_name']}")
    if d.get("auto"):
        prob = d.get("probability")
        parts.append(f"自动分拨（置信度 {float(prob) * 100:.1f}%）" if prob else "自动分拨")
    if d.get("extension"):
        parts.append(f"延期 {d['extension']} 个工作日")
    if d.get("rating"):
        parts.append({"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}.get(
            d["rating"], d["rating"]) + ("，已解决" if d.get("resolved") else "，未解决"))
    if d.get("nominal"):
        parts.append("形式办结，退回重办")
    if "on_time" in d and event.kind.endswith((".close", ".answer", ".finish")):
        parts.append("按期" if d["on_time"] else "超期办结")
    if d.get("into"):
        parts.append(f"并入 {d['into']}")
    return "；".join(parts)


@register.filter
def state_label(case):
    from fazhi.cases import workflow

    try:
        return workflow.get(case.kind).states.get(case.state, case.state)
    except LookupError:
        return case.state
