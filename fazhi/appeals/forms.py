from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.appeals.models import AppealType, Urgency
from fazhi.cases.models import Channel

INTAKE_CHANNELS = [c for c in Channel.choices if c[0] in ("hotline", "web", "app", "miniprogram", "letter", "visit")]


class IntakeForm(forms.Form):
    """The hotline agent's intake form; the checks themselves live in appeals.validation."""

    channel = forms.ChoiceField(label=_("渠道"), choices=INTAKE_CHANNELS, initial="hotline")
    appeal_type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices, initial="help")
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial="normal")
    name = forms.CharField(label=_("诉求人姓名"), required=False, max_length=50)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    address = forms.CharField(label=_("事发地址"), required=False, max_length=200)
    title = forms.CharField(label=_("标题"), required=False, max_length=200)
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    matter = forms.CharField(label=_("事项编码（可选）"), required=False, max_length=40)
    confidential = forms.BooleanField(
        label=_("诉求人要求保密"), required=False,
        help_text=_("承办单位只能看到脱敏后的姓名和电话，受理中心仍可查看以便答复和回访"),
    )
