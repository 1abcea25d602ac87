"""Template context for the UI shell: navigation, memberships and the active unit."""

from __future__ import annotations

from fazhi.core import navigation
from fazhi.core.access import memberships, roles_of


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {
        "nav_items": navigation.items_for(roles, is_superuser=user.is_superuser),
        "my_memberships": memberships(user),
        "active_membership": getattr(request, "active_membership", None),
    }
