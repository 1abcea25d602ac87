"""Closure deadlines by appeal type and urgency.

Defaults are Guangdong's 12345 rules (DOMAIN.md §1): consultation 2 working days, help and
suggestion 10, complaint and report 15, anything urgent 1 natural day. A DeadlinePolicy row
overrides a default, because local rules differ.
"""

from __future__ import annotations

from fazhi.cases.clock import ClockUnit, DeadlineRule

DEFAULTS: dict[str, DeadlineRule] = {
    "consultation": DeadlineRule(amount=2, unit=ClockUnit.WORKING_DAYS, warn_before=1),
    "help": DeadlineRule(amount=10, unit=ClockUnit.WORKING_DAYS, warn_before=2),
    "suggestion": DeadlineRule(amount=10, unit=ClockUnit.WORKING_DAYS, warn_before=2),
    "complaint": DeadlineRule(amount=15, unit=ClockUnit.WORKING_DAYS, warn_before=3),
    "report": DeadlineRule(amount=15, unit=ClockUnit.WORKING_DAYS, warn_before=3),
    "praise": DeadlineRule(amount=10, unit=ClockUnit.WORKING_DAYS, warn_before=2),
}
URGENT = DeadlineRule(amount=24, unit=ClockUnit.NATURAL_HOURS, warn_before=4)


def rule_for(appeal_type: str, urgency: str, *, matter_days: int | None = None) -> DeadlineRule:
    """The closure deadline of an appeal of this type and urgency, about a matter with this
    catalogue deadline (working days) if known.

    A matter's deadline can only shorten the type's: the catalogue may promise faster handling
    of a matter (a burst water main in 3 working days), but a consultation about a 15-day matter
    is still due in 2, and no matter may take longer than its type's limit.
    """
    from fazhi.appeals.models import DeadlinePolicy

    policy = DeadlinePolicy.objects.filter(appeal_type=appeal_type, urgency=urgency).first()
    if policy:
        warn = max(1, policy.amount // 5)
        rule = DeadlineRule(amount=policy.amount, unit=ClockUnit(policy.unit), warn_before=warn)
    elif urgency == "urgent":
        rule = URGENT
    else:
        rule = DEFAULTS.get(appeal_type, DEFAULTS["help"])
    if matter_days and rule.unit == ClockUnit.WORKING_DAYS and 0 < matter_days < rule.amount:
        return DeadlineRule(amount=matter_days, unit=rule.unit, warn_before=max(1, min(rule.warn_before, matter_days // 3)))
    return rule
