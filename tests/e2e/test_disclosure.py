"""A disclosure officer in a real browser: enter a request received in person, send an amendment
notice, record the amended request, ask for an extension that the leader approves, answer with a
partial disclosure, deliver it, and find it in the annual table 2 and on the dashboard."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fazhi.cases.models import Case
from tests.factories.core import PASSWORD
from tests.factories.disclosure import fast_passwords, officer, request  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


def act(page, name: str) -> None:
    """Submit the disclosure action form `name` (moved into the actions column by the page)."""
    page.locator(f"form[data-gk-action={name}] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_officer_handles_a_request_to_partial_disclosure(org, people, page, login, live_server, shot):
    officer(org.housing)
    today = timezone.localdate().isoformat()
    login(page, "gk_officer", PASSWORD)
    assert page.locator("[data-queue=disclosure_open]").count() == 1
    page.goto(f"{live_server.url}/disclosure/new/")

    # Missing identity and a future date: refused, nothing saved, the messages beside the fields.
    page.fill("input[name=name]", "李四")
    page.fill("input[name=submitted_on]", "2099-01-01")
    page.click("form[data-testid=intake-form] button[type=submit]")
    assert "请填写申请人身份证件号码" in page.content() and "提交日期不能晚于今天" in page.content()
    assert not Case.objects.filter(kind="disclosure").exists()
    shot(page, "disclosure-intake-errors")

    page.fill("input[name=id_number]", "440301198001011234")
    page.fill("input[name=phone]", "13800138000")
    page.fill("input[name=address]", "示范区东湖路1号")
    page.select_option("select[name=receipt_channel]", "in_person")
    page.fill("input[name=submitted_on]", today)
    page.fill("textarea[name=description]", "东湖小区老旧小区改造项目的施工合同及验收报告")
    page.fill("input[name=purpose]", "了解小区改造质量")
    page.click("form[data-testid=intake-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(kind="disclosure")
    assert case.number in page.content() and "已登记政府信息公开申请" in page.content()
    assert page.locator("[data-testid=clock-status]").inner_text().count("剩余") == 1
    shot(page, "disclosure-request-received")

    # 补正: one notice, the clock pauses; the amended request restarts the 20 working days.
    page.fill(
        "form[data-gk-action=request_amendment] textarea[name=amendment_items]", "请写明合同的项目名称或编号"
    )
    act(page, "request_amendment")
    assert "计时暂停" in page.locator("[data-testid=clock-status]").inner_text()
    assert "补正告知书" in page.locator("[data-testid=letters]").inner_text()
    page.fill("form[data-gk-action=receive_amendment] input[name=amendment_received_on]", today)
    page.fill(
        "form[data-gk-action=receive_amendment] textarea[name=description]",
        "东湖小区老旧小区改造项目（示住建〔2026〕3号）的施工合同及竣工验收报告",
    )
    act(page, "receive_amendment")
    assert "答复期限自该日重新起算" in page.content()

    # 延期: the officer asks, the leader approves, the notice is generated.
    page.fill("form[data-gk-action=request_extension] input[name=extension]", "15")
    page.fill("form[data-gk-action=request_extension] input[name=reason]", "需向施工单位调取验收资料")
    act(page, "request_extension")
    assert "待审批" in page.locator("[data-testid=disclosure-steps]").inner_text()
    page.context.clear_cookies()
    login(page, "housing_leader", PASSWORD)
    assert page.locator("[data-queue=disclosure_extension]").count() == 1
    page.goto(f"{live_server.url}/cases/{case.number}/")
    assert page.locator("form[data-gk-action=approve_extension] input[name=extension]").input_value() == "15"
    shot(page, "disclosure-extension-approval")
    act(page, "approve_extension")
    assert "已批准延长 15 个工作日" in page.content()

    # 答复: partial disclosure with the withheld part and its reason; the letter is produced.
    page.context.clear_cookies()
    login(page, "gk_officer", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.click("[data-gk-action=answer] a")
    page.select_option("select[name=outcome]", "partly_disclosed")
    page.click("form[data-testid=outcome-choice] button")
    page.fill("input[name=withheld_part]", "施工单位报价明细")
    page.fill("textarea[name=withheld_reason]", "涉及第三方商业秘密，公开会对其合法权益造成损害")
    page.fill("input[name=contact_phone]", "0755-12345678")
    shot(page, "disclosure-answer-form")
    page.click("form[data-testid=answer-form] button.primary")
    page.wait_for_load_state("networkidle")
    assert "部分公开" in page.locator("[data-testid=outcome]").inner_text()
    letters = page.locator("[data-testid=letters]").inner_text()
    for title in ("补正告知书", "延期答复告知书", "政府信息公开申请答复书"):
        assert title in letters
    act(page, "deliver")
    assert "已送达" in page.content()
    timeline = page.locator("ol.timeline").inner_text()
    assert "告知补正" in timeline and "批准延期" in timeline and "disclosure." not in timeline
    shot(page, "disclosure-request-delivered")

    with page.expect_download() as download:
        page.click("[data-testid=letters] a:has-text('政府信息公开申请答复书')")
    assert download.value.suggested_filename.endswith(".docx")

    # The annual table: one new request by a natural person, counted in (二) partly disclosed.
    page.goto(f"{live_server.url}/disclosure/annual/?unit={org.housing.pk}")
    table = page.locator("[data-testid=table2]")
    rows = {re.sub(r"\s+", "", r.inner_text().split("\t")[0]): r for r in table.locator("tr").all()}
    partly = next(r for key, r in rows.items() if key.startswith("（二）部分公开"))
    assert partly.locator("td").all_inner_texts()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    new = next(r for key, r in rows.items() if key.startswith("一、本年新收"))
    assert new.locator("td").all_inner_texts()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert page.locator("[data-testid=checks-ok]").count() == 1
    shot(page, "disclosure-annual-report")

    page.goto(f"{live_server.url}/disclosure/dashboard/")
    page.wait_for_timeout(500)
    assert page.locator("[data-kpi=answered] .v").inner_text() == "1"
    shot(page, "disclosure-dashboard")
    page.goto(f"{live_server.url}/disclosure/?all=1")
    shot(page, "disclosure-queue")


def test_fee_notice_pauses_the_request_until_payment(org, people, page, login, live_server, shot):
    gk = officer(org.housing)
    case = request(gk, org.housing, when=timezone.now(), submitted_on=timezone.localdate())
    login(page, "gk_officer", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    form = page.locator("form[data-gk-action=issue_fee_notice]")
    form.locator("select[name=fee_method]").select_option("by_pages")
    form.locator("input[name=pages]").fill("150")
    act(page, "issue_fee_notice")
    box = page.locator("[data-testid=fee-pending]")
    assert "应缴信息处理费 1700 元" in box.inner_text() and "缴费期限" in box.inner_text()
    clock = page.locator("[data-testid=clock-status]").inner_text()
    assert "计时暂停" in clock and "待缴纳信息处理费" in clock
    assert "信息处理费收费通知" in page.locator("[data-testid=letters]").inner_text()
    shot(page, "disclosure-fee-paused")
    act(page, "record_fee_payment")
    assert "剩余" in page.locator("[data-testid=clock-status]").inner_text()
    assert page.locator("[data-testid=fee-pending]").count() == 0


def test_district_report_includes_its_sub_units_on_request(org, people, page, login, live_server, shot):
    gk = officer(org.district, "district_gk")
    today = timezone.localdate()
    for unit in (org.district, org.housing, org.community_a):
        request(gk, unit, when=timezone.now(), submitted_on=today)
    login(page, "district_gk", PASSWORD)
    page.goto(f"{live_server.url}/disclosure/annual/?unit={org.district.pk}&year={today.year}")

    def new_total() -> str:
        rows = page.locator("[data-testid=table2] tr").all()
        new = next(r for r in rows if re.sub(r"\s+", "", r.inner_text()).startswith("一、本年新收"))
        return new.locator("td").all_inner_texts()[-1]

    assert new_total() == "1"
    page.check("[data-testid=include-sub-units]")
    page.click("nav.subnav form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=include-sub-units]").is_checked()
    assert new_total() == "3" and page.locator("[data-testid=checks-ok]").count() == 1
    assert "含下级单位" in page.locator("h1").inner_text()
    shot(page, "disclosure-annual-sub-units")
