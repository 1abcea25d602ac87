"""Every outcome's response letter is produced on answering, stored, downloadable, and opens in
python-docx with the request, the requester and the outcome's legal basis in it."""

from __future__ import annotations

import io

import docx
import pytest

from fazhi.cases.errors import GuardRefused
from fazhi.core.models import AuditEntry
from fazhi.disclosure import services
from fazhi.disclosure.outcomes import OUTCOMES, Outcome
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

# The fields each outcome's paragraph requires (the rest have defaults), and a text they must show.
FIELDS = {
    "disclosed": ({}, "予以公开"),
    "partly_disclosed": ({"withheld_part": "报价明细表", "withheld_reason": "涉及商业秘密"}, "报价明细表"),
    "withheld_state_secret": ({}, "国家秘密"),
    "withheld_prohibited_by_law": (
        {"prohibiting_law": "《中华人民共和国统计法》"},
        "《中华人民共和国统计法》",
    ),
    "withheld_security_stability": ({}, "社会稳定"),
    "withheld_third_party_rights": ({"third_party_reply": "不同意公开"}, "不同意公开"),
    "withheld_internal_affairs": ({}, "内部事务信息"),
    "withheld_process_information": ({}, "过程性信息"),
    "withheld_enforcement_file": ({}, "行政执法案卷"),
    "withheld_administrative_query": ({}, "行政查询事项"),
    "unavailable_not_held": ({"competent_office": "示范区发展和改革局"}, "示范区发展和改革局"),
    "unavailable_needs_creation": ({}, "另行制作"),
    "unavailable_still_unclear": ({}, "2026年3月3日"),
    "not_processed_petition": ({}, "信访"),
    "not_processed_repeat": ({"previous_reply_date": "2026-02-10"}, "2026年2月10日"),
    "not_processed_publication": ({}, "公开出版物"),
    "not_processed_excessive": ({"reason_request_date": "2026-03-05"}, "2026年3月5日"),
    "not_processed_confirm_or_reissue": ({}, "确认"),
    "other": ({"reason": "申请人书面撤回申请，本机关终止处理。"}, "书面撤回"),
}


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_every_outcome_but_the_two_reached_by_a_period_running_out_is_covered_here():
    # other_not_amended: test_django_workflow; other_fee_unpaid: test_django_fees.
    assert set(FIELDS) == set(Outcome.values) - {"other_not_amended", "other_fee_unpaid"}


@pytest.mark.parametrize("outcome", list(FIELDS))
def test_answer_produces_the_outcome_letter(org, outcome):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    if outcome == "unavailable_still_unclear":
        step(case, "request_amendment", gk, at(2026, 3, 3, 9), amendment_items="请写明文号")
        step(case, "receive_amendment", gk, at(2026, 3, 9, 9), amendment_received_on="2026-03-09")
    fields, shown = FIELDS[outcome]
    step(case, "answer", gk, at(2026, 3, 20, 9), outcome=outcome, contact_phone="0755-12345678", **fields)
    letter = case.disclosure.letters.get(kind="response")
    assert letter.outcome == outcome and letter.filename == f"{case.number}-政府信息公开申请答复书.docx"
    body = text_of(bytes(letter.content))
    assert case.number in body and "李四" in body and shown in body
    assert "2026年3月20日" in body and "0755-12345678" in body and org.housing.name in body
    assert OUTCOMES[Outcome(outcome)].legal_basis in body
    assert "待填写" not in body


def test_missing_fields_are_named_in_chinese_and_nothing_changes(org):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    with pytest.raises(GuardRefused, match="禁止公开的法律、行政法规"):
        step(case, "answer", gk, at(2026, 3, 20, 9), outcome="withheld_prohibited_by_law")
    case.refresh_from_db()
    assert case.state == "received" and case.disclosure.letters.count() == 0 and not case.disclosure.outcome
    with pytest.raises(GuardRefused, match="收到补正申请之后"):
        step(case, "answer", gk, at(2026, 3, 20, 9), outcome="unavailable_still_unclear")


def test_draft_shows_the_gaps_and_changes_nothing(org):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    body = text_of(services.draft_response(case, "partly_disclosed", {}, now=at(2026, 3, 20, 9)))
    assert "【待填写：withheld_part】" in body
    case.refresh_from_db()
    assert case.state == "received" and case.disclosure.letters.count() == 0


def test_staff_download_letters_and_the_download_is_audited(org, people, client):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "answer", gk, at(2026, 3, 20, 9), outcome="disclosed", published_where="示范区政府门户网站")
    letter = case.disclosure.letters.get()
    client.login(username="gk_officer", password=PASSWORD)
    response = client.get(f"/disclosure/letters/{letter.pk}/")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "示范区政府门户网站" in text_of(response.content)
    assert AuditEntry.objects.filter(action="disclosure.letter_downloaded", target=case.number).exists()
    client.logout()
    client.login(username="transport_handler", password=PASSWORD)
    assert client.get(f"/disclosure/letters/{letter.pk}/").status_code == 404


def test_request_page_shows_facts_letters_and_the_actions(org, client):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    client.login(username="gk_officer", password=PASSWORD)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="disclosure-facts"' in page and "2026-03-02" in page
    assert 'data-gk-action="request_amendment"' in page and 'data-gk-action="answer"' in page
    step(case, "answer", gk, at(2026, 3, 20, 9), outcome="withheld_state_secret")
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "政府信息公开申请答复书" in page and 'data-gk-action="deliver"' in page
