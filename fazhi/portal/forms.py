"""The portal's forms. They only shape input for the page; the rules live in the services.

Intake validation (content, phone, lengths) belongs to appeals.validation so the portal refuses
exactly what the hotline and the API refuse; these forms therefore mark nothing required that
intake itself checks, and the view puts IntakeError's messages beside the fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.appeals.models import AppealType, Rating

HONEYPOT = "website"


class SubmitForm(forms.Form):
    appeal_type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices, initial=AppealType.HELP)
    title = forms.CharField(
        label=_("标题"),
        required=False,
        max_length=200,
        help_text=_("可不填，默认取诉求内容的前 30 个字"),
        widget=forms.TextInput(attrs={"placeholder": _("一句话概括您的诉求")}),
    )
    content = forms.CharField(
        label=_("诉求内容"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": _("请写明事情经过、发生时间、涉及的单位或人员，以及您希望如何解决"),
            }
        ),
    )
    name = forms.CharField(
        label=_("姓名"), required=False, max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        help_text=_("用于回访和答复，不会公开"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("事发地址"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：东湖街道东湖路 18 号")}),
    )
    confidential = forms.BooleanField(
        label=_("请对我的个人信息保密（承办单位不可见姓名和电话）"),
        required=False,
        help_text=_("受理中心仍可看到您的联系方式，以便答复和回访；诉求内容照常转交承办单位办理"),
    )
    # Honeypot: hidden from people by CSS, filled in by form-stuffing bots.
    website = forms.CharField(
        required=False,
        label=_("网址（请勿填写）"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("受理编号"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "SQ-2026-000123", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("6 位数字")}
        ),
    )


class RateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label=_("满意度"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度")},
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否已解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题是否已解决")},
    )


class ObjectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("申诉理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请说明您对办理结果不满意的原因")}),
        error_messages={"required": _("请填写申诉理由")},
    )
