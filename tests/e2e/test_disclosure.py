"""Disclosure in a real browser (Debian's chromium).

The main test follows one request from both sides: a citizen with no account asks on the public
form (reached from the 12345 portal) and keeps a number and query code; the disclosure officer
sends an amendment notice (补正), records the amended request, asks for an extension (延期) that
the leader approves, answers with a partial disclosure (部分公开) and delivers it. After each of
those steps the citizen's tracking page is read as the citizen sees it — state, dates, what is
asked of them — and at the end the request is found in the cell of the annual table 2 that counts
it. Staff intake's refusals, the fee pause and the district report with its sub-units follow."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from fazhi.cases.models import Case
from fazhi.core.calendar import get_calendar
from fazhi.disclosure.services import local_day
from tests.factories.core import PASSWORD
from tests.factories.disclosure import fast_passwords, officer, request  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The public form and tracking page count per IP in the cache; every test starts at zero."""
    cache.clear()
    yield
    cache.clear()


def act(page, name: str) -> None:
    """Submit the disclosure action form `name` (moved into the actions column by the page)."""
    page.locator(f"form[data-gk-action={name}] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def cn(day: date) -> str:
    """A date as the public pages print it: 2026年3月2日."""
    return f"{day.year}年{day.month}月{day.day}日"


def track(citizen, url: str, number: str, code: str) -> dict:
    """Look the request up on the public tracking page; returns its facts as {label: text}."""
    citizen.goto(f"{url}/disclosure/public/track/")
    citizen.fill("input[name=number]", number)
    citizen.fill("input[name=code]", code)
    citizen.click("form.p-form button[type=submit]")
    citizen.wait_for_load_state("networkidle")
    labels = citizen.locator("[data-testid=status-facts] dt").all_inner_texts()
    values = citizen.locator("[data-testid=status-facts] dd").all_inner_texts()
    facts = dict(zip(labels, values, strict=True))
    facts["状态"] = citizen.locator(".p-state").inner_text()
    facts["阶段"] = citizen.locator(".p-state").get_attribute("data-stage")
    return facts


def table2_row(page, prefix: str):
    rows = page.locator("[data-testid=table2] tr").all()
    return next(r for r in rows if re.sub(r"\s+", "", r.inner_text()).startswith(prefix))


def test_citizen_request_through_amendment_and_extension_to_partial_disclosure(
    org, people, browser, page, login, live_server, shot
):
    officer(org.housing)
    url, calendar, today = live_server.url, get_calendar(), timezone.localdate()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    citizen = context.new_page()
    citizen.set_default_timeout(15000)

    # -- the citizen asks, from the 12345 portal's link ------------------------------------------
    citizen.goto(f"{url}/portal/")
    citizen.click("nav.p-nav a:has-text('信息公开申请')")
    citizen.wait_for_load_state("networkidle")
    assert citizen.url.endswith("/disclosure/public/")
    citizen.select_option("select[name=unit]", str(org.housing.pk))
    citizen.fill("input[name=name]", "李四")
    citizen.fill("input[name=phone]", "13800138000")
    citizen.click("form.p-form button[type=submit]")  # no identity number, no description
    citizen.wait_for_load_state("networkidle")
    errors = citizen.content()
    assert "请填写申请人身份证件号码（条例第二十九条）" in errors and "特征性描述（至少 5 个字）" in errors
    assert not Case.objects.filter(kind="disclosure").exists()
    assert citizen.locator("input[name=name]").input_value() == "李四"  # what was typed is kept
    shot(citizen, "disclosure-public-form-errors")

    citizen.fill("input[name=id_number]", "440301198001011234")
    citizen.fill("input[name=address]", "示范区东湖路1号")
    citizen.fill("textarea[name=description]", "东湖小区老旧小区改造项目的施工合同及验收报告")
    citizen.fill("input[name=purpose]", "了解小区改造质量")
    citizen.check("input[name=form_of_provision][value=paper]")
    citizen.select_option("select[name=acquisition_method]", "post")
    citizen.click("form.p-form button[type=submit]")
    citizen.wait_for_load_state("networkidle")
    number = citizen.locator("[data-receipt=number]").inner_text().strip()
    code = citizen.locator("[data-receipt=code]").inner_text().strip()
    assert re.fullmatch(r"GK-\d{4}-\d+", number) and re.fullmatch(r"\d{6}", code)
    assert org.housing.name in citizen.content() and "20 个工作日内答复" in citizen.content()
    shot(citizen, "disclosure-public-receipt")
    case = Case.objects.select_related("disclosure").get(kind="disclosure")
    d = case.disclosure
    assert (case.number, d.receipt_channel, d.received_on) == (number, "online", today)
    assert (d.form_of_provision, d.acquisition_method) == ("paper", "post")
    due = calendar.add_working_days(today, 20).date

    status = track(citizen, url, number, code)
    assert (status["阶段"], status["状态"]) == ("received", "已收到申请，正在审查")
    assert status["受理机关"] == org.housing.name and status["收到申请日期"] == cn(today)
    assert status["答复期限"] == cn(due)
    shot(citizen, "disclosure-public-track-received")

    # -- 补正: the officer finds it in the queue and sends one notice; the clock pauses -----------
    login(page, "gk_officer", PASSWORD)
    page.goto(f"{url}/disclosure/")
    row = page.locator(f"[data-testid=disclosure-queue] tr[data-number='{number}']")
    assert "剩余 20 个工作日" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert "互联网" in page.locator("[data-testid=disclosure-facts]").inner_text()
    assert page.locator("[data-testid=clock-status]").inner_text().count("剩余") == 1
    page.fill(
        "form[data-gk-action=request_amendment] textarea[name=amendment_items]",
        "请写明合同所属的项目名称或批复文号\n请说明需要的是施工合同还是监理合同",
    )
    act(page, "request_amendment")
    assert "计时暂停" in page.locator("[data-testid=clock-status]").inner_text()
    assert "补正告知书" in page.locator("[data-testid=letters]").inner_text()
    d.refresh_from_db()
    amend_by = d.amend_by
    assert amend_by == calendar.add_working_days(today, 15).date  # the default period

    status = track(citizen, url, number, code)
    assert (status["阶段"], status["状态"]) == ("amendment", "需要补正申请内容")
    assert "答复期限" not in status  # paused: no date is promised while the citizen amends
    notice = citizen.locator("div.msg.warn").inner_text()
    assert "请写明合同所属的项目名称或批复文号" in notice and "施工合同还是监理合同" in notice
    assert f"请于 {cn(amend_by)} 前" in notice and "视为放弃申请" in notice
    assert citizen.locator("div.msg.warn ol li").count() == 2
    shot(citizen, "disclosure-public-track-amendment")

    page.fill("form[data-gk-action=receive_amendment] input[name=amendment_received_on]", today.isoformat())
    page.fill(
        "form[data-gk-action=receive_amendment] textarea[name=description]",
        "东湖小区老旧小区改造项目（示住建〔2026〕3号）的施工合同及竣工验收报告",
    )
    act(page, "receive_amendment")
    assert "答复期限自该日重新起算" in page.content()
    restarted = calendar.add_working_days(today, 20).date  # 20 working days again, from the amendment

    status = track(citizen, url, number, code)
    assert (status["阶段"], status["状态"]) == ("processing", "办理中")
    assert status["答复期限"] == cn(restarted) and citizen.locator("div.msg.warn").count() == 0
    shot(citizen, "disclosure-public-track-amended")

    # -- 延期: the officer asks, the leader approves, the citizen sees the new date --------------
    page.fill("form[data-gk-action=request_extension] input[name=extension]", "15")
    page.fill("form[data-gk-action=request_extension] input[name=reason]", "需向施工单位调取验收资料")
    act(page, "request_extension")
    assert "待审批" in page.locator("[data-testid=disclosure-steps]").inner_text()
    status = track(citizen, url, number, code)
    assert status["状态"] == "办理中" and status["答复期限"] == cn(restarted)  # nothing promised yet
    page.context.clear_cookies()
    login(page, "housing_leader", PASSWORD)
    assert page.locator("[data-queue=disclosure_extension]").count() == 1
    page.goto(f"{url}/cases/{number}/")
    assert page.locator("form[data-gk-action=approve_extension] input[name=extension]").input_value() == "15"
    shot(page, "disclosure-extension-approval")
    act(page, "approve_extension")
    assert "已批准延长 15 个工作日" in page.content()
    case.refresh_from_db()
    extended = calendar.add_working_days(restarted, 15).date
    assert local_day(case.due_at) == extended

    status = track(citizen, url, number, code)
    assert (status["阶段"], status["状态"]) == ("processing", "办理中")
    assert status["答复期限"].startswith(f"已依法延长至 {cn(extended)}")
    # A date reaching into a year whose holidays are not published yet says it may move.
    assert (citizen.locator("[data-provisional]").count() == 1) == case.due_provisional
    shot(citizen, "disclosure-public-track-extended")

    # -- 答复: a partial disclosure with the withheld part and its reason; delivered ---------------
    page.context.clear_cookies()
    login(page, "gk_officer", PASSWORD)
    page.goto(f"{url}/cases/{number}/")
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

    status = track(citizen, url, number, code)
    assert (status["阶段"], status["状态"]) == ("answered", "已答复")
    assert status["处理结果"] == "部分公开" and status["答复日期"] == cn(today)
    assert "送达日期" not in status and "将按您选择的方式送达" in citizen.content()

    act(page, "deliver")
    assert "已送达" in page.content()
    timeline = page.locator("ol.timeline").inner_text()
    assert "告知补正" in timeline and "批准延期" in timeline and "网上申请，系统确认收到" in timeline
    assert "disclosure." not in timeline and "public_code" not in timeline
    shot(page, "disclosure-request-delivered")
    with page.expect_download() as download:
        page.click("[data-testid=letters] a:has-text('政府信息公开申请答复书')")
    assert download.value.suggested_filename.endswith(".docx")

    status = track(citizen, url, number, code)
    assert status["处理结果"] == "部分公开" and status["送达日期"] == cn(today)
    assert f"答复书已于 {cn(today)} 送达" in citizen.content()
    page_text = citizen.locator("main").inner_text()
    for internal in (
        "公开专员",
        "gk_officer",
        "housing_leader",
        "需向施工单位调取验收资料",
        "施工单位报价明细",
    ):
        assert internal not in page_text, internal  # no staff, no internal reasons on the public page
    shot(citizen, "disclosure-public-track-answered")
    context.close()

    # -- the annual table: one new request by a natural person, counted in (二) partly disclosed --
    page.goto(f"{url}/disclosure/annual/?unit={org.housing.pk}&year={today.year}")
    partly = table2_row(page, "（二）部分公开")
    assert partly.locator("td").all_inner_texts()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    new = table2_row(page, "一、本年新收")
    assert new.locator("td").all_inner_texts()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert table2_row(page, "四、结转下年度继续办理").locator("td").all_inner_texts()[-1] == "0"
    assert page.locator("[data-testid=checks-ok]").count() == 1
    partly.locator("td a").first.click()  # the 自然人 cell: which request it counts
    page.wait_for_load_state("networkidle")
    drill = page.locator("[data-testid=drill]")
    assert drill.locator("li").count() == 1 and number in drill.inner_text()
    assert "部分公开" in drill.locator("h3").inner_text()
    drill.scroll_into_view_if_needed()
    shot(page, "disclosure-annual-report")

    page.goto(f"{url}/disclosure/dashboard/")
    page.wait_for_timeout(500)
    assert page.locator("[data-kpi=answered] .v").inner_text() == "1"
    shot(page, "disclosure-dashboard")
    page.goto(f"{url}/disclosure/?all=1")
    shot(page, "disclosure-queue")


def test_staff_intake_refuses_bad_input_then_registers_a_request_received_in_person(
    org, people, page, login, live_server, shot
):
    officer(org.housing)
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
    page.select_option("select[name=receipt_channel]", "in_person")
    page.fill("input[name=submitted_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=description]", "东湖小区老旧小区改造项目的施工合同及验收报告")
    page.click("form[data-testid=intake-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(kind="disclosure")
    assert case.number in page.content() and "已登记政府信息公开申请" in page.content()
    assert page.locator("[data-testid=clock-status]").inner_text().count("剩余") == 1
    shot(page, "disclosure-request-received")


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


def test_annual_page_with_failed_checks_exports_a_marked_draft(org, people, page, login, live_server, shot):
    import io

    import openpyxl

    from fazhi.disclosure.models import DisclosureRequest
    from tests.factories.disclosure import step

    gk = officer(org.housing)
    now, today = timezone.now(), timezone.localdate()
    case = request(gk, org.housing, when=now, submitted_on=today)
    step(case, "answer", gk, now, outcome="disclosed")
    DisclosureRequest.objects.filter(case=case).update(outcome="")  # answered, but the outcome lost
    login(page, "gk_officer", PASSWORD)
    page.goto(f"{live_server.url}/disclosure/annual/?unit={org.housing.pk}&year={today.year}")
    problems = page.locator("[data-testid=problems]")
    assert case.number in problems.inner_text() and page.locator("[data-testid=checks-ok]").count() == 0
    assert "未通过一致性校验" in page.locator("[data-testid=export-warning]").inner_text()
    shot(page, "disclosure-annual-failed-checks")
    with page.expect_download() as download:
        page.click("a:has-text('导出 XLSX')")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert workbook.active.title == "未通过一致性校验"
    assert case.number in " ".join(str(c.value or "") for row in workbook.active.iter_rows() for c in row)
