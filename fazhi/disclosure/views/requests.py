"""The pages of disclosure requests: the officer's queue, staff intake, actions with inputs, the
answer form and letter downloads. The request page itself is the generic case page
(cases/detail.html → disclosure/detail.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.cases.errors import CaseError
from fazhi.cases.models import Case
from fazhi.core import audit
from fazhi.core.access import can_see_case, visible_cases
from fazhi.disclosure import forms, services
from fazhi.disclosure.models import DisclosureLetter
from fazhi.disclosure.services import OFFICERS
from fazhi.disclosure.views.common import DOCX, _case, _download, _require, _unit, _units_for
from fazhi.disclosure.workflow import STATES, WORKFLOW

# The inputs each action form may send; anything else in the POST is ignored.
ACTION_INPUTS = (
    "amendment_items",
    "amend_by",
    "amend_channel",
    "guidance",
    "amendment_received_on",
    "description",
    "third_party_name",
    "third_party_interest",
    "information_description",
    "reply_by",
    "extension",
    "reason",
    "delivered_on",
    "delivery_method",
    "document_number",
    "contact_person",
    "contact_phone",
    "fee_method",
    "nth_in_month",
    "pages",
    "pay_channel",
    "fee_paid_on",
)


@login_required
def queue(request):
    unit = _unit(request)
    qs = visible_cases(
        request.user, Case.objects.filter(kind="disclosure", owner_unit__path__startswith=unit.path)
    )
    if request.GET.get("all") != "1":
        qs = qs.open()
    if state := request.GET.get("state"):
        qs = qs.filter(state=state)
    if request.GET.get("due") == "1":
        now = timezone.now()
        qs = qs.filter(Q(warn_at__lte=now) | Q(warned_at__isnull=False) | Q(due_at__lt=now))
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(body__icontains=q))
    qs = qs.select_related("disclosure", "owner_unit").order_by("closed_at", "due_at", "received_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "case": c,
            "d": c.disclosure,
            "clock": services.clock_status(c, on=today),
            "state_label": STATES.get(c.state, c.state),
        }
        for c in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/queue.html",
        {
            "unit": unit,
            "rows": rows,
            "page": page,
            "states": STATES,
            "query": query.urlencode(),
            "units": _units_for(request),
        },
    )


@login_required
def intake(request):
    unit = _unit(request, OFFICERS)
    form = forms.IntakeForm(request.POST or None, initial={"submitted_on": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            case, _created = services.register(actor=request.user, unit=unit, raw=form.cleaned_data)
        except services.RequestError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"已登记政府信息公开申请 {case.number}，答复期限 {timezone.localtime(case.due_at):%Y-%m-%d}",
            )
            return HttpResponseRedirect(reverse("case_detail", args=[case.number]))
    return render(request, "disclosure/intake.html", {"form": form, "unit": unit})


@login_required
@require_POST
def act(request, number, name):
    case = _case(request, number)
    params = {k: request.POST[k] for k in ACTION_INPUTS if request.POST.get(k, "") != ""}
    try:
        services.act(
            case=case,
            name=name,
            actor=request.user,
            version=int(request.POST.get("version") or -1),
            comment=request.POST.get("comment", ""),
            params=params,
        )
    except (CaseError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "输入有误"))
    else:
        messages.success(request, f"{case.number}：{WORKFLOW.transitions[name].label} 成功")
    return HttpResponseRedirect(reverse("case_detail", args=[number]))


@login_required
def answer(request, number):
    """作出答复: pick the outcome, fill the fields its letter paragraph needs, preview a draft, answer."""
    _require(request, OFFICERS)
    case = _case(request, number)
    choice = forms.OutcomeChoiceForm(request.POST or request.GET or None)
    outcome = choice.cleaned_data["outcome"] if choice.is_valid() else None
    form = forms.answer_form_class(outcome)(request.POST or None) if outcome else None
    if request.method == "POST" and form is not None and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "comment"}
        if "draft" in request.POST:
            data = services.draft_response(case, outcome, values, now=timezone.now())
            return _download(data, DOCX, f"{case.number}-答复书（草稿）.docx")
        try:
            services.act(
                case=case,
                name="answer",
                actor=request.user,
                version=int(request.POST.get("version") or -1),
                comment=form.cleaned_data.get("comment", ""),
                params={"outcome": outcome, **values},
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{case.number}：已作出答复并生成答复书")
            return HttpResponseRedirect(reverse("case_detail", args=[number]))
    return render(
        request,
        "disclosure/answer.html",
        {"case": case, "d": case.disclosure, "choice": choice, "form": form, "outcome": outcome},
    )


@login_required
def letter(request, pk):
    item = get_object_or_404(DisclosureLetter.objects.select_related("request__case"), pk=pk)
    if not can_see_case(request.user, item.request.case):
        raise Http404
    audit.record(
        action="disclosure.letter_downloaded",
        actor=request.user,
        target=item.request.case.number,
        details={"letter": item.pk, "kind": item.kind},
    )
    return _download(bytes(item.content), DOCX, item.filename)
