"""Rating and objecting from the portal, on the citizen's behalf (actor=None)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from fazhi.appeals.models import Appeal
from fazhi.cases.models import Case, CaseEvent
from tests.factories.appeals import step
from tests.portal.conftest import code_of


def handled(case, org, people, when):
    """Dispatch, sign for, close and approve: the appeal waits for the citizen's rating."""
    step(case, "dispatch", people.dispatcher, when, unit=org.housing.pk)
    step(case, "accept", people.housing, when)
    step(case, "close", people.housing, when, reply="已安排维修人员更换灯具，现已恢复照明。")
    step(case, "approve_closure", people.reviewer, when)
    return Case.objects.get(pk=case.pk)


def proved(case) -> Client:
    visitor = Client()
    visitor.post("/portal/track/", {"number": case.number, "code": code_of(case)})
    return visitor


def test_rating_from_the_portal_closes_the_appeal(submitted, org, people):
    case = handled(submitted(), org, people, timezone.now())
    visitor = proved(case)
    response = visitor.post(
        f"/portal/track/{case.number}/rate/",
        {"version": case.version, "rating": "basically_satisfied", "resolved": "no"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    appeal = Appeal.objects.get(pk=case.pk)
    assert case.state == "closed" and appeal.rating == "basically_satisfied" and appeal.resolved is False
    event = CaseEvent.objects.get(case=case, kind="appeal.callback")
    assert event.actor is None and event.comment == "群众网上评价"
    assert event.details == {"rating": "basically_satisfied", "resolved": False}
    page = visitor.get(response["Location"]).content.decode()
    assert "感谢您的评价" in page and "基本满意" in page and "已回访评价" in page
    assert "请对办理结果进行评价" not in page and "对办理结果不满意" in page


def test_rating_needs_a_choice_and_the_right_state(submitted, org, people):
    case = submitted()
    visitor = proved(case)
    response = visitor.post(
        f"/portal/track/{case.number}/rate/",
        {"version": case.version, "rating": "satisfied", "resolved": "yes"},
        follow=True,
    )
    assert "不能执行「回访评价」" in response.content.decode()
    case = handled(case, org, people, timezone.now())
    response = visitor.post(f"/portal/track/{case.number}/rate/", {"version": case.version}, follow=True)
    assert "请选择满意度" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "callback"


def test_stale_version_is_refused(submitted, org, people):
    case = handled(submitted(), org, people, timezone.now())
    visitor = proved(case)
    response = visitor.post(
        f"/portal/track/{case.number}/rate/",
        {"version": case.version - 1, "rating": "satisfied", "resolved": "yes"},
        follow=True,
    )
    assert "已被他人更新" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "callback"


def test_actions_need_the_code_first(submitted, org, people):
    case = handled(submitted(), org, people, timezone.now())
    response = Client().post(
        f"/portal/track/{case.number}/rate/",
        {"version": case.version, "rating": "dissatisfied", "resolved": "no"},
    )
    assert response.status_code == 302 and response["Location"] == "/portal/track/"
    assert Case.objects.get(pk=case.pk).state == "callback"
    assert Client().get(f"/portal/track/{case.number}/rate/").status_code == 405


def test_objection_reopens_the_appeal(submitted, org, people):
    case = handled(submitted(), org, people, timezone.now())
    visitor = proved(case)
    visitor.post(
        f"/portal/track/{case.number}/rate/",
        {"version": case.version, "rating": "dissatisfied", "resolved": "no"},
    )
    case.refresh_from_db()
    empty = visitor.post(
        f"/portal/track/{case.number}/object/", {"version": case.version, "reason": " "}, follow=True
    )
    assert "请填写申诉理由" in empty.content.decode()
    assert Case.objects.get(pk=case.pk).state == "closed"

    response = visitor.post(
        f"/portal/track/{case.number}/object/",
        {"version": case.version, "reason": "路灯只亮了两天又坏了"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == "handling" and case.closed_at is None
    assert Appeal.objects.get(pk=case.pk).objections == 1
    event = CaseEvent.objects.get(case=case, kind="appeal.object")
    assert event.actor is None and event.comment == "路灯只亮了两天又坏了"
    page = response.content.decode()
    assert "已收到您的申诉" in page and "办理中" in page and "已申诉，重新办理" in page
    assert "路灯只亮了两天又坏了" not in page.split("办理过程")[1]  # the timeline keeps comments internal


def test_no_objection_after_seven_days(submitted, org, people):
    long_ago = timezone.now() - timedelta(days=9)
    case = handled(submitted(), org, people, long_ago)
    step(case, "callback", people.agent, long_ago, rating="dissatisfied", resolved="no")
    case.refresh_from_db()
    visitor = proved(case)
    page = visitor.get(f"/portal/track/{case.number}/").content.decode()
    assert "对办理结果不满意" not in page
    response = visitor.post(
        f"/portal/track/{case.number}/object/", {"version": case.version, "reason": "仍未解决"}, follow=True
    )
    assert "日内方可申诉" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "closed"
