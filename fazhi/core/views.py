"""Thin views of the UI shell: login, the per-role home, the unit switcher, health."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fazhi import __version__
from fazhi.core import queues
from fazhi.core.access import memberships, visible_cases
from fazhi.core.forms import LoginForm
from fazhi.core.middleware import ActiveUnitMiddleware


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    membership = request.active_membership
    panels = []
    for queue in queues.for_membership(membership):
        qs = visible_cases(request.user, queue.cases(request.user, membership))
        panels.append({"queue": queue, "count": qs.count(),
                       "items": list(qs.select_related("handling_unit", "appeal")[:8]),
                       "url": queue.url() if queue.url else None})
    return render(request, "core/home.html", {"panels": panels, "membership": membership})


@login_required
@require_POST
def switch_unit(request):
    wanted = request.POST.get("membership")
    for m in memberships(request.user):
        if str(m.pk) == wanted:
            request.session[ActiveUnitMiddleware.SESSION_KEY] = m.pk
            messages.success(request, _("已切换到 %(unit)s（%(role)s）") % {"unit": m.unit, "role": m.get_role_display()})
            break
    else:
        messages.error(request, _("无效的单位选择"))
    return HttpResponseRedirect("/")


def health(request):
    """Liveness and database reachability for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db_ok = True
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db_ok = False
    return JsonResponse({"status": "ok" if db_ok else "error", "database": db_ok, "version": __version__}, status=200 if db_ok else 503)
