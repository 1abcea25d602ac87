"""Pages of the records the annual report's tables 1 and 3 count: proactive disclosure (with the
XLSX import) and reconsideration and litigation about disclosure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fazhi.core import audit
from fazhi.disclosure import forms, services
from fazhi.disclosure.models import (
    DisclosureRequest,
    DisclosureReview,
    ProactiveRecord,
    ProactiveType,
    PublicationChannel,
)
from fazhi.disclosure.registry import VIEWERS
from fazhi.disclosure.services import OFFICERS
from fazhi.disclosure.views.common import XLSX, _download, _require, _unit, _units_for


@login_required
def proactive(request):
    unit = _unit(request)
    form = forms.ProactiveForm(request.POST or None)
    if request.method == "POST":
        _require(request, OFFICERS)
        if form.is_valid():
            record = form.save(commit=False)
            record.unit, record.created_at, record.created_by = unit, timezone.now(), request.user
            record.save()
            audit.record(action="disclosure.proactive_added", actor=request.user, target=unit.code)
            messages.success(request, "已录入")
            return HttpResponseRedirect(f"{reverse('disclosure_proactive')}?unit={unit.pk}")
    qs = ProactiveRecord.objects.filter(unit=unit)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(document_number__icontains=q) | Q(category__icontains=q))
    for key in ("channel", "record_type"):
        if value := request.GET.get(key):
            qs = qs.filter(**{key: value})
    if (year := request.GET.get("year", "")).isdigit():
        qs = qs.filter(published_on__year=int(year))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/proactive.html",
        {
            "query": query.urlencode(),
            "unit": unit,
            "page": page,
            "form": form,
            "import_form": forms.ImportForm(),
            "units": _units_for(request),
            "errors": request.session.pop("disclosure_import_errors", []),
            "channels": PublicationChannel.choices,
            "types": ProactiveType.choices,
        },
    )


@login_required
@require_POST
def proactive_import(request):
    unit = _unit(request, OFFICERS)
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("未导入任何数据：%s") % "；".join(form.errors.get("file", [])))
    else:
        rows, problems = forms.read_workbook(form.cleaned_data["file"], today=timezone.localdate())
        if problems:
            request.session["disclosure_import_errors"] = problems[:200]
            messages.error(
                request, f"导入失败：发现 {len(problems)} 处问题，未导入任何数据。请修改后重新导入。"
            )
        else:
            count = services.import_proactive(actor=request.user, unit=unit, rows=rows)
            messages.success(request, f"已导入 {count} 条主动公开信息")
    return HttpResponseRedirect(f"{reverse('disclosure_proactive')}?unit={unit.pk}")


@login_required
def proactive_template(request):
    _require(request, VIEWERS)
    return _download(forms.template_workbook(), XLSX, "主动公开信息导入模板.xlsx")


@login_required
def reviews(request):
    unit = _unit(request)
    form = forms.ReviewForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        _require(request, OFFICERS)
        if form.is_valid():
            review = form.save(commit=False)
            number = form.cleaned_data["request_number"].strip()
            review.unit = unit
            review.request = (
                DisclosureRequest.objects.filter(case__number=number, case__owner_unit=unit).first()
                if number
                else None
            )
            if number and review.request is None:
                form.add_error("request_number", "申请编号不存在")
            else:
                review.save()
                audit.record(action="disclosure.review_added", actor=request.user, target=review.case_number)
                messages.success(request, "已登记")
                return HttpResponseRedirect(f"{reverse('disclosure_reviews')}?unit={unit.pk}")
    items = DisclosureReview.objects.filter(unit=unit).select_related("request__case")
    return render(
        request,
        "disclosure/reviews.html",
        {"unit": unit, "items": items, "form": form, "units": _units_for(request)},
    )
