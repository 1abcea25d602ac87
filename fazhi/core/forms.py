from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fazhi.core.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错 5 次将锁定账户 15 分钟。"),
        "inactive": _("该账户已停用。"),
    }

    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        username = self.cleaned_data.get("username")
        user = User.objects.filter(username=username).first() if username else None
        if user and user.locked_until and user.locked_until > timezone.now():
            minutes = int((user.locked_until - timezone.now()).total_seconds() // 60) + 1
            raise forms.ValidationError(_("账户因多次密码错误已锁定，请 %(m)d 分钟后再试。") % {"m": minutes})
        return super().clean()
