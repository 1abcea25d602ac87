"""Puts the user's active unit (the unit switcher's choice) on the request."""

from __future__ import annotations

from fazhi.core.access import memberships


class ActiveUnitMiddleware:
    SESSION_KEY = "fazhi_active_membership"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ms = memberships(user)
            chosen = request.session.get(self.SESSION_KEY)
            request.active_membership = next((m for m in ms if m.pk == chosen), ms[0] if ms else None)
        return self.get_response(request)
