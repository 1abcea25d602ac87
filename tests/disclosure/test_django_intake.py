"""Bad input is refused with a clear Chinese message and nothing saved — through the service,
the staff intake page and the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core.models import AuditEntry, Counter
from fazhi.core.services import issue_token
from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureRequest
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, raw  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")
NOW = at(2026, 3, 2, 10)


def counts() -> tuple:
    return (
        Case.objects.count(),
        Requester.objects.count(),
        DisclosureRequest.objects.count(),
        CaseEvent.objects.count(),
        AuditEntry.objects.count(),
        sum(Counter.objects.values_list("value", flat=True)),
    )


BAD = [
    ({"id_number": ""}, "id_number", "身份证件号码"),
    ({"name": ""}, "name", "申请人姓名"),
    ({"requester_type": "commercial_enterprise", "organisation": ""}, "organisation", "法人或其他组织的名称"),
    (
        {"requester_type": "commercial_enterprise", "organisation": "某公司", "id_number": ""},
        "id_number",
        "统一社会信用代码",
    ),
    ({"phone": "", "address": "", "email": ""}, "phone", "联系方式"),
    ({"phone": "call me"}, "phone", "联系电话格式"),
    ({"description": ""}, "description", "特征性描述"),
    ({"description": "文件"}, "description", "特征性描述"),
    ({"submitted_on": date(2026, 3, 3)}, "submitted_on", "不能晚于今天"),
    ({"submitted_on": "2026-13-01"}, "submitted_on", "格式"),
    ({"submitted_on": None}, "submitted_on", "请填写提交日期"),
    ({"receipt_channel": "fax"}, "confirmed_on", "缺少双方确认日期"),
    ({"receipt_channel": "post"}, "signed_on", "缺少签收日期"),
    (
        {"receipt_channel": "online", "submitted_on": date(2026, 3, 1), "confirmed_on": date(2026, 2, 27)},
        "confirmed_on",
        "不能早于提交日期",
    ),
    ({"receipt_channel": "online", "confirmed_on": date(2026, 3, 5)}, "confirmed_on", "不能晚于今天"),
    ({"receipt_channel": "pigeon"}, "receipt_channel", "申请方式"),
    ({"requester_type": "alien"}, "requester_type", "申请人类型"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_bad_input_is_refused_and_nothing_is_saved(org, change, field, message):
    gk = officer(org.housing)
    before = counts()
    with pytest.raises(services.RequestError) as info:
        services.register(actor=gk, unit=org.housing, raw=raw(**change), now=NOW)
    assert message in info.value.errors[field]
    assert counts() == before


def test_every_problem_is_reported_at_once(org):
    gk = officer(org.housing)
    with pytest.raises(services.RequestError) as info:
        services.register(actor=gk, unit=org.housing, raw={"receipt_channel": "in_person"}, now=NOW)
    assert {"name", "id_number", "phone", "description", "submitted_on"} <= set(info.value.errors)


def test_organisation_request_is_addressed_to_the_organisation(org):
    gk = officer(org.housing)
    case, _ = services.register(
        actor=gk,
        unit=org.housing,
        now=NOW,
        raw=raw(
            requester_type="legal_services_org",
            organisation="广东某律师事务所",
            id_number="31440000MD0123456X",
            name="王律师",
        ),
    )
    assert case.disclosure.requester_label == "广东某律师事务所"
    assert case.requester.organisation == "广东某律师事务所"


def test_intake_page_shows_the_errors_next_to_the_fields(org, client):
    officer(org.housing)
    client.login(username="gk_officer", password=PASSWORD)
    before = counts()
    response = client.post(
        "/disclosure/new/",
        {
            "requester_type": "natural_person",
            "name": "李四",
            "receipt_channel": "in_person",
            "submitted_on": "2099-01-01",
            "form_of_provision": "paper",
            "acquisition_method": "post",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写申请人身份证件号码" in page and "提交日期不能晚于今天" in page and "特征性描述" in page
    assert counts()[:3] == before[:3]


def test_intake_page_registers_a_fax_request_from_the_confirmation_day(org, client):
    officer(org.housing)
    client.login(username="gk_officer", password=PASSWORD)
    today = timezone.localdate()
    response = client.post(
        "/disclosure/new/",
        {
            "requester_type": "natural_person",
            "name": "赵六",
            "id_number": "440301199001011234",
            "phone": "13900001111",
            "receipt_channel": "fax",
            "submitted_on": today.isoformat(),
            "confirmed_on": today.isoformat(),
            "description": "本局2025年度行政处罚决定书目录",
            "form_of_provision": "electronic",
            "acquisition_method": "email",
        },
    )
    case = Case.objects.get(kind="disclosure")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.channel == "fax" and case.disclosure.received_on == today


def test_api_refuses_bad_input_in_chinese_and_registers_good_input_once(org):
    gk = officer(org.housing)
    client = Client(headers={"authorization": f"Bearer {issue_token(user=gk, name='网上申请平台', source='portal')}"})
    payload = {
        "unit": org.housing.pk,
        "name": "李四",
        "id_number": "",
        "phone": "13800138000",
        "receipt_channel": "online",
        "submitted_on": "2026-03-01",
        "description": "示范区2025年财政预算公开表",
        "source": "portal",
        "external_id": "W-1",
    }
    before = counts()
    bad = client.post("/api/v1/disclosure/requests", json.dumps(payload), content_type="application/json")
    assert bad.status_code == 422 and "身份证件号码" in bad.json()["detail"]
    assert counts() == before
    good = {
        **payload,
        "id_number": "440301199001011234",
        "submitted_on": "2020-01-01",
        "confirmed_on": "2020-01-02",
    }
    first = client.post("/api/v1/disclosure/requests", json.dumps(good), content_type="application/json")
    again = client.post("/api/v1/disclosure/requests", json.dumps(good), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"] and first.json()["received_on"] == "2020-01-02"
    read = client.get(f"/api/v1/disclosure/requests/{first.json()['number']}")
    assert read.status_code == 200 and read.json()["state"] == "received"
