"""Public disclosure pages: ask for government information, then track the request.

Modelled on the appeals portal (fazhi.portal): no account, CSRF, a honeypot, per-IP limits,
a receipt with number and query code shown once, and a tracking page that shows only what
`public_services.status` lets a requester read. The forms only carry the inputs: intake rules
live in services.clean_request, whose Chinese messages are put beside the fields.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache

from fazhi.cases.errors import CaseError
from fazhi.disclosure import public_services as public
from fazhi.disclosure.models import AcquisitionMethod, ProvisionForm
from fazhi.disclosure.outcomes import RequesterType
from fazhi.disclosure.services import RequestError
from fazhi.portal.throttle import client_ip

SESSION_RECEIPT = "disclosure_public_receipt"
HONEYPOT = "website"


class PublicRequestForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_l("受理机关"),
        queryset=public.receiving_units(),
        empty_label=_l("请选择向哪个机关申请"),
        error_messages={"required": _l("请选择受理机关"), "invalid_choice": _l("请选择受理机关")},
    )
    requester_type = forms.ChoiceField(
        label=_l("申请人类型"),
        choices=RequesterType.choices,
        error_messages={"required": _l("请选择申请人类型"), "invalid_choice": _l("申请人类型无效")},
    )
    name = forms.CharField(label=_l("姓名（法人或其他组织填联系人）"), required=False, max_length=100)
    organisation = forms.CharField(
        label=_l("法人或其他组织名称"),
        required=False,
        max_length=200,
        help_text=_l("申请人为法人或其他组织时填写"),
    )
    id_number = forms.CharField(label=_l("身份证件号码或统一社会信用代码"), required=False, max_length=30)
    phone = forms.CharField(
        label=_l("联系电话"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_l("通信地址"), required=False, max_length=200)
    email = forms.CharField(
        label=_l("电子邮箱（选填）"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )
    description = forms.CharField(
        label=_l("所需政府信息的名称、文号或便于查询的其他特征性描述"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": _l("例如：2025年示范区老旧小区改造项目的立项批复文件（文号如知道请写明）"),
            }
        ),
    )
    purpose = forms.CharField(label=_l("用途（选填）"), required=False, max_length=200)
    form_of_provision = forms.ChoiceField(
        label=_l("提供政府信息的形式"),
        choices=[(c, label) for c, label in ProvisionForm.choices if c in ("paper", "electronic")],
        initial=ProvisionForm.ELECTRONIC,
        widget=forms.RadioSelect,
        error_messages={
            "required": _l("请选择提供政府信息的形式"),
            "invalid_choice": _l("请选择提供政府信息的形式"),
        },
    )
    acquisition_method = forms.ChoiceField(
        label=_l("获取政府信息的方式"),
        choices=[
            (c, label) for c, label in AcquisitionMethod.choices if c in ("post", "email", "pickup", "online")
        ],
        initial=AcquisitionMethod.POST,
        error_messages={
            "required": _l("请选择获取政府信息的方式"),
            "invalid_choice": _l("请选择获取政府信息的方式"),
        },
    )
    # Honeypot: hidden from people by CSS, filled in by form-stuffing bots.
    website = forms.CharField(
        required=False,
        label=_l("网址（请勿填写）"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_l("申请编号"),
        max_length=40,
        error_messages={"required": _l("请填写申请编号")},
        widget=forms.TextInput(attrs={"placeholder": "GK-2026-000123", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_l("查询码"),
        max_length=12,
        error_messages={"required": _l("请填写查询码")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _l("6 位数字")}
        ),
    )


def request_form(request):
    form = PublicRequestForm(request.POST or None)
    if request.method != "POST":
        return render(request, "disclosure/public/form.html", {"form": form})
    ip = client_ip(request)
    if not public.submit_allowed(ip):
        form.add_error(None, _("您提交得太频繁了，请 10 分钟后再试。"))
        return render(request, "disclosure/public/form.html", {"form": form}, status=429)
    if form.is_bot():
        public.count_submission(ip)  # a bot that learns to pass cannot hammer intake either
        form.add_error(None, _("提交未成功，请稍后重试。"))
        return render(request, "disclosure/public/form.html", {"form": form}, status=400)
    # Run the service's checks even when the unit is missing, so every problem shows at once.
    valid = form.is_valid()
    try:
        public.check(form.data)
    except RequestError as exc:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
        valid = False
    if valid:
        try:
            case, code = public.submit(unit=form.cleaned_data["unit"], raw=form.cleaned_data)
        except RequestError as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            public.count_submission(ip)
            request.session[SESSION_RECEIPT] = {
                "number": case.number,
                "code": code,
                "unit": case.owner_unit.name,
                "received_on": case.disclosure.received_on.isoformat(),
            }
            return redirect("disclosure_public_receipt")
    return render(request, "disclosure/public/form.html", {"form": form})


@never_cache
def receipt(request):
    data = request.session.get(SESSION_RECEIPT)
    if not data:
        return redirect("disclosure_public")
    return render(request, "disclosure/public/receipt.html", {"receipt": data})


@never_cache
def track(request):
    """Number + code in a POST (never in a URL); the status is the answer to that POST."""
    form = TrackForm(request.POST or None)
    ip = client_ip(request)
    locked = public.track_locked(ip)
    if request.method == "POST" and not locked and form.is_valid():
        case = public.find(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
        if case is not None:
            return render(request, "disclosure/public/status.html", {"s": public.status(case)})
        locked = public.track_failed(ip)
        if not locked:
            form.add_error(None, _("申请编号或查询码不正确，请核对后重新输入。"))
    status = 429 if locked and request.method == "POST" else 200
    return render(request, "disclosure/public/track.html", {"form": form, "locked": locked}, status=status)
