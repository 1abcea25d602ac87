"""Intake validation shared by the agent form, the portal, the API and bulk import.

One function so every channel refuses the same bad input with the same Chinese message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fazhi.appeals.models import AppealType, Matter, Urgency
from fazhi.cases.models import Channel

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
MAX_CONTENT = 5000
# Computed once: Choices.values builds a new list on every access, and bulk import calls
# clean_intake for every row.
APPEAL_TYPES = frozenset(AppealType.values)
URGENCIES = frozenset(Urgency.values)
CHANNELS = frozenset(Channel.values)
# How a yes/no arrives: a checkbox or JSON gives a bool, a spreadsheet cell gives text.
YES = frozenset({"是", "true", "1"})
NO = frozenset({"否", "false", "0", ""})


class IntakeError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{v}" for v in errors.values()))
        self.errors = errors


@dataclass
class IntakeData:
    title: str
    content: str
    appeal_type: str
    urgency: str
    channel: str
    name: str = ""
    phone: str = ""
    address: str = ""
    matter: Matter | None = None
    source: str = ""
    external_id: str = ""
    confidential: bool = False


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()（）]", "", phone or "").replace("+86", "")


def parse_flag(value) -> bool:
    """A yes/no field as every channel sends it; ValueError for anything else.

    Only 1 and 0 are accepted as numbers: Excel stores a typed 1 as 1.0, and 2 or -1 are no
    answer to a yes/no question.
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(value)
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(value)


def clean_intake(raw: dict, *, phone_required: bool = True) -> IntakeData:
    """Check one intake record; raise IntakeError with a message per bad field."""
    errors: dict[str, str] = {}
    content = (raw.get("content") or "").strip()
    title = (raw.get("title") or "").strip()
    if not content:
        errors["content"] = "诉求内容不能为空"
    elif len(content) > MAX_CONTENT:
        errors["content"] = f"诉求内容过长（最多 {MAX_CONTENT} 字）"
    if not title and content:
        title = content[:30]
    if len(title) > 200:
        errors["title"] = "标题过长（最多 200 字）"
    phone = normalise_phone(raw.get("phone", ""))
    if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors["phone"] = "电话号码格式不正确（应为 11 位手机号或带区号的固定电话）"
    elif not phone and phone_required:
        errors["phone"] = "请填写联系电话"
    appeal_type = raw.get("appeal_type") or "help"
    if appeal_type not in APPEAL_TYPES:
        errors["appeal_type"] = "诉求类型无效"
    urgency = raw.get("urgency") or "normal"
    if urgency not in URGENCIES:
        errors["urgency"] = "紧急程度无效"
    channel = raw.get("channel") or "hotline"
    if channel not in CHANNELS:
        errors["channel"] = "渠道无效"
    matter = None
    if raw.get("matter"):
        matter = Matter.objects.filter(code=str(raw["matter"]).strip(), active=True).first()
        if matter is None:
            errors["matter"] = f"事项编码不存在：{raw['matter']}"
    name = (raw.get("name") or "").strip()
    if len(name) > 50:
        errors["name"] = "姓名过长"
    external_id = str(raw.get("external_id") or "").strip()
    if len(external_id) > 100:
        errors["external_id"] = "外部编号过长"
    try:
        confidential = parse_flag(raw.get("confidential"))
    except ValueError:
        errors["confidential"] = f"是否保密的取值无效：“{str(raw['confidential'])[:20]}”（应为 是/否、true/false 或 1/0）"
    if errors:
        raise IntakeError(errors)
    return IntakeData(
        title=title, content=content, appeal_type=appeal_type, urgency=urgency, channel=channel, name=name,
        phone=phone, address=(raw.get("address") or "").strip()[:200], matter=matter,
        source=str(raw.get("source") or "").strip()[:40], external_id=external_id, confidential=confidential,
    )
