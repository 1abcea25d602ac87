"""The appeal pages through Django's test client: the dashboard's date filter, the queue's
search, filters and pagination, and the callback forms that must ask "resolved?" explicitly."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fazhi.appeals import kpis
from fazhi.appeals.models import Appeal
from fazhi.cases.models import Case, CaseEvent
from fazhi.cases.views import PAGE_SIZE
from tests.factories import appeals as fa
from tests.factories.appeals import at, step


@pytest.fixture(autouse=True)
def fresh():
    kpis._FACTS_CACHE.clear()
    cache.clear()  # the portal's per-IP limits
    yield
    kpis._FACTS_CACHE.clear()
    cache.clear()


def as_user(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def card(html: str, key: str) -> str:
    """The value shown on one dashboard card."""
    m = re.search(rf'data-kpi="{key}">\s*<div class="v">([^<]*)</div>', html)
    assert m, f"no card {key}"
    return m.group(1).strip()


def numbers(html: str) -> list[str]:
    """Case numbers listed in a results table, in order."""
    return re.findall(r'<td><a href="/cases/(SQ-\d{4}-\d{6})/">', html)


# --- dashboard date filter ---------------------------------------------------------------------


def test_dashboard_to_day_is_included(org, people):
    before = fa.appeal(people.agent, when=at(2026, 2, 28, 23, 30))
    first = fa.appeal(people.agent, when=at(2026, 3, 1, 0, 0))
    last = fa.appeal(people.agent, when=at(2026, 3, 31, 23, 59))  # received on the "至" day
    after = fa.appeal(people.agent, when=at(2026, 4, 1, 0, 0))
    # closed on the "至" day too: the closure figures share the inclusive end
    fa.handle_to_closed(
        last, people, org.housing, dispatched=at(2026, 3, 31, 23, 59), closed=at(2026, 3, 31, 23, 59, 30)
    )
    admin = as_user(people.admin)

    html = admin.get("/appeals/kpis/?from=2026-03-01&to=2026-03-31").content.decode()
    assert card(html, "received") == "2" and card(html, "closed") == "1"
    drill = admin.get("/appeals/kpis/cases/received/?from=2026-03-01&to=2026-03-31").content.decode()
    assert sorted(numbers(drill)) == sorted([first.number, last.number])
    assert before.number not in drill and after.number not in drill

    # one day earlier as the "至" day: the 31st drops out, the 1st stays
    html = admin.get("/appeals/kpis/?from=2026-03-01&to=2026-03-30").content.decode()
    assert card(html, "received") == "1" and card(html, "closed") == "0"
    # a single day: from = to
    html = admin.get("/appeals/kpis/?from=2026-03-31&to=2026-03-31").content.decode()
    assert card(html, "received") == "1" and card(html, "closed") == "1"
    # a malformed day is ignored, not a server error
    html = admin.get("/appeals/kpis/?from=2026-03-01&to=31/03/2026").content.decode()
    assert card(html, "received") == "3"


def test_dashboard_by_matter_and_channel(org, people):
    roads = fa.matter(name="道路")
    leaf = fa.matter(name="井盖缺失", level=3, parent=fa.matter(name="井盖", level=2, parent=roads))
    water = fa.matter(name="供水")
    on_leaf = fa.appeal(people.agent, when=at(2026, 3, 2, 9), matter=leaf.code, channel="web")
    fa.handle_to_closed(on_leaf, people, org.housing, dispatched=at(2026, 3, 2, 10), closed=at(2026, 3, 3, 10))
    fa.appeal(people.agent, when=at(2026, 3, 4, 9), matter=roads.code)
    fa.appeal(people.agent, when=at(2026, 3, 5, 9), matter=water.code)
    fa.appeal(people.agent, when=at(2026, 3, 6, 9))  # no matter
    admin = as_user(people.admin)
    query = "from=2026-03-01&to=2026-03-31"

    html = admin.get(f"/appeals/kpis/?{query}").content.decode()
    table = html[html.index('data-table="matter"'):]
    table = table[: table.index("</table>")]
    row = re.search(r'matter=(\d+)">道路</a></td>\s*<td class="n">(\d+)</td>', table)
    assert row and int(row.group(1)) == roads.pk and row.group(2) == "2"  # the leaf counts under its top
    assert "供水" in table and "未分类" in table
    channels = html[html.index('data-table="channel"'):]
    assert "网站" in channels[: channels.index("</table>")]

    narrowed = admin.get(f"/appeals/kpis/?{query}&matter={roads.pk}").content.decode()
    assert card(narrowed, "received") == "2" and card(narrowed, "closed") == "1"
    assert card(narrowed, "on_time_rate") == "100.00%"
    drill = admin.get(f"/appeals/kpis/cases/on_time/?{query}&matter={roads.pk}").content.decode()
    assert "按期办结的诉求" in drill and numbers(drill) == [on_leaf.number]
    base = admin.get(f"/appeals/kpis/cases/accepted/?{query}&matter={water.pk}").content.decode()
    assert "已签收的诉求" in base and numbers(base) == []


# --- the queue: search, filters, pagination ----------------------------------------------------


def test_queue_search_over_title_and_content(org, people):
    by_title = fa.appeal(
        people.agent,
        when=at(2026, 3, 2, 9),
        title="噪音扰民投诉",
        content="楼下商铺每晚十点后仍在营业，影响休息。",
    )
    by_content = fa.appeal(
        people.agent, when=at(2026, 3, 2, 10), title="夜间施工", content="工地夜间施工噪音很大，请尽快处理。"
    )
    other = fa.appeal(
        people.agent, when=at(2026, 3, 2, 11), title="路灯不亮", content="小区门口路灯坏了一周。"
    )
    dispatcher = as_user(people.dispatcher)

    html = dispatcher.get("/cases/", {"kind": "appeal", "q": "噪音"}).content.decode()
    assert numbers(html) == [by_content.number, by_title.number]  # newest first
    html = dispatcher.get("/cases/", {"q": "商铺"}).content.decode()
    assert numbers(html) == [by_title.number]
    html = dispatcher.get("/cases/", {"q": other.number}).content.decode()
    assert numbers(html) == [other.number]
    html = dispatcher.get("/cases/", {"q": "不存在的关键词"}).content.decode()
    assert numbers(html) == [] and "没有符合条件的案件" in html


def test_queue_pagination_keeps_the_filters(org, people):
    start = at(2026, 3, 2, 8)
    made = [
        fa.appeal(people.agent, when=start + timedelta(minutes=i), title=f"井盖缺失 {i}")
        for i in range(PAGE_SIZE + 2)
    ]
    fa.appeal(people.agent, when=start + timedelta(days=1), title="路灯不亮")  # filtered out by q
    newest_first = [c.number for c in reversed(made)]
    dispatcher = as_user(people.dispatcher)

    first = dispatcher.get("/cases/", {"kind": "appeal", "q": "井盖"}).content.decode()
    assert numbers(first) == newest_first[:PAGE_SIZE]
    assert f"共 {PAGE_SIZE + 2} 件" in first and "第 1 / 2 页" in first
    assert re.search(r'href="\?kind=appeal&(amp;)?q=%E4%BA%95%E7%9B%96&(amp;)?page=2"', first)

    second = dispatcher.get("/cases/", {"kind": "appeal", "q": "井盖", "page": "2"}).content.decode()
    assert numbers(second) == newest_first[PAGE_SIZE:]
    assert "第 2 / 2 页" in second and "page=1" in second
    # beyond the last page or not a number: the nearest page, never an error
    assert (
        numbers(dispatcher.get("/cases/", {"q": "井盖", "page": "9"}).content.decode())
        == newest_first[PAGE_SIZE:]
    )
    assert (
        numbers(dispatcher.get("/cases/", {"q": "井盖", "page": "x"}).content.decode())
        == newest_first[:PAGE_SIZE]
    )


def test_queue_filters(org, people):
    parent = fa.matter(name="市政设施", code="M10")
    child = fa.matter(name="井盖缺失", level=2, parent=parent, code="M10-01")
    leaf = fa.matter(name="人行道井盖", level=3, parent=child, code="M10-01-01")
    other_matter = fa.matter(name="噪音扰民", code="M20")

    hotline = fa.appeal(people.agent, when=at(2026, 3, 2, 9), channel="hotline", matter=leaf.code)
    web = fa.appeal(people.agent, when=at(2026, 3, 10, 9), channel="web", matter=other_matter.code)
    app = fa.appeal(people.agent, when=at(2026, 3, 31, 23), channel="app", matter=child.code)
    overdue = fa.appeal(people.agent, when=at(2025, 1, 6, 9), channel="hotline")
    recent = fa.appeal(people.agent, when=timezone.now() - timedelta(hours=1), channel="letter")
    step(app, "dispatch", people.dispatcher, at(2026, 3, 31, 23, 30), unit=org.housing.pk)
    fa.handle_to_closed(
        web,
        people,
        org.transport,
        dispatched=at(2026, 3, 10, 10),
        closed=at(2026, 3, 11, 10),
        handler=people.transport,
    )
    dispatcher = as_user(people.dispatcher)

    def listed(**params):
        return set(numbers(dispatcher.get("/cases/", {"kind": "appeal", **params}).content.decode()))

    everything = {hotline.number, web.number, app.number, overdue.number, recent.number}
    assert listed() == everything
    assert listed(state="registered") == {hotline.number, overdue.number, recent.number}
    assert listed(state="dispatched") == {app.number}
    assert listed(unit=org.housing.pk) == {app.number}
    assert listed(unit=org.transport.pk) == {web.number}
    assert listed(unit="abc") == everything  # malformed: ignored
    assert listed(open="1") == {hotline.number, app.number, overdue.number, recent.number}
    # the March appeals are long past their 15 working days; the recent one and the closed one are not
    assert listed(overdue="1") == {hotline.number, app.number, overdue.number}
    assert listed(channel="hotline") == {hotline.number, overdue.number}
    assert listed(channel="web") == {web.number}
    assert listed(channel="letter") == {recent.number}
    # a catalogue code selects its subtree; a name fragment matches the appeal's own matter
    assert listed(matter="M10") == {hotline.number, app.number}
    assert listed(matter="M10-01") == {hotline.number, app.number}
    assert listed(matter="M10-01-01") == {hotline.number}
    assert listed(matter="噪音") == {web.number}
    # received on the "至" day is included; the "自" day from its midnight
    assert listed(**{"from": "2026-03-02", "to": "2026-03-31"}) == {hotline.number, web.number, app.number}
    assert listed(**{"from": "2026-03-03", "to": "2026-03-30"}) == {web.number}
    assert listed(**{"to": "2025-12-31"}) == {overdue.number}
    assert listed(channel="hotline", **{"from": "2026-01-01"}) == {hotline.number}
    assert listed(**{"from": "not-a-day"}) == everything
    kind_other = set(numbers(dispatcher.get("/cases/", {"kind": "disclosure"}).content.decode()))
    assert kind_other == set()


def test_queue_filter_bar_is_in_chinese(org, people):
    html = as_user(people.dispatcher).get("/cases/", {"kind": "appeal", "channel": "web"}).content.decode()
    for label in ("全部渠道", "受理自", "至", "事项编码或名称", "仅未办结", "仅超期", "全部承办单位", "筛选"):
        assert label in html
    assert '<option value="web" selected>' in html
    # the matter box is an appeal filter: not offered for every kind
    assert "事项编码或名称" not in as_user(people.dispatcher).get("/cases/").content.decode()


# --- callbacks must say whether the problem was resolved ---------------------------------------


def awaiting_callback(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 9))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 10), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 2, 11))
    step(case, "close", people.housing, at(2026, 3, 3, 11), reply="已安排人员现场处理完毕。")
    step(case, "approve_closure", people.reviewer, at(2026, 3, 3, 15))
    return Case.objects.get(pk=case.pk)


def test_staff_callback_form_has_no_default_answer(org, people):
    case = awaiting_callback(org, people)
    html = as_user(people.agent).get(f"/cases/{case.number}/").content.decode()
    form = re.search(r'<form[^>]*data-action="callback">.*?</form>', html, re.S).group(0)
    for name in ("rating", "resolved"):
        select = re.search(rf'<select name="{name}" required>(.*?)</select>', form, re.S)
        assert select, f"{name} is not a required select"
        assert select.group(1).startswith('<option value="">请选择</option>')
        assert "selected" not in select.group(1)


def test_staff_callback_without_resolved_changes_nothing(org, people):
    case = awaiting_callback(org, people)
    agent = as_user(people.agent)
    events = CaseEvent.objects.filter(case=case).count()
    response = agent.post(
        f"/cases/{case.number}/do/callback/",
        {"version": case.version, "rating": "satisfied", "comment": ""},
        follow=True,
    )
    assert "请选择问题是否已解决：已解决或未解决" in response.content.decode()
    case.refresh_from_db()
    appeal = Appeal.objects.get(pk=case.pk)
    assert case.state == "callback" and appeal.rating == "" and appeal.resolved is None
    assert CaseEvent.objects.filter(case=case).count() == events

    response = agent.post(
        f"/cases/{case.number}/do/callback/",
        {"version": case.version, "rating": "satisfied", "resolved": "no"},
        follow=True,
    )
    assert "回访评价 成功" in response.content.decode()
    appeal = Appeal.objects.get(pk=case.pk)
    assert (appeal.rating, appeal.resolved) == ("satisfied", False)


def test_portal_rating_asks_resolved_explicitly(org, people):
    case = awaiting_callback(org, people)
    visitor = Client()
    visitor.post("/portal/track/", {"number": case.number, "code": Appeal.objects.get(pk=case.pk).query_code})
    page = visitor.get(f"/portal/track/{case.number}/").content.decode()
    radios = re.findall(r'<input type="radio" name="resolved"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)

    response = visitor.post(
        f"/portal/track/{case.number}/rate/", {"version": case.version, "rating": "satisfied"}, follow=True
    )
    assert "请选择问题是否已解决" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "callback" and Appeal.objects.get(pk=case.pk).resolved is None


def test_merge_and_escalate_are_offered_only_to_who_may_use_them(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 9))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 10), unit=org.housing.pk)

    def offered(user):
        html = as_user(user).get(f"/cases/{case.number}/").content.decode()
        return (f"/appeals/{case.number}/merge/" in html, f"/appeals/{case.number}/escalate/" in html)

    assert offered(people.housing) == (False, False)  # the handler: both would answer 403
    assert offered(people.dispatcher) == (True, False)
    assert offered(people.leader) == (False, True)
    assert offered(people.admin) == (True, True)
