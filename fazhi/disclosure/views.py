"""Disclosure pages: the officer's queue, intake, actions with inputs, letters, the annual report,
the dashboard, proactive records and reviews. Views parse input and call services; nothing more.

The request page itself is the generic case page (cases/detail.html → disclosure/detail.html).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.cases.errors import CaseError
from fazhi.cases.models import Case
from fazhi.core import audit
from fazhi.core.access import can_see_case, covers, memberships, roles_of, visible_cases
from fazhi.core.models import OrgUnit, Role
from fazhi.disclosure import export, forms, services
from fazhi.disclosure.annual import COL_TOTAL, OUTCOME_ROWS, REQUESTER_COLUMNS, ROW_LABELS, ROW_OUTCOME_TOTAL
from fazhi.disclosure.models import (
    DisclosureLetter,
    DisclosureRequest,
    DisclosureReview,
    ProactiveRecord,
    ProactiveType,
    PublicationChannel,
)
from fazhi.disclosure.registry import VIEWERS
from fazhi.disclosure.services import OFFICERS
from fazhi.disclosure.workflow import STATES, WORKFLOW

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
)


def _require(request, roles) -> None:
    if not (request.user.is_superuser or roles_of(request.user) & roles):
        audit.record(action="permission.denied", actor=request.user, target=request.path)
        raise PermissionDenied


def _unit(request, roles=VIEWERS) -> OrgUnit:
    """The unit a page is about: ?unit= when the user may see it, else the active membership's unit."""
    _require(request, roles)
    ms = [m for m in memberships(request.user) if m.role in roles]
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted and str(wanted).isdigit():
        unit = OrgUnit.objects.filter(pk=int(wanted)).first()
        if unit and (request.user.is_superuser or any(m.unit.is_centre or covers(m.unit, unit) for m in ms)):
            return unit
    active = request.active_membership
    if active is not None and active.role in roles:
        return active.unit
    if ms:
        return ms[0].unit
    return OrgUnit.objects.order_by("path").first()


def _units_for(request):
    if request.user.is_superuser or any(m.unit.is_centre for m in memberships(request.user)):
        return OrgUnit.objects.filter(level__in=["district", "department", "street"]).order_by("path")
    return [m.unit for m in memberships(request.user) if m.role in VIEWERS]


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


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


def _case(request, number) -> Case:
    case = get_object_or_404(Case.objects.select_related("owner_unit"), number=number, kind="disclosure")
    if not can_see_case(request.user, case):
        raise Http404
    return case


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


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"download\"; filename*=UTF-8''{quote(filename)}"
    return response


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


def _table(grid, links: dict | None = None) -> dict:
    """A national-format grid as HTML: each cell once, at its first row, with its spans and the
    column widths of the printed format (as percentages)."""
    rows: list[list[dict]] = [[] for _ in range(grid.rows)]
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        rows[c.row].append(
            {
                "value": export._show(c.value),
                "rowspan": c.rowspan,
                "colspan": c.colspan,
                "header": c.header,
                "label": isinstance(c.value, str) and not c.header,
                "link": (links or {}).get((c.row, c.col)),
            }
        )
    total = sum(grid.widths_mm)
    return {"rows": rows, "widths": [round(w * 100 / total, 2) for w in grid.widths_mm]}


def _members(tables, row: str, column: str) -> list:
    rows = OUTCOME_ROWS if row == ROW_OUTCOME_TOTAL else (row,)
    cols = REQUESTER_COLUMNS if column == COL_TOTAL else (column,)
    return [i for r in rows for c in cols for i in tables.requests.members.get((r, c), [])]


@login_required
def annual(request):
    unit, year = _unit(request), _year(request)
    if request.method == "POST":
        _require(request, OFFICERS | {Role.LEADER})
        try:
            if "finalise" in request.POST:
                services.finalise_annual(unit=unit, year=year, actor=request.user)
                messages.success(request, f"{year}年度报告已定稿，结转数据已固定")
            else:
                text = forms.AnnualTextForm(request.POST)
                if text.is_valid():
                    services.save_annual_text(
                        unit=unit, year=year, actor=request.user, data=text.cleaned_data
                    )
                    messages.success(request, "已保存")
                else:
                    messages.error(request, "；".join(e for errs in text.errors.values() for e in errs))
        except CaseError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(f"{reverse('disclosure_annual')}?unit={unit.pk}&year={year}")
    view = services.annual_report(unit=unit, year=year)
    keys = ("new", "carried_over", *OUTCOME_ROWS, ROW_OUTCOME_TOTAL, "carried_forward")
    columns = (*REQUESTER_COLUMNS, COL_TOTAL)
    base = f"?unit={unit.pk}&year={year}&cell="
    links = {
        (3 + r, 3 + c): f"{base}{key}.{col}#drill"
        for r, key in enumerate(keys)
        for c, col in enumerate(columns)
    }
    drill = None
    if "." in (cell := request.GET.get("cell", "")):
        row, column = cell.split(".", 1)
        if row in keys and column in columns:
            ids = _members(view.tables, row, column)
            drill = {
                "label": ROW_LABELS[row],
                "cases": Case.objects.filter(pk__in=ids).select_related("disclosure"),
            }
    numbers = {r.number for p in view.problems for r in view.records if r.id in p.request_ids}
    return render(
        request,
        "disclosure/annual.html",
        {
            "unit": unit,
            "year": year,
            "view": view,
            "units": _units_for(request),
            "drill": drill,
            "table1": _table(export.table1_grid(view.tables)),
            "table2": _table(export.table2_grid(view.tables), links),
            "table3": _table(export.table3_grid(view.tables)),
            "text_form": forms.AnnualTextForm(instance=view.report),
            "problem_numbers": sorted(numbers),
            "part_titles": export.PART_TITLES,
        },
    )


@login_required
def annual_export(request, fmt):
    unit, year = _unit(request), _year(request)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    data = services.export_annual(unit=unit, year=year, fmt=fmt, actor=request.user)
    return _download(
        data, DOCX if fmt == "docx" else XLSX, f"{unit.name}{year}年政府信息公开工作年度报告.{fmt}"
    )


@login_required
def dashboard(request):
    unit, year = _unit(request), _year(request)
    figures = services.dashboard(unit=unit, year=year)
    charts = {k: figures[k] for k in ("months", "by_month", "outcomes", "requester_types")}
    return render(
        request,
        "disclosure/dashboard.html",
        {"unit": unit, "year": year, "f": figures, "units": _units_for(request), "charts": charts},
    )


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
        messages.error(request, "请选择要导入的 XLSX 文件")
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
