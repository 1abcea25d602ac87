"""Registering a disclosure request (Arts. 29 and 31) and firing its transitions.

The checks live here rather than in a form so that staff intake, the public form and the API
refuse the same input with the same Chinese messages, and nothing is saved when any fails.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from fazhi.cases import services as cases
from fazhi.cases.errors import NotAllowed
from fazhi.cases.models import Case
from fazhi.core.access import acting_membership
from fazhi.disclosure.models import AcquisitionMethod, DisclosureRequest, ProvisionForm
from fazhi.disclosure.outcomes import ReceiptChannel, RequesterType, receipt_date
from fazhi.disclosure.services.common import OFFICERS, RequestError, as_date, clock_start, local_day

CASE_CHANNEL = {
    "in_person": "visit",
    "post": "letter",
    "ordinary_letter": "letter",
    "online": "web",
    "fax": "fax",
}
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")


def _text(raw: dict, key: str, limit: int) -> str:
    return str(raw.get(key) or "").strip()[:limit]


def clean_request(raw: dict, *, today: date) -> dict:
    """Check a request as Art. 29 requires it (identity, contact, a description) and work out the
    Art. 31 receipt date; raise RequestError with every problem at once."""
    errors: dict[str, str] = {}
    data = {
        k: _text(raw, k, n)
        for k, n in (
            ("name", 100),
            ("organisation", 200),
            ("id_number", 30),
            ("phone", 20),
            ("address", 200),
            ("email", 100),
            ("description", 5000),
            ("purpose", 200),
        )
    }
    kind = raw.get("requester_type") or RequesterType.NATURAL_PERSON
    if kind not in RequesterType.values:
        errors["requester_type"] = "申请人类型无效"
    elif kind == RequesterType.NATURAL_PERSON:
        if not data["name"]:
            errors["name"] = "请填写申请人姓名"
        if not data["id_number"]:
            errors["id_number"] = "请填写申请人身份证件号码（条例第二十九条）"
    else:
        if not data["organisation"]:
            errors["organisation"] = "请填写法人或其他组织的名称"
        if not data["id_number"]:
            errors["id_number"] = "请填写统一社会信用代码等身份证明号码（条例第二十九条）"
        if not data["name"]:
            errors["name"] = "请填写联系人姓名"
    if not (data["phone"] or data["address"] or data["email"]):
        errors["phone"] = "请至少填写一种联系方式：电话、通信地址或电子邮箱"
    elif data["phone"] and not PHONE.match(data["phone"]):
        errors["phone"] = "联系电话格式不正确"
    if len(data["description"]) < 5:
        errors["description"] = "请填写所需政府信息的名称、文号或便于查询的其他特征性描述（至少 5 个字）"
    channel = raw.get("receipt_channel") or ""
    if channel not in ReceiptChannel.values:
        errors["receipt_channel"] = "请选择申请方式"
    dates = {}
    for key, label in (("submitted_on", "提交日期"), ("signed_on", "签收日期"), ("confirmed_on", "确认日期")):
        value = raw.get(key)
        dates[key] = as_date(value)
        if value not in (None, "") and dates[key] is None:
            errors[key] = f"{label}格式应为 YYYY-MM-DD"
        elif dates[key] and dates[key] > today:
            errors[key] = f"{label}不能晚于今天"
    if dates["submitted_on"] is None and "submitted_on" not in errors:
        errors["submitted_on"] = "请填写提交日期"
    if channel in ReceiptChannel.values and not errors.keys() & dates.keys():
        try:
            data["received_on"] = receipt_date(channel=channel, **dates)
        except ValueError as exc:
            errors["confirmed_on" if channel != ReceiptChannel.POST else "signed_on"] = str(exc)
    for key, choices, default in (
        ("form_of_provision", ProvisionForm, ProvisionForm.PAPER),
        ("acquisition_method", AcquisitionMethod, AcquisitionMethod.POST),
    ):
        data[key] = raw.get(key) or default
        if data[key] not in choices.values:
            errors[key] = "取值无效"
    if errors:
        raise RequestError(errors)
    return {**data, **dates, "requester_type": kind, "receipt_channel": channel}


def register(
    *, actor, unit, raw: dict, now: datetime | None = None, source: str = "", external_id: str = ""
) -> tuple[Case, bool]:
    """Register a disclosure request with `unit`; returns (case, created). Bad input saves nothing."""
    now = now or timezone.now()
    if actor is not None and acting_membership(actor, roles=OFFICERS, targets=[unit]) is None:
        raise NotAllowed("您无权为该单位登记政府信息公开申请")
    data = clean_request(raw, today=local_day(now))
    received = data["received_on"]
    received_at = now if received == local_day(now) else clock_start(received)
    first_line = data["description"].splitlines()[0]
    with transaction.atomic():
        case, created = cases.create(
            kind="disclosure",
            title=first_line[:60],
            body=data["description"],
            owner_unit=unit,
            channel=CASE_CHANNEL[data["receipt_channel"]],
            received_at=received_at,
            actor=actor,
            now=now,
            requester={k: data[k] for k in ("name", "phone", "id_number", "address", "organisation")},
            source=source,
            external_id=external_id,
            details={
                "requester_type": data["requester_type"],
                "receipt_channel": data["receipt_channel"],
                "received_on": received.isoformat(),
            },
        )
        if created:
            DisclosureRequest.objects.create(
                case=case,
                **{
                    k: data[k]
                    for k in (
                        "requester_type",
                        "receipt_channel",
                        "submitted_on",
                        "signed_on",
                        "confirmed_on",
                        "received_on",
                        "description",
                        "purpose",
                        "email",
                        "form_of_provision",
                        "acquisition_method",
                    )
                },
            )
    return case, created


def act(
    *,
    case: Case,
    name: str,
    actor,
    version: int | None = None,
    now: datetime | None = None,
    comment: str = "",
    params: dict | None = None,
) -> Case:
    """Fire a disclosure transition; receiving an amendment restarts the clock from that day."""
    params = dict(params or {})
    if name == "receive_amendment" and (day := as_date(params.get("amendment_received_on"))):
        params["clock_start"] = clock_start(day)
    return cases.transition(
        case=case, name=name, actor=actor, version=version, now=now, comment=comment, params=params
    )
