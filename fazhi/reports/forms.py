"""The upload form: the file plus optional corrections of the unit and year the loader guesses."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.core.models import OrgUnit
from fazhi.core.uploads import MAX_UPLOAD_BYTES, TOO_LARGE
from fazhi.reports.services import ALLOWED_SUFFIXES


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("报告文件"),
        help_text=_("支持 TXT、DOCX、PDF（文字版）、网页 HTML，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    unit = forms.ModelChoiceField(
        label=_("对应组织单元（可选）"),
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        help_text=_("选定后，同一单位上一年度的报告会自动用于整改跟踪"),
    )
    unit_name = forms.CharField(
        label=_("报告单位（可选）"), max_length=200, required=False, help_text=_("留空则从报告标题识别")
    )
    year = forms.IntegerField(
        label=_("报告年度（可选）"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("留空则从报告标题识别"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("不支持的文件类型：%(suffix)s（支持 TXT、DOCX、PDF、HTML）"),
                params={"suffix": suffix or _("无扩展名")},
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


class ReportCorrectionForm(forms.Form):
    """Confirming the guessed unit and year: follow-up pairs a report with the same unit's year before."""

    unit = forms.ModelChoiceField(
        label=_("对应组织单元"), queryset=OrgUnit.objects.order_by("path"), required=False
    )
    unit_name = forms.CharField(label=_("报告单位"), max_length=200)
    year = forms.IntegerField(label=_("报告年度"), min_value=2000, max_value=2100)
