"""A citizen in a real browser: submit on the portal, keep number and code, track, rate."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from fazhi.cases import services as cases
from fazhi.cases.models import Case


@pytest.fixture(autouse=True)
def clean_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_dispatch_model(monkeypatch):
    from fazhi.appeals import routing

    monkeypatch.setattr(routing, "current_model", lambda: None, raising=False)


def handle(case, org, people):
    """The back office does its part (dispatch, sign, reply, approve) through the services."""
    now = timezone.now()
    cases.transition(
        case=case,
        name="dispatch",
        actor=people.dispatcher,
        now=now,
        comment="内部备注：请尽快",
        params={"unit": org.street_a.pk},
    )
    cases.transition(case=case, name="accept", actor=people.street_a, now=now)
    cases.transition(
        case=case,
        name="close",
        actor=people.street_a,
        now=now,
        params={
            "reply": "您好！经东湖街道城管科现场核查，该路段路灯因线路老化停亮，已于今日更换线路，恢复夜间照明。感谢您的反映。"
        },
    )
    cases.transition(case=case, name="approve_closure", actor=people.reviewer, now=now)


def test_citizen_submits_tracks_and_rates(org, people, page, live_server, shot):
    page.goto(f"{live_server.url}/portal/")
    assert "紧急情况" in page.content()
    page.select_option("select[name=appeal_type]", "complaint")
    page.fill("input[name=title]", "东湖路路灯连续一周不亮")
    page.fill(
        "textarea[name=content]",
        "东湖街道东湖路 18 号小区门口至公交站一段路灯连续一周不亮，夜间老人孩子出行很不方便，请尽快维修。",
    )
    page.fill("input[name=name]", "张三丰")
    page.fill("input[name=phone]", "13800138000")
    page.fill("input[name=address]", "东湖街道东湖路 18 号")
    shot(page, "portal-submit")
    page.click("button.p-submit")
    page.wait_for_url("**/portal/receipt/")

    number = page.inner_text("[data-receipt=number]").strip()
    code = page.inner_text("[data-receipt=code]").strip()
    case = Case.objects.get(number=number)
    assert case.channel == "web" and case.appeal.query_code == code
    shot(page, "portal-receipt")

    handle(case, org, people)
    page.context.clear_cookies()  # a new visit, e.g. days later on another phone
    page.goto(f"{live_server.url}/portal/track/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    shot(page, "portal-track-form")
    page.click("button.p-submit")
    page.wait_for_url(f"**/portal/track/{number}/")
    content = page.content()
    assert "已办结（待评价）" in content and "东湖街道" in content and "恢复夜间照明" in content
    assert "内部备注" not in content and "13800138000" not in content and "张三丰" not in content
    shot(page, "portal-track")

    page.check("input[name=rating][value=satisfied]")
    page.check("input[name=resolved][value=yes]")
    page.click("#rate button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "感谢您的评价" in page.content()
    case.refresh_from_db()
    assert case.state == "closed" and case.appeal.rating == "satisfied"
    shot(page, "portal-rated")


def test_portal_on_a_phone(org, browser, live_server, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.goto(f"{live_server.url}/portal/")
    pg.click("button.p-submit")  # empty: the intake messages appear beside the fields
    pg.wait_for_load_state("networkidle")
    assert "诉求内容不能为空" in pg.content()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(pg, "portal-mobile-errors")
    context.close()
