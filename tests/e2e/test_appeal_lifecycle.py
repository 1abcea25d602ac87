"""One appeal through every step in a real browser, as the people who handle it would.

Portal submission → dispatch → return → reassignment → closure → review rejection (nominal
closure) → closure again → approval → callback → objection → closure, approval and a second
callback after the objection. After every step the case page's timeline is read as the user sees
it (the entries of `ol.timeline`, in order) and the KPI figures are computed with the function the
dashboard reads, all of them each time: a figure that must not move is asserted as much as the one
that should. At three points the dashboard page itself is read.
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
    """Fill and submit one action form on the case page; returns the flash message text.

    The browser ends on the case page the action redirects to, so the caller reads its timeline."""
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
    assert page.url.endswith(f"/cases/{number}/")
    return page.locator(".messages").inner_text()


def as_user(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def timeline_labels(page) -> list[str]:
    """The timeline entries' labels as shown, in order, read from the timeline element only."""
    return [t.strip() for t in page.locator("ol.timeline > li > strong").all_inner_texts()]


def timeline_entry(page, n: int) -> str:
    """The whole text of the n-th timeline entry (label, actor, unit, summary, comment)."""
    return page.locator("ol.timeline > li").nth(n).inner_text()


def figures() -> dict:
    """The centre's dashboard figures: dashboard() memoises exactly this report() call."""
    kpis._FACTS_CACHE.clear()
    return kpis.report(kpis.KpiFilter())["figures"]


# The figures the walk moves; every one is asserted after every step.
WATCHED = (
    "received dispatched first_dispatch_ok first_dispatch_accuracy returned return_rate closed on_time"
    " on_time_rate overdue rated satisfaction_before satisfaction_after resolution_before resolution_after"
    " objected objection_rate"
).split()


class Walk:
    """What the timeline and the figures should be so far; `step()` adds one step's changes."""

    def __init__(self, page):
        self.page = page
        self.labels: list[str] = []
        self.kpis = dict.fromkeys(WATCHED)
        self.kpis.update(received=0, dispatched=0, first_dispatch_ok=0, returned=0, closed=0, on_time=0,
                         overdue=0, rated=0, objected=0)

    def step(self, label: str | None, **changed):
        if label:
            self.labels.append(label)
        assert timeline_labels(self.page) == self.labels
        self.kpis.update(changed)
        actual = figures()
        assert {k: actual[k] for k in WATCHED} == self.kpis


def dashboard_card(page, key: str) -> str:
    return page.locator(f"[data-kpi={key}] .v").inner_text().strip()


def test_one_appeal_through_every_step(org, people, page, live_server, login, shot):
    base = live_server.url
    walk = Walk(page)

    # 1. the citizen submits on the portal, without an account
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
    shot(page, "appeal-lifecycle-1-portal-receipt")

    # the dispatcher finds it in the queue by searching its content and filtering on the channel
    as_user(page, login, "dispatcher")
    page.goto(f"{base}/cases/?kind=appeal&state=registered")
    page.fill("input[name=q]", "消防通道")
    page.select_option("select[name=channel]", "web")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.grid tbody tr td:first-child").all_inner_texts() == [number]
    shot(page, "appeal-lifecycle-1-dispatcher-queue")
    page.click(f"text={number}")
    page.wait_for_url(f"**/cases/{number}/")
    walk.step("登记受理", received=1)

    # 2. dispatched to the housing bureau
    assert "派单 成功" in act(page, base, number, "dispatch", unit=org.housing.pk)
    walk.step("派单", dispatched=1, first_dispatch_ok=1, first_dispatch_accuracy=1.0, return_rate=0.0)
    assert "承办单位：区住房和建设局" in timeline_entry(page, 1)

    # 3. returned with a reason: the first dispatch was wrong
    as_user(page, login, "housing_handler")
    assert "退单 成功" in act(page, base, number, "return", comment="楼道杂物属街道消防安全管理，非本局职责")
    walk.step("退单", returned=1, return_rate=1.0, first_dispatch_ok=0, first_dispatch_accuracy=0.0)
    assert "非本局职责" in timeline_entry(page, 2)
    shot(page, "appeal-lifecycle-3-returned")

    # 4. reassigned to the street; counts once as dispatched, still inaccurate
    as_user(page, login, "dispatcher")
    assert "改派 成功" in act(page, base, number, "reassign", unit=org.street_a.pk)
    walk.step("改派")
    assert "承办单位：东湖街道" in timeline_entry(page, 3)

    # 5. signed for and closed: awaiting review, not yet counted as closed
    as_user(page, login, "street_a_handler")
    assert "签收 成功" in act(page, base, number, "accept")
    walk.step("签收")
    assert "办结 成功" in act(page, base, number, "close", reply="已通知物业清理。")
    walk.step("办结")

    # 6. review sends it back as a nominal closure: closed stays 0
    as_user(page, login, "reviewer")
    assert "退回重办" in act(page, base, number, "reject_closure", comment="仅通知物业，未核实清理结果，属形式办结")
    walk.step("退回重办（形式办结）", closed=0, on_time=0)
    entry = timeline_entry(page, 6)
    assert "形式办结，退回重办" in entry and "未核实清理结果" in entry
    kpis._FACTS_CACHE.clear()
    page.goto(f"{base}/appeals/kpis/")
    assert (dashboard_card(page, "received"), dashboard_card(page, "closed")) == ("1", "0")
    assert dashboard_card(page, "on_time_rate") == "—"
    shot(page, "appeal-lifecycle-6-dashboard-after-rejection")

    # 7. closed again, properly this time
    as_user(page, login, "street_a_handler")
    act(page, base, number, "close", reply="街道执法队现场督促物业清理完毕，楼道已畅通，并拍照存档。")
    walk.step("办结")

    # 8. approved: now it is closed, on time
    as_user(page, login, "reviewer")
    assert "审核通过 成功" in act(page, base, number, "approve_closure")
    walk.step("审核通过", closed=1, on_time=1, on_time_rate=1.0, objection_rate=0.0)

    # 9. callback: dissatisfied, not resolved
    as_user(page, login, "agent")
    assert "回访评价 成功" in act(page, base, number, "callback", rating="dissatisfied", resolved="no")
    walk.step("回访评价", rated=1, satisfaction_before=0.0, satisfaction_after=0.0, resolution_before=0.0,
              resolution_after=0.0)
    assert "不满意，未解决" in timeline_entry(page, 9)

    # 10. objection: the appeal reopens; the approved closure still counts, the objection too
    assert "申诉" in act(page, base, number, "object", comment="杂物两天后又堆回来了")
    walk.step("申诉（重新办理）", objected=1, objection_rate=1.0)
    assert "杂物两天后又堆回来了" in timeline_entry(page, 10)
    shot(page, "appeal-lifecycle-10-timeline-after-objection")
    case = Case.objects.get(number=number)
    assert case.state == "handling" and case.appeal.objections == 1

    # 11. handled again after the objection, approved, and rated satisfied: "after objections"
    # moves, "before objections" keeps the first rating; still one closed appeal
    as_user(page, login, "street_a_handler")
    assert "办结 成功" in act(page, base, number, "close", reply="已督促物业建立巡查制度，连续一周复查楼道畅通。")
    walk.step("办结")
    as_user(page, login, "reviewer")
    assert "审核通过 成功" in act(page, base, number, "approve_closure")
    walk.step("审核通过")
    as_user(page, login, "agent")
    act(page, base, number, "callback", rating="satisfied", resolved="yes")
    walk.step("回访评价", satisfaction_after=1.0, resolution_after=1.0)
    assert "满意，已解决" in timeline_entry(page, 13)
    shot(page, "appeal-lifecycle-11-case-final")

    # the events behind what the page showed, one per entry
    assert list(CaseEvent.objects.filter(case__number=number).order_by("at", "id").values_list("kind", flat=True)) == [
        "appeal.created", "appeal.dispatch", "appeal.return", "appeal.reassign", "appeal.accept", "appeal.close",
        "appeal.reject_closure", "appeal.close", "appeal.approve_closure", "appeal.callback", "appeal.object",
        "appeal.close", "appeal.approve_closure", "appeal.callback",
    ]

    # the leader's dashboard shows the same figures
    as_user(page, login, "centre_admin")
    kpis._FACTS_CACHE.clear()
    page.goto(f"{base}/appeals/kpis/")
    shown = {key: dashboard_card(page, key) for key in (
        "received", "closed", "on_time_rate", "first_dispatch_accuracy", "return_rate", "satisfaction_before",
        "satisfaction_after", "resolution_before", "objection_rate", "overdue")}
    assert shown == {
        "received": "1", "closed": "1", "on_time_rate": "100.00%", "first_dispatch_accuracy": "0.00%",
        "return_rate": "100.00%", "satisfaction_before": "0.00%", "satisfaction_after": "100.00%",
        "resolution_before": "0.00%", "objection_rate": "100.00%", "overdue": "0",
    }
    shot(page, "appeal-lifecycle-12-dashboard-final")
