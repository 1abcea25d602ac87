"""Generic case pages shared by every kind: the list with filters, the case page, transitions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.cases import services
from fazhi.cases import workflow as workflows
from fazhi.cases.errors import CaseError
from fazhi.cases.models import Case, Channel
from fazhi.core import audit
from fazhi.core.access import can_see_case, roles_of, visible_cases
from fazhi.core.masking import (
    can_see_personal_data,
    can_see_requester,
    is_confidential,
    mask_id_number,
    mask_name,
    mask_phone,
)
from fazhi.core.models import OrgUnit

PAGE_SIZE = 25


def day_range(first: str | None, last: str | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in local time for a "from … to …" pair of YYYY-MM-DD days, both days included.

    People name the last day they want ("至 3月31日"), so the end is the midnight after it.
    A malformed day is ignored rather than refused: a filter bar should never 500 on a typo.
    """
    tz = timezone.get_current_timezone()

    def day(raw):
        try:
            return datetime.strptime(raw, "%Y-%m-%d").date() if raw else None
        except ValueError:
            return None

    first, last = day(first), day(last)
    start = datetime.combine(first, time.min, tzinfo=tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz) if last else None
    return start, end


def filter_cases(qs, params):
    """The list filters, shared by the page and the API."""
    if kind := params.get("kind"):
        qs = qs.filter(kind=kind)
    if state := params.get("state"):
        qs = qs.filter(state=state)
    if (unit := params.get("unit")) and str(unit).isdigit():
        qs = qs.filter(handling_unit_id=unit)
    if channel := params.get("channel"):
        qs = qs.filter(channel=channel)
    if matter := (params.get("matter") or "").strip():
        # A catalogue code selects its whole subtree (three levels); otherwise a name fragment.
        qs = qs.filter(Q(appeal__matter__code=matter) | Q(appeal__matter__parent__code=matter)
                       | Q(appeal__matter__parent__parent__code=matter) | Q(appeal__matter__name__icontains=matter))
    start, end = day_range(params.get("from"), params.get("to"))
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lt=end)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(number__icontains=q))
    if params.get("overdue") == "1":
        qs = qs.overdue()
    if params.get("open") == "1":
        qs = qs.open()
    return qs


@login_required
def case_list(request):
    # The appeal comes along for the 保密 badge (a LEFT JOIN; other kinds have none).
    qs = visible_cases(request.user, Case.objects.select_related("handling_unit", "owner_unit", "appeal"))
    qs = filter_cases(qs, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    kind = request.GET.get("kind")
    states = workflows.get(kind).states if kind in workflows.all_workflows() else {}
    return render(request, "cases/list.html", {
        "page": page, "query": query.urlencode(), "kinds": workflows.all_workflows(), "states": states,
        "channels": Channel.choices,
        "units": OrgUnit.objects.filter(level__in=["department", "street", "company"]).order_by("name"),
        "now": timezone.now(),
    })


def requester_view(user, case) -> dict | None:
    """The requester as `user` may see them; who sees what is masking.can_see_requester's call."""
    requester = case.requester
    if requester is None:
        return None
    confidential = is_confidential(case)
    if can_see_requester(user, case):
        return {"name": requester.name, "phone": requester.phone, "id_number": requester.id_number,
                "address": requester.address, "masked": False, "confidential": confidential}
    # The address is the place of the matter too: a handler masked only because the requester
    # asked for confidentiality keeps it in full, or the appeal could not be handled.
    address = requester.address if can_see_personal_data(roles_of(user)) else (
        requester.address[:6] + "…" if requester.address else "")
    return {"name": mask_name(requester.name), "phone": mask_phone(requester.phone),
            "id_number": mask_id_number(requester.id_number), "address": address, "masked": True,
            "confidential": confidential}


@login_required
def case_detail(request, number):
    related = ("owner_unit", "handling_unit", "requester", "appeal")
    case = get_object_or_404(Case.objects.select_related(*related), number=number)
    if not can_see_case(request.user, case):
        audit.record(action="permission.denied", actor=request.user, target=number, details={"path": request.path})
        raise Http404
    requester = requester_view(request.user, case)
    if requester and requester["confidential"] and not requester["masked"]:
        # Who read a confidential requester's identity, and when: the answer to "how did the unit
        # I complained about learn my name?" must not depend on anyone's memory.
        audit.record(action="appeal.confidential_viewed", actor=request.user, target=number)
    wf = workflows.get(case.kind)
    return render(request, [f"{case.kind}/detail.html", "cases/detail.html"], {
        "case": case, "wf": wf, "state_label": wf.states.get(case.state, case.state),
        "events": case.events.select_related("actor", "unit").all(),
        "actions": services.allowed_transitions(case=case, actor=request.user),
        "requester": requester,
        "confidential": is_confidential(case),
        # so a kind's template offers its extra forms (merge, escalate) only to roles that may use them
        "roles": roles_of(request.user),
        "units": OrgUnit.objects.exclude(level__in=["city", "district", "centre"]).order_by("level", "name"),
        "now": timezone.now(),
    })


def params_from(post) -> dict:
    params = {}
    for key in ("unit", "extension", "rating", "resolved", "reply", "outcome"):
        if post.get(key) not in (None, ""):
            params[key] = post.get(key)
    if post.getlist("units"):
        params["units"] = post.getlist("units")
    return params


@login_required
@require_POST
def case_transition(request, number, name):
    case = get_object_or_404(Case, number=number)
    if not can_see_case(request.user, case):
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.transition(case=case, name=name, actor=request.user, version=version,
                            comment=request.POST.get("comment", ""), params=params_from(request.POST))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        label = workflows.get(case.kind).transitions[name].label
        messages.success(request, f"{case.number}：{label} 成功")
    return HttpResponseRedirect(reverse("case_detail", args=[number]))
