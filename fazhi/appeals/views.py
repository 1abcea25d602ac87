"""Appeal pages: intake, the KPI dashboard with drill-down and export, merge and escalation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fazhi.appeals import dashboard as dashboard_view
from fazhi.appeals import kpis, services
from fazhi.appeals.forms import IntakeForm
from fazhi.appeals.models import KnowledgeAnswer, Matter
from fazhi.appeals.validation import IntakeError
from fazhi.cases.errors import CaseError
from fazhi.cases.models import Case, Channel
from fazhi.cases.views import day_range
from fazhi.core import audit
from fazhi.core.access import acting_membership, can_see_case, is_centre, roles_of, units_of, visible_cases
from fazhi.core.models import OrgUnit, Role

INTAKE_ROLES = {Role.INTAKE_AGENT, Role.CENTRE_ADMIN}
KPI_ROLES = {Role.LEADER, Role.CENTRE_ADMIN, Role.DISPATCHER, Role.REVIEWER, Role.AUDITOR}


def _require(request, roles):
    if not (request.user.is_superuser or roles_of(request.user) & roles):
        audit.record(action="permission.denied", actor=request.user, target=request.path)
        raise PermissionDenied


def _acting_on(request, number: str, roles) -> Case:
    """The appeal, if the user sees it and holds one of `roles` in a unit covering it (else 404/403)."""
    case = get_object_or_404(Case.objects.select_related("owner_unit", "handling_unit"), number=number, kind="appeal")
    if not can_see_case(request.user, case):
        audit.record(action="permission.denied", actor=request.user, target=number, details={"path": request.path})
        raise Http404
    if not request.user.is_superuser and acting_membership(
            request.user, roles=roles, targets=[case.owner_unit, case.handling_unit]) is None:
        audit.record(action="permission.denied", actor=request.user, target=number, details={"path": request.path})
        raise PermissionDenied
    return case


@login_required
def intake(request):
    _require(request, INTAKE_ROLES)
    form = IntakeForm(request.POST or None)
    answers = []
    q = request.GET.get("kb", "").strip()
    if q:
        answers = KnowledgeAnswer.objects.filter(
            Q(question__icontains=q) | Q(keywords__icontains=q) | Q(answer__icontains=q))[:10]
    if request.method == "POST" and form.is_valid():
        try:
            case, _created = services.intake(actor=request.user, raw=form.cleaned_data)
        except IntakeError as exc:
            for field_name, message in exc.errors.items():
                form.add_error(field_name if field_name in form.fields else None, message)
        else:
            messages.success(request, f"已登记诉求 {case.number}")
            return HttpResponseRedirect(reverse("case_detail", args=[case.number]))
    return render(request, "appeals/intake.html", {"form": form, "answers": answers, "kb": q})


def _period(request) -> kpis.KpiFilter:
    """The dashboard's filters, scoped to the user's units unless they see the whole district.

    "至" names the last day the leader wants counted, while KpiFilter.end is exclusive: the end
    is the midnight after that day, or a report "1 to 31 March" would silently drop the 31st.
    """
    start, end = day_range(request.GET.get("from"), request.GET.get("to"))
    unit, matter = request.GET.get("unit"), request.GET.get("matter")
    user = request.user
    scope = None
    if not (user.is_superuser or is_centre(user) or any(u.level == "district" for u in units_of(user))):
        scope = tuple(u.path for u in units_of(user))
    return kpis.KpiFilter(start=start, end=end, unit=int(unit) if unit and unit.isdigit() else None,
                          category=request.GET.get("category", ""), channel=request.GET.get("channel", ""),
                          matter=int(matter) if matter and matter.isdigit() else None, scope=scope)


@login_required
def dashboard(request):
    _require(request, KPI_ROLES)
    f = _period(request)
    report = kpis.dashboard(f)
    return render(request, "appeals/dashboard.html", {
        "cards": dashboard_view.cards(report["figures"]), "units": report["units"], "matters": report["matters"],
        "channel_rows": report["channels"], "charts": dashboard_view.charts(report),
        "query": request.GET.urlencode(), "channels": Channel.choices,
        "all_units": OrgUnit.objects.filter(level__in=["department", "street"]).order_by("name"),
        "all_matters": Matter.objects.filter(level__lte=2, active=True).order_by("code"),
    })


@login_required
def drill(request, name):
    _require(request, KPI_ROLES)
    s = kpis.sets(_period(request))
    if name not in s:
        raise Http404
    qs = visible_cases(request.user, s[name]).select_related("handling_unit").order_by("-received_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "appeals/drill.html", {"page": page, "name": name, "query": query.urlencode(),
                                                  "title": dashboard_view.SET_LABELS.get(name, name)})


def _conditions(request, f: kpis.KpiFilter) -> list[tuple[str, str]]:
    """The filters in words, for the export's last sheet."""
    every = _("全部")
    unit = OrgUnit.objects.filter(pk=f.unit).values_list("name", flat=True).first() if f.unit else None
    matter = Matter.objects.filter(pk=f.matter).values_list("name", flat=True).first() if f.matter else None
    return [
        (_("受理日期自"), request.GET.get("from") if f.start else every),
        (_("受理日期至（含当日）"), request.GET.get("to") if f.end else every),
        (_("承办单位"), unit or every),
        (_("渠道"), str(Channel(f.channel).label) if f.channel in Channel.values else every),
        (_("事项"), matter or every),
        (_("分类"), f.category or every),
        (_("统计范围"), _("全区") if f.scope is None else _("本单位及下级单位")),
    ]


@login_required
def export_kpis(request):
    _require(request, KPI_ROLES)
    from fazhi.appeals.export import kpi_workbook

    f = _period(request)
    report = kpis.report(f, limit=500)
    data = kpi_workbook(report, dashboard_view.KPI_CARDS, _conditions(request, f))
    audit.record(action="appeal.kpis_exported", actor=request.user, details={"query": request.GET.urlencode()})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="appeal-kpis.xlsx"'
    return response


@login_required
@require_POST
def merge(request, number):
    case = _acting_on(request, number, {Role.DISPATCHER, Role.CENTRE_ADMIN})
    into = Case.objects.filter(number=request.POST.get("into", "").strip(), kind="appeal").first()
    if into is None or not can_see_case(request.user, into):
        messages.error(request, "目标诉求编号不存在")
    else:
        try:
            services.merge(case=case, into=into, actor=request.user)
            messages.success(request, f"已并入 {into.number}")
        except CaseError as exc:
            messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("case_detail", args=[number]))


@login_required
@require_POST
def escalate(request, number):
    case = _acting_on(request, number, {Role.LEADER, Role.CENTRE_ADMIN})
    try:
        services.escalate(case=case, actor=request.user, comment=request.POST.get("comment", ""))
        messages.success(request, "已督办")
    except CaseError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("case_detail", args=[number]))


@login_required
def auto_dispatch(request):
    """The model in use, the decisions taken about it, and the switch (centre admins only)."""
    _require(request, {Role.CENTRE_ADMIN})
    from fazhi.appeals import policy, routing
    from fazhi.appeals.models import AutoDispatchPolicy

    model = routing.current_model()
    t97 = model.threshold_for(precision=0.97) if model else None
    errors = []
    if request.method == "POST":
        try:
            threshold = float(request.POST.get("threshold") or 0)
        except ValueError:
            threshold = -1
        try:
            policy.decide(actor=request.user, enabled=request.POST.get("enabled") == "1", threshold=threshold,
                          assessment=request.POST.get("assessment", ""),
                          model_version=model.version if model else "",
                          evaluation=(model.metadata.get("metrics", {}) if model else {}))
        except IntakeError as exc:
            errors = list(exc.errors.values())
        else:
            messages.success(request, "已记录决定")
            return HttpResponseRedirect(reverse("appeal_auto_dispatch"))
    return render(request, "appeals/auto_dispatch.html", {
        "model": model, "meta": model.metadata if model else {}, "t97": t97,
        "t99": model.threshold_for(precision=0.99) if model else None,
        "suggested_threshold": round(t97, 3) if t97 else 0.97, "errors": errors,
        "history": AutoDispatchPolicy.objects.select_related("approved_by")[:20],
    })
