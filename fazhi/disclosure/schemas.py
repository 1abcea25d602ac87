"""API shapes for disclosure requests and the annual tables."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class DisclosureRequestIn(Schema):
    unit: int = Field(..., description="受理申请的单位（组织单元 id）")
    requester_type: str = Field("natural_person", description="natural_person/commercial_enterprise/…")
    name: str = Field("", description="申请人姓名；法人或其他组织填联系人")
    organisation: str = ""
    id_number: str = Field("", description="身份证件号码或统一社会信用代码")
    phone: str = ""
    address: str = ""
    email: str = ""
    receipt_channel: str = Field(..., description="in_person/post/ordinary_letter/online/fax")
    submitted_on: date
    signed_on: date | None = None
    confirmed_on: date | None = None
    description: str = Field(..., description="所需信息的内容描述")
    purpose: str = ""
    form_of_provision: str = "paper"
    acquisition_method: str = "post"
    source: str = Field("", max_length=40)
    external_id: str = Field("", max_length=100, description="来源系统中的编号（幂等键）")


class DisclosureRequestOut(Schema):
    number: str
    state: str
    created: bool = False
    received_on: date
    due_at: datetime | None
    due_provisional: bool
    clock_state: str
    outcome: str
    outcome_on: date | None


class AnnualRow(Schema):
    key: str
    label: str
    values: list[int]


class AnnualProblem(Schema):
    code: str
    message: str
    request_numbers: list[str]


class AnnualOut(Schema):
    unit: str
    year: int
    include_sub_units: bool = False
    columns: list[str]
    table2: list[AnnualRow]
    table3: dict[str, list[int]]
    problems: list[AnnualProblem]
