"""The intake API as another system sees it: bearer tokens, Chinese errors, idempotent resends, scoping."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fazhi.appeals.models import Appeal
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core.models import AuditEntry
from fazhi.core.services import issue_token
from tests.factories import appeals as fa
from tests.factories.appeals import at, step

URL = "/api/v1/appeals"
# django-ninja answers a body that is not JSON with its own 400 "Cannot parse request body";
# fazhi/api.py needs a ParseError handler (422, Chinese) like its ValidationError one.


@pytest.fixture
def api(people):
    """A client authenticated as the grid-patrol system (an intake agent's token)."""
    token = issue_token(user=people.agent, name="AI网格员", source="grid")
    return Client(headers={"authorization": f"Bearer {token}"})


def post(client, payload, **kw):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload, ensure_ascii=False)
    return client.post(URL, data=body, content_type="application/json", **kw)


def snapshot():
    return (
        Case.objects.count(),
        Requester.objects.count(),
        Appeal.objects.count(),
        CaseEvent.objects.count(),
    )


GOOD = {
    "content": "东湖街道幸福路井盖缺失，存在安全隐患。",
    "appeal_type": "report",
    "channel": "grid_patrol",
    "phone": "13800138000",
    "address": "东湖街道幸福路",
    "source": "grid",
    "external_id": "GP-0001",
}


def test_create_returns_201_with_number_and_deadline(api, org):
    response = post(api, GOOD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["state"] == "registered" and body["number"].startswith("SQ-")
    assert body["due_at"] and body["due_provisional"] is False and body["handling_unit"] is None
    case = Case.objects.get(number=body["number"])
    assert (case.channel, case.source, case.external_id) == ("grid_patrol", "grid", "GP-0001")
    assert case.appeal.place == org.street_a and case.requester.phone == "13800138000"
    assert CaseEvent.objects.get(case=case, kind="appeal.created").actor.username == "agent"


def test_resend_is_idempotent(api, org):
    first = post(api, GOOD)
    before = snapshot()
    again = post(api, {**GOOD, "content": "重发：井盖缺失。"})
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["number"] == first.json()["number"]
    assert snapshot() == before
    assert Case.objects.filter(source="grid", external_id="GP-0001").count() == 1
    # the same external id from another system (its own token) is another appeal
    inspection = Client(headers={"authorization": f"Bearer {issue_token(user=people_agent(), name='督查', source='inspection')}"})
    assert post(inspection, {**GOOD, "source": ""}).status_code == 201
    assert Case.objects.filter(external_id="GP-0001").count() == 2


def people_agent():
    from fazhi.core.models import User

    return User.objects.get(username="agent")


def test_a_token_registers_under_its_own_source_only(api, org):
    """A system cannot write into (or read back through the resend check) another system's ids."""
    own = post(api, {**GOOD, "source": ""})
    assert own.status_code == 201 and Case.objects.get(number=own.json()["number"]).source == "grid"
    before = snapshot()
    foreign = post(api, {**GOOD, "source": "upstream12345", "external_id": "U-1"})
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == "该接口令牌只能以来源“grid”登记，不能使用来源“upstream12345”"
    assert snapshot() == before


def test_a_resend_racing_past_the_check_gets_the_first_appeal(api, org, monkeypatch):
    """Two resends that both pass the look-up: the unique key decides, nothing is half-written."""
    from fazhi.appeals import services

    first = post(api, GOOD)
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    real = services.registered
    calls = []

    def blind(data):  # the first look-up misses, as it would in a race; the one after the failure sees it
        calls.append(data.external_id)
        return None if len(calls) == 1 else real(data)

    monkeypatch.setattr(services, "registered", blind)
    again = post(api, {**GOOD, "content": "同时重发：井盖缺失。"})
    assert again.status_code == 200, again.content
    assert again.json()["created"] is False and again.json()["number"] == first.json()["number"]
    assert len(calls) == 2 and snapshot() == before and AuditEntry.objects.count() == audit_before


def test_received_at_in_the_past_counts_and_naive_times_are_shanghai(api, org):
    response = post(api, {**GOOD, "received_at": "2026-03-02T10:00:00"})
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.received_at == at(2026, 3, 2, 10)
    assert case.due_at.astimezone(fa.SH) == at(2026, 3, 23, 23, 59, 59)  # a report: 15 working days
    aware = post(api, {**GOOD, "external_id": "GP-0002", "received_at": "2026-03-02T02:00:00Z"})
    assert Case.objects.get(number=aware.json()["number"]).received_at == at(2026, 3, 2, 10)


def test_no_token_is_401_in_chinese(db):
    before = snapshot()
    for client in (Client(), Client(headers={"authorization": "Bearer fz_not-a-real-token"})):
        response = post(client, GOOD)
        assert response.status_code == 401
        assert response.json()["detail"] == "未认证：请提供有效的接口令牌"
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="api.auth_failed").exists()


def test_revoked_token_is_refused(people):
    token = issue_token(user=people.agent, name="旧系统")
    people.agent.api_tokens.update(revoked=True)
    assert post(Client(headers={"authorization": f"Bearer {token}"}), GOOD).status_code == 401


def test_x_api_token_header_is_accepted(people, org):
    token = issue_token(user=people.agent, name="督查系统", source="grid")
    assert post(Client(headers={"x-api-token": token}), GOOD).status_code == 201


def test_a_handlers_token_is_403(people):
    token = issue_token(user=people.housing, name="部门系统")
    before = snapshot()
    response = post(Client(headers={"authorization": f"Bearer {token}"}), GOOD)
    assert response.status_code == 403 and response.json()["detail"] == "无权登记诉求"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param('{"content": "井盖缺失", ', "JSON"),
        pytest.param("not json at all", "JSON"),
        ("[1, 2]", "输入有误"),
        ({"phone": "13800138000"}, "content：必填"),
        ({**GOOD, "content": "  "}, "诉求内容不能为空"),
        ({**GOOD, "content": "字" * 5001}, "诉求内容过长"),
        ({**GOOD, "phone": "123"}, "电话号码格式不正确"),
        ({**GOOD, "phone": "1380013800a"}, "电话号码格式不正确"),
        ({**GOOD, "matter": "NOPE-404"}, "事项编码不存在：NOPE-404"),
        ({**GOOD, "appeal_type": "rant"}, "诉求类型无效"),
        ({**GOOD, "external_id": "X" * 101}, "external_id：过长"),
        ({**GOOD, "received_at": "yesterday"}, "received_at：日期时间格式错误"),
        ({**GOOD, "received_at": "2099-01-01T10:00:00+08:00"}, "受理时间不能晚于当前时间"),
        ({**GOOD, "content": 12345}, "content：应为文本"),
    ],
)
def test_bad_input_is_422_in_chinese_and_writes_nothing(api, payload, message):
    before = snapshot()
    response = post(api, payload)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert message in detail and detail.startswith("输入有误")
    assert snapshot() == before


def test_malformed_json_is_refused_and_writes_nothing(api):
    before = snapshot()
    for body in ('{"content": "井盖缺失", ', "not json at all", b"\xff\xfe"):
        response = post(api, body)
        assert 400 <= response.status_code < 500 and "detail" in response.json()
    assert snapshot() == before


def test_case_reading_is_scoped(api, people, org):
    number = post(api, GOOD).json()["number"]
    case = Case.objects.get(number=number)
    step(case, "dispatch", people.dispatcher, at(2026, 11, 23, 10), unit=org.housing.pk)

    def get(user, wanted=number):
        token = issue_token(user=user, name="读取")
        return Client(headers={"authorization": f"Bearer {token}"}).get(f"/api/v1/cases/{wanted}")

    mine = get(people.housing)
    assert mine.status_code == 200
    assert mine.json()["handling_unit"] == org.housing.name
    assert sorted(e["kind"] for e in mine.json()["events"]) == ["appeal.created", "appeal.dispatch"]
    assert get(people.dispatcher).status_code == 200  # the centre sees everything
    other = get(people.transport)
    assert other.status_code == 404 and other.json()["detail"] == "案件不存在或无权查看"
    assert get(people.transport).json() == get(people.street_a).json()  # nothing tells it exists
    assert get(people.dispatcher, "SQ-2026-999999").status_code == 404


def test_case_list_is_scoped(api, people, org):
    number = post(api, GOOD).json()["number"]
    step(
        Case.objects.get(number=number),
        "dispatch",
        people.dispatcher,
        at(2026, 11, 23, 10),
        unit=org.housing.pk,
    )
    post(api, {**GOOD, "external_id": "GP-0002"})

    def listed(user):
        token = issue_token(user=user, name="列表")
        response = Client(headers={"authorization": f"Bearer {token}"}).get("/api/v1/cases?kind=appeal")
        assert response.status_code == 200
        return {item["number"] for item in response.json()["items"]}

    assert listed(people.housing) == {number}
    assert listed(people.transport) == set()
    assert len(listed(people.dispatcher)) == 2


def test_health_and_openapi(db):
    health = Client().get("/api/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/appeals" in spec["paths"] and "post" in spec["paths"]["/api/v1/appeals"]
    assert "/api/v1/cases/{number}" in spec["paths"]
    assert "AppealIn" in json.dumps(spec["components"])
