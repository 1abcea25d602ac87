"""Forms of the disclosure pages, and the row-by-row reading of a proactive-disclosure workbook.

Intake checks live in services.clean_request (the API shares them); these forms only carry the
inputs and show the service's per-field messages next to the fields.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from fazhi.core.uploads import MAX_UPLOAD_BYTES, TOO_LARGE
from fazhi.disclosure import letters
from fazhi.disclosure.models import (
    LETTER_FIELD_LABELS,
    AcquisitionMethod,
    AnnualReport,
    DisclosureReview,
    ProactiveRecord,
    ProactiveType,
    ProvisionForm,
    PublicationChannel,
)
from fazhi.disclosure.outcomes import Outcome, ReceiptChannel, RequesterType
from fazhi.disclosure.services import AUTO_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class IntakeForm(forms.Form):
    """Staff enter a request received by letter, fax, in person or online, with the dates Art. 31 needs."""

    requester_type = forms.ChoiceField(label=_("申请人类型"), choices=RequesterType.choices)
    name = forms.CharField(label=_("姓名（法人或其他组织填联系人）"), required=False, max_length=100)
    organisation = forms.CharField(label=_("法人或其他组织名称"), required=False, max_length=200)
    id_number = forms.CharField(label=_("身份证件号码或统一社会信用代码"), required=False, max_length=30)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    address = forms.CharField(label=_("通信地址"), required=False, max_length=200)
    email = forms.CharField(label=_("电子邮箱"), required=False, max_length=100)
    receipt_channel = forms.ChoiceField(label=_("申请方式"), choices=ReceiptChannel.choices)
    submitted_on = forms.CharField(label=_("提交日期"), widget=DATE, required=False)
    signed_on = forms.CharField(label=_("签收日期（邮寄）"), widget=DATE, required=False)
    confirmed_on = forms.CharField(label=_("确认日期（平常信函、互联网、传真）"), widget=DATE, required=False)
    description = forms.CharField(
        label=_("所需信息的内容描述"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    purpose = forms.CharField(label=_("用途（选填）"), required=False, max_length=200)
    form_of_provision = forms.ChoiceField(label=_("提供形式"), choices=ProvisionForm.choices)
    acquisition_method = forms.ChoiceField(label=_("获取方式"), choices=AcquisitionMethod.choices)


def answer_form_class(outcome: str) -> type[forms.Form]:
    """The answer form for one outcome: the letter fields its paragraph uses, required as the template says."""
    fields: dict[str, forms.Field] = {}
    for name, spec in letters.response_letter_fields(outcome=outcome).items():
        if name in AUTO_FIELDS:
            continue
        label = LETTER_FIELD_LABELS.get(name, name)
        if name.endswith("_date"):
            fields[name] = forms.DateField(label=label, required=spec.required, widget=DATE)
        elif name in ("withheld_reason", "reason", "third_party_reply"):
            fields[name] = forms.CharField(
                label=label, required=spec.required, widget=forms.Textarea(attrs={"rows": 3})
            )
        else:
            fields[name] = forms.CharField(
                label=label,
                required=spec.required,
                max_length=300,
                help_text=_("默认：%s") % spec.default if spec.default else "",
            )
    fields["fee_amount"] = forms.DecimalField(
        label=_("收取的信息处理费（元，无则留空）"), required=False, min_value=0, decimal_places=2
    )
    fields["comment"] = forms.CharField(
        label=_("办理备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    return type("AnswerForm", (forms.Form,), fields)


# Reached only through their own steps (the amendment and fee periods running out), never picked.
FLOW_OUTCOMES = frozenset({Outcome.OTHER_NOT_AMENDED, Outcome.OTHER_FEE_UNPAID})


class OutcomeChoiceForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=[c for c in Outcome.choices if c[0] not in FLOW_OUTCOMES]
    )


class ProactiveForm(forms.ModelForm):
    link = forms.URLField(label=_("链接"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = ProactiveRecord
        fields = [
            "category",
            "title",
            "published_on",
            "channel",
            "document_number",
            "link",
            "record_type",
            "quantity",
            "fee_amount",
        ]
        widgets = {"published_on": DATE}


class ReviewForm(forms.ModelForm):
    request_number = forms.CharField(label=_("涉及的申请编号（选填）"), required=False, max_length=40)

    class Meta:
        model = DisclosureReview
        fields = ["kind", "result", "year", "case_number", "filed_on", "decided_on", "note"]
        widgets = {"filed_on": DATE, "decided_on": DATE}


class AnnualTextForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [
            "overview",
            "problems_and_improvements",
            "other_matters",
            "rules_in_force",
            "normative_documents_in_force",
        ]
        widgets = {
            k: forms.Textarea(attrs={"rows": 5})
            for k in ("overview", "problems_and_improvements", "other_matters")
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX 文件"),
        error_messages={"required": _("请选择要导入的 XLSX 文件"), "empty": _("上传的文件是空的")},
    )

    def clean_file(self):
        """Refuse an oversize file before openpyxl reads it: a workbook is a zip that unpacks to
        many times its size, and the import is all-or-nothing in one request."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE, code="too_large")
        return upload


# -- the proactive-disclosure workbook -------------------------------------------------------------
IMPORT_COLUMNS = (
    "栏目分类",
    "标题",
    "公开日期",
    "公开渠道",
    "文号",
    "链接",
    "统计类型",
    "数量",
    "收费金额（元）",
)
_CHANNELS = {str(label): code for code, label in PublicationChannel.choices} | {
    "网站": "website",
    "新媒体": "new_media",
}
_TYPES = {str(label): code for code, label in ProactiveType.choices} | {
    "": ProactiveType.OTHER,
    "其他": "other",
}


def _cell_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        return None


def read_row(values: tuple, *, today: date) -> tuple[dict, list[str]]:
    """One sheet row → (record fields, Chinese problems); a row with problems is never saved."""
    cells = [("" if v is None else v) for v in (*values, *[""] * len(IMPORT_COLUMNS))][: len(IMPORT_COLUMNS)]
    category, title, published, channel, number, link, kind, quantity, fee = cells
    problems, row = (
        [],
        {
            "category": str(category).strip()[:100],
            "title": str(title).strip()[:300],
            "document_number": str(number).strip()[:100],
            "link": str(link).strip()[:500],
        },
    )
    if not row["title"]:
        problems.append("标题不能为空")
    row["published_on"] = _cell_date(published)
    if row["published_on"] is None:
        problems.append("公开日期格式应为 YYYY-MM-DD")
    elif row["published_on"] > today:
        problems.append("公开日期不能晚于今天")
    row["channel"] = _CHANNELS.get(str(channel).strip() or "政府网站")
    if row["channel"] is None:
        problems.append(f"公开渠道“{channel}”无效，应为政府网站、政务新媒体或公开栏")
    row["record_type"] = _TYPES.get(str(kind).strip())
    if row["record_type"] is None:
        problems.append(f"统计类型“{kind}”无效")
    if row["link"] and not row["link"].startswith(("http://", "https://")):
        problems.append("链接应以 http:// 或 https:// 开头")
    try:
        row["quantity"] = int(quantity) if str(quantity).strip() else 1
        if row["quantity"] < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.append("数量应为正整数")
    try:
        row["fee_amount"] = Decimal(str(fee).strip() or "0")
        if row["fee_amount"] < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append("收费金额应为非负数")
    return row, problems


def read_workbook(upload, *, today: date) -> tuple[list[dict], list[str]]:
    """Every row checked; returns (rows, problems as "第N行：…"). The caller saves only when problems is empty."""
    from openpyxl import load_workbook

    try:
        ws = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - anything unreadable is the same problem to the user
        return [], ["文件无法读取，请上传 .xlsx 格式的文件"]
    rows, problems = [], []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if number == 1 or not any(v not in (None, "") for v in values):
            continue  # the header row and blank rows
        row, row_problems = read_row(values, today=today)
        rows.append(row)
        problems += [f"第{number}行：{p}" for p in row_problems]
    if not rows and not problems:
        problems.append("文件中没有数据行")
    return rows, problems


def template_workbook() -> bytes:
    """An empty import workbook with the header and one example row."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "主动公开"
    ws.append(IMPORT_COLUMNS)
    ws.append(
        [
            "规范性文件",
            "示范区住房租赁管理办法",
            "2026-03-01",
            "政府网站",
            "示住建规〔2026〕1号",
            "https://www.example.gov.cn/zfxxgk/1.html",
            "行政规范性文件（制发）",
            1,
            0,
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
