"""Tracking: number and code together, one generic refusal, the lockout, a timeline fit for the public."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from fazhi.cases import services as cases
from fazhi.portal import throttle
from tests.portal.conftest import GOOD, code_of

WRONG = "受理编号或查询码不正确"


def track(client, number, code):
    return client.post("/portal/track/", {"number": number, "code": code})


def test_right_number_and_code_show_the_progress(submitted):
    case = submitted()
    visitor = Client()
    response = track(visitor, case.number, code_of(case))
    assert response.status_code == 302 and response["Location"] == f"/portal/track/{case.number}/"
    page = visitor.get(response["Location"]).content.decode()
    assert case.number in page and "已受理" in page and "诉求已受理" in page
    assert "张**" in page and GOOD["name"] not in page
    assert GOOD["phone"] not in page and "138****8000" not in page


def test_number_is_forgiving_about_case_and_dashes(submitted):
    case = submitted()
    typed = case.number.lower().replace("-", "－")
    assert track(Client(), f" {typed} ", code_of(case)).status_code == 302


def test_wrong_code_or_wrong_number_get_the_same_answer(submitted):
    case = submitted()
    code = code_of(case)
    wrong_code = f"{(int(code) + 1) % 10**6:06d}"
    by_code = track(Client(), case.number, wrong_code).content.decode()
    by_number = track(Client(), "SQ-1999-000001", code).content.decode()
    assert WRONG in by_code and WRONG in by_number
    assert "编号不存在" not in by_number and "查询码错误" not in by_code


def test_progress_needs_the_code_first(submitted):
    case = submitted()
    response = Client().get(f"/portal/track/{case.number}/")
    assert response.status_code == 302 and response["Location"] == "/portal/track/"


def test_lockout_after_five_wrong_tries_even_for_the_right_code(submitted):
    case = submitted()
    visitor = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(throttle.TRACK_ATTEMPTS - 1):
        assert WRONG in track(visitor, case.number, "000000x").content.decode()
    fifth = track(visitor, case.number, "999999x")
    assert fifth.status_code == 429 and "错误次数过多" in fifth.content.decode()
    right = track(visitor, case.number, code_of(case))
    assert right.status_code == 429 and "错误次数过多" in right.content.decode()
    assert "错误次数过多" in visitor.get("/portal/track/").content.decode()
    # another address is not affected
    assert track(Client(REMOTE_ADDR="10.9.8.8"), case.number, code_of(case)).status_code == 302
    assert throttle.TRACK_LOCKOUT == 600


def test_timeline_hides_internal_comments_staff_and_other_data(submitted, org, people):
    case = submitted()
    now = timezone.now()
    cases.transition(
        case=case,
        name="dispatch",
        actor=people.dispatcher,
        now=now,
        comment="内部备注：请尽快",
        params={"unit": org.housing.pk},
    )
    cases.transition(
        case=case, name="accept", actor=people.housing, now=now, comment="已联系物业，经办人小王"
    )
    cases.add_note(case=case, actor=people.housing, comment="诉求人情绪激动，注意沟通", now=now)
    cases.transition(
        case=case,
        name="close",
        actor=people.housing,
        now=now,
        comment="内部：已拍照存档",
        params={"reply": "经现场核查，路灯线路老化，已于当日更换，恢复照明。"},
    )
    cases.transition(
        case=case, name="approve_closure", actor=people.reviewer, now=now, comment="审核意见：答复规范"
    )

    visitor = Client()
    track(visitor, case.number, code_of(case))
    page = visitor.get(f"/portal/track/{case.number}/").content.decode()
    for shown in (
        "已转交承办单位",
        org.housing.name,
        "承办单位已签收",
        "已办结并答复",
        "路灯线路老化，已于当日更换",
        "请对办理结果进行评价",
        "已办结（待评价）",
    ):
        assert shown in page, shown
    for hidden in (
        "内部备注",
        "请尽快",
        "经办人",
        "情绪激动",
        "已拍照存档",
        "审核意见",
        "dispatcher",
        "housing_handler",
        "reviewer",
        str(people.dispatcher),
        GOOD["phone"],
        GOOD["name"],
        "probability",
        "appeal.dispatch",
    ):
        assert hidden not in page, hidden


def test_repeat_from_the_same_phone_does_not_leak_the_earlier_appeal(submitted, client):
    first = submitted()
    second = submitted(name="李四", title="餐馆油烟扰民", content="楼下餐馆油烟扰民，晚上十点后仍在营业。")
    visitor = Client()
    track(visitor, second.number, code_of(second))
    page = visitor.get(f"/portal/track/{second.number}/").content.decode()
    assert first.number not in page and "路灯" not in page
