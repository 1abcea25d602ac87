"""One appeal through every step in a real browser, as the people who handle it would.

Portal submission → dispatch → return → reassignment → closure → review rejection (nominal
closure) → closure again → approval → callback → objection; the timeline and the KPI counts
are checked on the way.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from fazhi.appeals import kpis
from fazhi.cases.models import Case, CaseEvent
from tests.factories.core import PASSWORD


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    from fazhi.appeals import routing

    cache.clear()
    kpis._FACTS_CACHE.clear()
    monkeypatch.setattr(routing, "current_model", lambda: None, raising=False)
    yield
    cache.clear()


def act(page, base, number, action, *, unit=None, comment=None, reply=None, rating=None, resolved=None):
    """Fill and submit one action form on the case page; returns the flash message text."""
    page.goto(f"{base}/cases/{number}/")
    form = page.locator(f"form[data-action={action}]")
    assert form.count() == 1, f"action {action} not offered on {number}"
    if unit is not None:
        form.locator("select[name=unit]").select_option(str(unit))
    if reply is not None:
        form.locator("textarea[name=reply]").fill(reply)
    if rating is not None:
        form.locator("select[name=rating]").select_option(rating)
    if resolved is not None:
        form.locator("select[name=resolved]").select_option(resolved)
    if comment is not None:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page.locator(".messages").inner_text()


def as_user(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def timeline(number):
    return list(CaseEvent.objects.filter(case__number=number).order_by("at", "id").values_list("kind", flat=True))


def figures():
    kpis._FACTS_CACHE.clear()
    return kpis.compute(kpis.KpiFilter())


def test_one_appeal_through_every_step(org, people, page, live_server, login, shot):
    base = live_server.url
    page.goto(f"{base}/portal/")
    page.select_option("select[name=appeal_type]", "complaint")
    page.fill("input[name=title]", "东湖社区楼道堆放杂物堵塞消防通道")
    page.fill("textarea[name=content]", "东湖街道东湖社区 3 栋楼道长期堆放杂物，堵塞消防通道，多次反映物业未处理。")
    page.fill("input[name=name]", "李四")
    page.fill("input[name=phone]", "13900139000")
    page.fill("input[name=address]", "东湖街道东湖社区3栋")
    page.click("button.p-submit")
    page.wait_for_url("**/portal/receipt/")
    number = page.inner_text("[data-receipt=number]").strip()
    assert re.fullmatch(r"SQ-\d{4}-\d{6}", number)
    assert figures()["received"] == 1 and figures()["dispatched"] == 0

    as_user(page, login, "dispatcher")
    assert "派单 成功" in act(page, base, number, "dispatch", unit=org.housing.pk)
    as_user(page, login, "housing_handler")
    assert "退单 成功" in act(page, base, number, "return", comment="楼道杂物属街道消防安全管理，非本局职责")
    f = figures()
    assert (f["dispatched"], f["returned"], f["first_dispatch_ok"]) == (1, 1, 0)

    as_user(page, login, "dispatcher")
    assert "改派 成功" in act(page, base, number, "reassign", unit=org.street_a.pk)
    as_user(page, login, "street_a_handler")
    act(page, base, number, "accept")
    assert "办结 成功" in act(page, base, number, "close", reply="已通知物业清理。")

    as_user(page, login, "reviewer")
    message = act(page, base, number, "reject_closure", comment="仅通知物业，未核实清理结果，属形式办结")
    assert "退回重办" in message
    as_user(page, login, "street_a_handler")
    act(page, base, number, "close", reply="街道执法队现场督促物业清理完毕，楼道已畅通，并拍照存档。")
    as_user(page, login, "reviewer")
    assert "审核通过 成功" in act(page, base, number, "approve_closure")
    assert figures()["closed"] == 1

    as_user(page, login, "agent")
    act(page, base, number, "callback", rating="dissatisfied", resolved="no")
    f = figures()
    assert (f["rated"], f["satisfaction_before"]) == (1, 0.0)
    assert "申诉" in act(page, base, number, "object", comment="杂物两天后又堆回来了")
    shot(page, "appeal-lifecycle-timeline")

    case = Case.objects.get(number=number)
    assert case.state == "handling" and case.appeal.objections == 1
    assert timeline(number) == [
        "appeal.created", "appeal.dispatch", "appeal.return", "appeal.reassign", "appeal.accept", "appeal.close",
        "appeal.reject_closure", "appeal.close", "appeal.approve_closure", "appeal.callback", "appeal.object",
    ]
    content = page.content()
    for label in ("登记受理", "派单", "退单", "改派", "签收", "退回重办（形式办结）", "审核通过", "回访评价", "申诉（重新办理）"):
        assert label in content
    f = figures()
    assert (f["received"], f["objected"], f["objection_rate"]) == (1, 1, 1.0)
    assert f["first_dispatch_accuracy"] == 0.0 and f["return_rate"] == 1.0

    as_user(page, login, "centre_admin")
    page.goto(f"{base}/appeals/kpis/")
    assert page.locator("[data-kpi=received] .v").inner_text().strip() == "1"
    assert page.locator("[data-kpi=first_dispatch_accuracy] .v").inner_text().strip() == "0.00%"
    shot(page, "appeal-lifecycle-kpis")
