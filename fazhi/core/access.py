"""Who may see and do what: roles come from memberships, scope from the org-unit tree."""

from __future__ import annotations

from fazhi.core.models import Membership, OrgUnit


def memberships(user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_fazhi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._fazhi_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships(user)}


def units_of(user, *, roles: frozenset[str] | set[str] | None = None) -> list[OrgUnit]:
    return [m.unit for m in memberships(user) if roles is None or m.role in roles]


def is_centre(user) -> bool:
    """Members of a centre unit (the 12345 centre, the rule-of-law office) see every case."""
    return any(m.unit.is_centre for m in memberships(user))


def covers(unit: OrgUnit | None, target: OrgUnit | None) -> bool:
    """True when `target` is `unit` or below it in the tree."""
    return bool(unit and target and target.path.startswith(unit.path))


def acting_membership(user, *, roles, targets) -> Membership | None:
    """The membership through which `user` may act on a case whose relevant units are `targets`.

    A centre membership with an allowed role covers everything; otherwise the membership's
    unit must cover one of the targets.
    """
    for m in memberships(user):
        if m.role not in roles:
            continue
        if m.unit.is_centre or any(covers(m.unit, t) for t in targets if t is not None):
            return m
    return None


def visible_cases(user, queryset):
    if getattr(user, "is_superuser", False) or is_centre(user):
        return queryset
    return queryset.visible_to(units_of(user))


def can_see_case(user, case) -> bool:
    if getattr(user, "is_superuser", False) or is_centre(user):
        return True
    return any(covers(u, case.owner_unit) or covers(u, case.handling_unit) for u in units_of(user))
