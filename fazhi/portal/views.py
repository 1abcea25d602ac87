"""Public pages: submit an appeal, track it with number and query code, rate it or object.

Thin views: the services change state, `progress` decides what a citizen may read, `throttle`
holds the per-IP limits. Proving number and code once puts the appeal in the session, so the
code never travels in a URL (and so into logs, history or a Referer header).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fazhi.appeals.validation import IntakeError
from fazhi.cases.errors import CaseError
from fazhi.portal import progress as citizen
from fazhi.portal import services, throttle
from fazhi.portal.forms import ObjectionForm, RateForm, SubmitForm, TrackForm

SESSION_CASES = "portal_cases"
SESSION_RECEIPT = "portal_receipt"
MAX_REMEMBERED = 20


def _remember(request, number: str) -> None:
    known = [n for n in request.session.get(SESSION_CASES, []) if n != number]
    request.session[SESSION_CASES] = ([number] + known)[:MAX_REMEMBERED]


def _proved(request, number: str):
    """The appeal, if this session has shown its number and code; else None."""
    if number not in request.session.get(SESSION_CASES, []):
        return None
    return services.get(number)


def submit(request):
    form = SubmitForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/submit.html", {"form": form})
    ip = throttle.client_ip(request)
    if not throttle.submit_allowed(ip):
        form.add_error(None, _("您提交得太频繁了，请 10 分钟后再试。如情况紧急，请直接拨打 12345。"))
        return render(request, "portal/submit.html", {"form": form}, status=429)
    if form.is_bot():
        # Counted like a submission so a bot that learns to pass cannot hammer intake either.
        throttle.count_submission(ip)
        form.add_error(None, _("提交未成功，请稍后重试。"))
        return render(request, "portal/submit.html", {"form": form}, status=400)
    if form.is_valid():
        try:
            case = services.submit(raw=form.cleaned_data, confidential=form.cleaned_data["confidential"])
        except IntakeError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            throttle.count_submission(ip)
            request.session[SESSION_RECEIPT] = {"number": case.number, "code": case.appeal.query_code}
            _remember(request, case.number)
            return redirect("portal:receipt")
    return render(request, "portal/submit.html", {"form": form})


@never_cache
def receipt(request):
    receipt = request.session.get(SESSION_RECEIPT)
    if not receipt:
        return redirect("portal:submit")
    return render(request, "portal/receipt.html", {"receipt": receipt})


def track(request):
    form = TrackForm(request.POST or None)
    ip = throttle.client_ip(request)
    locked = throttle.track_locked(ip)
    if request.method == "POST" and not locked and form.is_valid():
        case = services.find(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
        if case is not None:
            _remember(request, case.number)
            return redirect("portal:progress", number=case.number)
        locked = throttle.track_failed(ip)
        if not locked:
            form.add_error(None, _("受理编号或查询码不正确，请核对后重新输入。"))
    status = 429 if locked and request.method == "POST" else 200
    return render(request, "portal/track.html", {"form": form, "locked": locked}, status=status)


@never_cache
def progress(request, number):
    case = _proved(request, number)
    if case is None:
        messages.info(request, _("请输入受理编号和查询码查看办理进度。"))
        return redirect("portal:track")
    return render(
        request,
        "portal/progress.html",
        {
            "p": citizen.build(case, now=timezone.now()),
            "rate_form": RateForm(initial={"version": case.version}),
            "objection_form": ObjectionForm(initial={"version": case.version}),
        },
    )


def _act(request, number, form_class, action, success: str):
    """One citizen action: check the session's proof, validate, call the service, flash, redirect."""
    case = _proved(request, number)
    if case is None:
        return redirect("portal:track")
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    else:
        try:
            action(case, form.cleaned_data)
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect("portal:progress", number=number)


@require_POST
def rate(request, number):
    return _act(
        request,
        number,
        RateForm,
        lambda case, data: services.rate(
            case=case, rating=data["rating"], resolved=data["resolved"], version=data["version"]
        ),
        _("感谢您的评价！"),
    )


@require_POST
def object_to(request, number):
    return _act(
        request,
        number,
        ObjectionForm,
        lambda case, data: services.object_to(case=case, reason=data["reason"], version=data["version"]),
        _("已收到您的申诉，诉求将重新办理，请留意后续答复。"),
    )
