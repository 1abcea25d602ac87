"""API shapes for appeals."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator


class AppealIn(Schema):
    title: str = Field("", max_length=200, description="标题（可空，默认取内容前 30 字）")
    content: str = Field(..., description="诉求内容")
    appeal_type: str = Field("help", description="complaint/help/consultation/suggestion/report/praise")
    urgency: str = Field("normal", description="normal/urgent")
    channel: str = Field("api", description="渠道，如 grid_patrol、inspection、upstream")
    name: str = ""
    phone: str = ""
    address: str = ""
    matter: str = Field("", description="事项编码")
    source: str = Field("", max_length=40, description="来源系统标识")
    external_id: str = Field("", max_length=100, description="来源系统中的编号（幂等键）")
    received_at: datetime | None = None
    confidential: bool = Field(False, description="诉求人要求保密：承办单位只能看到脱敏后的姓名和电话")

    @field_validator("confidential", mode="before")
    @classmethod
    def _strict_boolean(cls, value):
        # pydantic would take "yes", "on" or 1 as well; a typed API takes JSON true/false only,
        # and says so in Chinese (the ValueError's text becomes the error message).
        if value is None:
            return False
        if not isinstance(value, bool):
            raise ValueError("应为布尔值 true 或 false")
        return value


class AppealOut(Schema):
    number: str
    state: str
    created: bool
    due_at: datetime | None
    due_provisional: bool
    handling_unit: str | None
    suggestions: list[dict]
    confidential: bool
