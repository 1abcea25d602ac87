"""Two roles log in; each sees its own home and queues and not the other's cases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fazhi.appeals import services as appeals
from fazhi.cases import services as cases
from tests.factories.core import PASSWORD


def test_two_roles_see_their_own_home(org, people, page, login, live_server, shot):
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    housing_case, _ = appeals.intake(actor=people.agent, raw={"content": "小区电梯长期故障无人维修", "phone": "13800138000",
                                                              "appeal_type": "complaint"}, now=now)
    transport_case, _ = appeals.intake(actor=people.agent, raw={"content": "公交站台顶棚破损需要修复",
                                                                "phone": "13900139000"}, now=now)
    cases.transition(case=housing_case, name="dispatch", actor=people.dispatcher, params={"unit": org.housing.pk})
    cases.transition(case=transport_case, name="dispatch", actor=people.dispatcher,
                     params={"unit": org.transport.pk})

    login(page, "housing_handler", PASSWORD)
    assert "工作台" in page.content()
    assert page.locator("[data-queue=appeal_handling]").count() == 1
    assert housing_case.number in page.content()
    assert transport_case.number not in page.content()
    shot(page, "home-housing-handler")
    page.goto(f"{live_server.url}/cases/{transport_case.number}/")
    assert "Not Found" in page.content() or page.title() != transport_case.number
    page.goto(f"{live_server.url}/cases/?kind=appeal")
    assert housing_case.number in page.content() and transport_case.number not in page.content()

    page.context.clear_cookies()
    login(page, "dispatcher", PASSWORD)
    assert page.locator("[data-queue=appeal_dispatch]").count() == 1
    assert page.locator("[data-queue=appeal_handling]").count() == 0
    shot(page, "home-dispatcher")
