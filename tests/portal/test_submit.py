"""Submitting an appeal on the portal: the receipt, field errors, the honeypot, the rate limit, CSRF."""

from __future__ import annotations

from django.test import Client

from fazhi.cases.models import Case, CaseEvent
from fazhi.portal import throttle
from tests.portal.conftest import GOOD


def test_landing_page_explains_what_and_what_not(client, db):
    page = client.get("/portal/").content.decode()
    for text in (
        "我要反映",
        "110",
        "119",
        "120",
        "隐私说明",
        "请求保密",
        'name="website"',
        "csrfmiddlewaretoken",
    ):
        assert text in page
    assert "退出" not in page  # no staff navigation


def test_submission_creates_a_web_appeal_and_shows_number_and_code(client, org):
    response = client.post("/portal/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/portal/receipt/"
    case = Case.objects.select_related("appeal", "requester").get()
    assert case.channel == "web" and case.kind == "appeal" and case.state == "registered"
    assert case.requester.phone == "13800138000" and case.appeal.address == "东湖街道东湖路 18 号"
    assert case.appeal.appeal_type == "complaint" and len(case.appeal.query_code) == 6
    created = CaseEvent.objects.get(case=case, kind="appeal.created")
    assert created.actor is None and created.details["channel"] == "web"

    receipt = client.get("/portal/receipt/")
    page = receipt.content.decode()
    assert case.number in page and case.appeal.query_code in page and "请妥善保存" in page
    assert "no-cache" in receipt["Cache-Control"] or "no-store" in receipt["Cache-Control"]


def test_the_public_cannot_choose_channel_urgency_or_external_id(client, org):
    client.post(
        "/portal/", {**GOOD, "channel": "hotline", "urgency": "urgent", "external_id": "X1", "source": "s"}
    )
    case = Case.objects.select_related("appeal").get()
    assert (case.channel, case.appeal.urgency, case.external_id, case.source) == ("web", "normal", "", "")


def test_confidentiality_request_is_on_the_staff_timeline(client, org):
    client.post("/portal/", {**GOOD, "confidential": "on"})
    event = CaseEvent.objects.get(kind="appeal.confidential_requested")
    assert event.details == {"confidential": True} and event.actor is None


def test_empty_content_shows_the_intake_message_and_saves_nothing(client, org):
    response = client.post("/portal/", {**GOOD, "content": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "诉求内容不能为空" in page and 'data-field="content"' in page
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert GOOD["name"] in page  # the form keeps what was typed


def test_bad_phone_shows_the_intake_message_beside_the_field(client, org):
    response = client.post("/portal/", {**GOOD, "phone": "12345"})
    page = response.content.decode()
    assert "电话号码格式不正确" in page and 'data-field="phone"' in page
    assert GOOD["content"] in page  # nothing typed is lost
    assert Case.objects.count() == 0


def test_missing_phone_is_refused(client, org):
    response = client.post("/portal/", {**GOOD, "phone": ""})
    assert "请填写联系电话" in response.content.decode() and Case.objects.count() == 0


def test_honeypot_filled_in_saves_nothing(client, org):
    response = client.post("/portal/", {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 400 and "提交未成功" in response.content.decode()
    assert Case.objects.count() == 0


def test_rate_limit_per_ip(client, org, monkeypatch):
    monkeypatch.setattr(throttle, "SUBMIT_LIMIT", 3)
    for i in range(3):
        assert client.post("/portal/", {**GOOD, "phone": f"1390000000{i}"}).status_code == 302
    refused = client.post("/portal/", GOOD)
    assert refused.status_code == 429 and "提交得太频繁" in refused.content.decode()
    assert Case.objects.count() == 3
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/portal/", GOOD).status_code == 302


def test_default_limit_is_ten_in_ten_minutes():
    assert (throttle.SUBMIT_LIMIT, throttle.SUBMIT_WINDOW) == (10, 600)


def test_csrf_is_enforced(org):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/portal/", GOOD).status_code == 403
    assert Case.objects.count() == 0
    client.get("/portal/")
    token = client.cookies["csrftoken"].value
    assert client.post("/portal/", {**GOOD, "csrfmiddlewaretoken": token}).status_code == 302


def test_receipt_without_a_submission_goes_back_to_the_form(client, db):
    response = client.get("/portal/receipt/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
