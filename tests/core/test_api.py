"""The REST API shell: token auth, Chinese errors, health, OpenAPI docs."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fazhi.cases.models import Case
from fazhi.core.models import ApiToken, AuditEntry
from fazhi.core.services import issue_token


@pytest.fixture
def api():
    return Client()


def test_health_needs_no_token(api, db):
    body = api.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert api.get("/health").json()["database"] is True


def test_refused_without_token(api, db):
    response = api.get("/api/v1/cases")
    assert response.status_code == 401
    assert "接口令牌" in response.json()["detail"]


def test_refused_with_a_wrong_token(api, db):
    response = api.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer fz_not-a-real-token")
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="api.auth_failed").exists()


def test_token_lists_only_visible_cases(api, org, people):
    from fazhi.appeals import services as appeals
    from fazhi.cases import services as cases

    case, _ = appeals.intake(actor=people.agent, raw={"content": "井盖缺失", "phone": "13800138000"})
    cases.transition(case=case, name="dispatch", actor=people.dispatcher, params={"unit": org.housing.pk})
    housing = issue_token(user=people.housing, name="test")
    transport = issue_token(user=people.transport, name="test")
    seen = api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {housing}").json()
    assert [c["number"] for c in seen["items"]] == [case.number]
    assert api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {transport}").json()["count"] == 0
    assert api.get(f"/api/v1/cases/{case.number}", HTTP_AUTHORIZATION=f"Bearer {transport}").status_code == 404


def test_malformed_transition_input_is_a_4xx_and_changes_nothing(api, org, people):
    from fazhi.appeals import services as appeals

    case, _ = appeals.intake(actor=people.agent, raw={"content": "路灯不亮", "phone": "13800138000"})
    token = issue_token(user=people.dispatcher, name="test")
    url = f"/api/v1/cases/{case.number}/transitions/dispatch"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    bad_json = api.post(url, data="{not json", content_type="application/json", **auth)
    assert bad_json.status_code in (400, 422)
    missing_version = api.post(url, data=json.dumps({"params": {}}), content_type="application/json", **auth)
    assert missing_version.status_code == 422 and "version" in missing_version.json()["detail"]
    assert "必填" in missing_version.json()["detail"]
    no_unit = api.post(url, data=json.dumps({"version": 1, "params": {}}), content_type="application/json", **auth)
    assert no_unit.status_code == 422 and "承办单位" in no_unit.json()["detail"]
    stale = api.post(url, data=json.dumps({"version": 7, "params": {"unit": org.housing.pk}}),
                     content_type="application/json", **auth)
    assert stale.status_code == 409 and "已被他人更新" in stale.json()["detail"]
    case.refresh_from_db()
    assert case.state == "registered" and case.version == 1 and case.handling_unit is None
    ok = api.post(url, data=json.dumps({"version": 1, "params": {"unit": org.housing.pk}}),
                  content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json()["state"] == "dispatched"
    assert Case.objects.get(pk=case.pk).handling_unit == org.housing


def test_openapi_docs(api, db):
    schema = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/appeals" in schema["paths"]
    assert api.get("/api/docs").status_code in (301, 302)
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()  # no network at run time


def test_operators_issue_list_and_revoke_tokens_from_the_cli(people, org):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("api_token", "issue", "--user", "agent", "--name", "AI网格员", "--source", "grid", stdout=out,
                 stderr=StringIO())
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="AI网格员")
    assert key.startswith("fz_") and token.source == "grid" and token.key_hash != key
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "来源=grid" in listing.getvalue() and "有效" in listing.getvalue()
    call_command("api_token", "revoke", str(token.id), stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked and AuditEntry.objects.filter(action="token.revoked").exists()
    with pytest.raises(CommandError, match="令牌不存在或已吊销"):
        call_command("api_token", "revoke", str(token.id))
    with pytest.raises(CommandError, match="账号不存在"):
        call_command("api_token", "issue", "--user", "nobody", "--name", "x")
