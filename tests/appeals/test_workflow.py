"""One appeal through the whole closed loop, and the workflow's refusals, clocks, merges and repeats.

Dates are hand-counted on the 2026 schedule (DOMAIN.md §0): Mid-Autumn 25–27 Sep, National
Day 1–7 Oct with make-up Saturday 10 Oct, Qingming 4–6 Apr.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from fazhi.appeals import services
from fazhi.appeals.models import Appeal
from fazhi.appeals.validation import MAX_CONTENT, IntakeError
from fazhi.cases import services as cases
from fazhi.cases.errors import GuardRefused, InvalidTransition, NotAllowed
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core.models import AuditEntry
from tests.factories import appeals as fa
from tests.factories.appeals import at, step


def local(dt):
    return dt.astimezone(fa.SH)


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))


def test_full_loop_of_one_complaint(org, people):
    # Thu 24 Sep 2026: 15 working days skip Mid-Autumn and National Day but count Sat 10 Oct.
    case = fa.appeal(people.agent, when=at(2026, 9, 24, 10), appeal_type="complaint")
    assert case.number == "SQ-2026-000001" and case.state == "registered"
    assert case.owner_unit == org.centre and case.clock_state == "running"
    assert local(case.due_at) == at(2026, 10, 22, 23, 59, 59)
    explanation = "\n".join(case.clock["explanation"])
    assert "国庆节" in explanation and "2026-10-10" in explanation

    # a wrong first dispatch: the transport bureau returns it, with a reason
    step(case, "dispatch", people.dispatcher, at(2026, 9, 24, 11), unit=org.transport.pk)
    assert case.state == "dispatched" and case.handling_unit == org.transport
    with pytest.raises(GuardRefused, match="须填写理由"):
        step(case, "return", people.transport, at(2026, 9, 24, 15))
    step(case, "return", people.transport, at(2026, 9, 24, 15), comment="道路养护属住建局职责")
    assert case.state == "returned"
    step(case, "reassign", people.dispatcher, at(2026, 9, 24, 16), unit=org.housing.pk)
    assert case.state == "dispatched" and case.handling_unit == org.housing

    # signed for, then a 5-working-day extension: 22 Oct -> 29 Oct
    step(case, "accept", people.housing, at(2026, 9, 28, 9))
    assert case.state == "handling"
    step(
        case, "request_extension", people.housing, at(2026, 10, 12, 9), comment="需协调施工单位", extension=5
    )
    assert case.state == "extension_pending" and case.appeal.pending_extension == 5
    assert local(case.due_at) == at(2026, 10, 22, 23, 59, 59)  # not until approved
    step(case, "approve_extension", people.reviewer, at(2026, 10, 12, 10))
    assert case.state == "handling" and local(case.due_at) == at(2026, 10, 29, 23, 59, 59)
    assert Appeal.objects.get(pk=case.pk).pending_extension is None

    # closed on paper, sent back as nominal closure: the original clock keeps running
    step(case, "close", people.housing, at(2026, 10, 20, 17), reply="已联系施工单位处理。")
    assert case.state == "closure_review" and case.closed_at == at(2026, 10, 20, 17)
    assert case.clock_state == "stopped"
    step(case, "reject_closure", people.reviewer, at(2026, 10, 21, 9), comment="现场未修复，形式办结")
    assert case.state == "handling" and case.closed_at is None and case.clock_state == "running"
    assert local(case.due_at) == at(2026, 10, 29, 23, 59, 59)

    step(case, "close", people.housing, at(2026, 10, 28, 16), reply="路面已重新铺设，积水已排除。")
    step(case, "approve_closure", people.reviewer, at(2026, 10, 28, 17))
    assert case.state == "callback"
    step(case, "callback", people.agent, at(2026, 10, 29, 10), rating="satisfied", resolved="yes")
    assert case.state == "closed"
    appeal = Appeal.objects.get(pk=case.pk)
    assert (appeal.rating, appeal.resolved, appeal.reply) == (
        "satisfied",
        True,
        "路面已重新铺设，积水已排除。",
    )

    # the objection reopens the appeal and restarts the clock: Mon 2 Nov + 15 working days = 23 Nov
    step(case, "object", people.agent, at(2026, 11, 2, 9), comment="积水再次出现")
    assert case.state == "handling" and case.closed_at is None and case.clock_state == "running"
    assert local(case.due_at) == at(2026, 11, 23, 23, 59, 59)
    assert Appeal.objects.get(pk=case.pk).objections == 1

    step(case, "close", people.housing, at(2026, 11, 10, 15), reply="排水管已疏通，经复查无积水。")
    step(case, "approve_closure", people.reviewer, at(2026, 11, 10, 16))
    step(case, "callback", people.agent, at(2026, 11, 11, 10), rating="basically_satisfied", resolved="yes")
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_at == at(2026, 11, 10, 15) and case.version == 16

    assert kinds(case) == [
        "appeal.created",
        "appeal.dispatch",
        "appeal.return",
        "appeal.reassign",
        "appeal.accept",
        "appeal.request_extension",
        "appeal.approve_extension",
        "appeal.close",
        "appeal.reject_closure",
        "appeal.close",
        "appeal.approve_closure",
        "appeal.callback",
        "appeal.object",
        "appeal.close",
        "appeal.approve_closure",
        "appeal.callback",
    ]
    events = {e.kind: e for e in CaseEvent.objects.filter(case=case).order_by("at", "id")}  # the last of each
    assert CaseEvent.objects.get(case=case, kind="appeal.return").comment == "道路养护属住建局职责"
    reassign = CaseEvent.objects.get(case=case, kind="appeal.reassign")
    assert (
        reassign.details["unit"] == org.housing.pk and reassign.details["previous_unit"] == org.transport.pk
    )
    assert reassign.actor == people.dispatcher and reassign.actor_role == "dispatcher"
    assert CaseEvent.objects.get(case=case, kind="appeal.approve_extension").details["extension"] == 5
    assert CaseEvent.objects.get(case=case, kind="appeal.reject_closure").details == {"nominal": True}
    assert CaseEvent.objects.get(case=case, kind="appeal.object").details["previous_rating"] == "satisfied"
    assert [e.details["on_time"] for e in CaseEvent.objects.filter(case=case, kind="appeal.close")] == [
        True,
        True,
        True,
    ]
    assert events["appeal.callback"].details == {"rating": "basically_satisfied", "resolved": True}
    assert AuditEntry.objects.filter(target=case.number).count() == 16

    # a second objection more than 7 natural days after the callback is refused and changes nothing
    with pytest.raises(GuardRefused, match="7 日内"):
        step(case, "object", people.agent, at(2026, 11, 18, 10, 1), comment="仍不满意")
    case.refresh_from_db()
    assert case.state == "closed" and case.version == 16 and Appeal.objects.get(pk=case.pk).objections == 1


@pytest.mark.parametrize(
    ("appeal_type", "urgency", "received", "due"),
    [
        # 15 working days from Mon 2 Mar 2026 (no holiday in between)
        ("complaint", "normal", at(2026, 3, 2, 10), at(2026, 3, 23, 23, 59, 59)),
        ("report", "normal", at(2026, 3, 2, 10), at(2026, 3, 23, 23, 59, 59)),
        # 10 working days from Tue 10 Feb: 11–13 Feb, Sat 14 Feb (make-up), 24–27 Feb, Sat 28 Feb, 2 Mar
        ("help", "normal", at(2026, 2, 10, 9), at(2026, 3, 2, 23, 59, 59)),
        # 2 working days from Fri 3 Apr, across Qingming (4–6 Apr): 7 and 8 Apr
        ("consultation", "normal", at(2026, 4, 3, 16), at(2026, 4, 8, 23, 59, 59)),
        # urgent: 24 natural hours, holidays included
        ("complaint", "urgent", at(2026, 10, 1, 10, 30), at(2026, 10, 2, 10, 30)),
        ("consultation", "urgent", at(2026, 9, 30, 23), at(2026, 10, 1, 23)),
    ],
)
def test_default_deadlines(org, people, appeal_type, urgency, received, due):
    case = fa.appeal(people.agent, when=received, appeal_type=appeal_type, urgency=urgency)
    assert local(case.due_at) == due
    assert case.due_provisional is False
    assert case.clock["rule"]["unit"] == ("natural_hours" if urgency == "urgent" else "working_days")


def test_received_at_may_precede_registration(org, people):
    # A letter received Friday and registered Monday counts from Friday.
    case, _ = services.intake(
        actor=people.agent,
        now=at(2026, 3, 9, 9),
        received_at=at(2026, 3, 6, 16),
        raw={"content": "来信反映噪音扰民问题。", "appeal_type": "help", "phone": fa.phone()},
    )
    assert case.received_at == at(2026, 3, 6, 16)
    assert local(case.due_at) == at(2026, 3, 20, 23, 59, 59)
    assert CaseEvent.objects.get(case=case, kind="appeal.created").at == at(2026, 3, 9, 9)


def test_permissions(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    with pytest.raises(NotAllowed):  # only dispatchers dispatch
        step(case, "dispatch", people.housing, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    with pytest.raises(NotAllowed, match="无权"):  # a handler of another unit
        step(case, "accept", people.transport, at(2026, 3, 2, 12))
    with pytest.raises(NotAllowed):
        step(case, "return", people.street_a, at(2026, 3, 2, 12), comment="不归我们")
    step(case, "accept", people.housing, at(2026, 3, 2, 12))
    with pytest.raises(NotAllowed):  # a dispatcher cannot close
        step(case, "close", people.dispatcher, at(2026, 3, 3, 12), reply="已处理完毕，谢谢。")
    with pytest.raises(NotAllowed):  # nor can another unit's handler
        step(case, "close", people.transport, at(2026, 3, 3, 12), reply="已处理完毕，谢谢。")
    with pytest.raises(InvalidTransition):  # nor review before closure
        step(case, "approve_closure", people.reviewer, at(2026, 3, 3, 12))
    step(case, "close", people.housing, at(2026, 3, 3, 12), reply="已处理完毕，谢谢。")
    with pytest.raises(NotAllowed):  # a handler cannot approve its own closure
        step(case, "approve_closure", people.housing, at(2026, 3, 3, 13))
    case.refresh_from_db()
    assert case.state == "closure_review" and case.version == 4
    assert AuditEntry.objects.filter(action="permission.denied", target=case.number).count() == 6
    assert kinds(case) == ["appeal.created", "appeal.dispatch", "appeal.accept", "appeal.close"]


def test_guards(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    with pytest.raises(GuardRefused, match="请选择承办单位"):
        step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11))
    with pytest.raises(GuardRefused, match="具体的承办部门"):
        step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.district.pk)
    with pytest.raises(GuardRefused, match="承办单位不存在"):
        step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=999999)
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 2, 12))
    for bad in (0, 31, "五"):
        with pytest.raises(GuardRefused, match="延期天数"):
            step(case, "request_extension", people.housing, at(2026, 3, 3, 9), comment="理由", extension=bad)
    with pytest.raises(GuardRefused, match="答复内容"):
        step(case, "close", people.housing, at(2026, 3, 3, 12), reply="好")
    step(case, "close", people.housing, at(2026, 3, 3, 12), reply="已处理完毕，谢谢。")
    step(case, "approve_closure", people.reviewer, at(2026, 3, 3, 13))
    with pytest.raises(GuardRefused, match="满意度"):
        step(case, "callback", people.agent, at(2026, 3, 4, 9), rating="很好")
    case.refresh_from_db()
    assert case.state == "callback"


def test_callback_must_say_whether_resolved(org, people):
    """No default: a callback that did not ask would otherwise count as resolved."""
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 2, 12))
    step(case, "close", people.housing, at(2026, 3, 3, 12), reply="已处理完毕，谢谢。")
    step(case, "approve_closure", people.reviewer, at(2026, 3, 3, 13))
    events = kinds(case)
    for bad in ({}, {"resolved": ""}, {"resolved": "maybe"}, {"resolved": None}):
        with pytest.raises(GuardRefused, match="请选择问题是否已解决：已解决或未解决"):
            step(case, "callback", people.agent, at(2026, 3, 4, 9), rating="satisfied", **bad)
    case.refresh_from_db()
    appeal = Appeal.objects.get(pk=case.pk)
    assert case.state == "callback" and kinds(case) == events
    assert (appeal.rating, appeal.resolved) == ("", None)

    step(
        case, "callback", people.agent, at(2026, 3, 4, 9), rating="satisfied", resolved=False
    )  # JSON boolean (API)
    appeal = Appeal.objects.get(pk=case.pk)
    assert case.state == "closed" and (appeal.rating, appeal.resolved) == ("satisfied", False)
    assert CaseEvent.objects.get(case=case, kind="appeal.callback").details == {
        "rating": "satisfied",
        "resolved": False,
    }


def test_refused_extension_leaves_the_deadline(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 2, 12))
    step(case, "request_extension", people.housing, at(2026, 3, 10, 9), comment="需协调", extension=10)
    with pytest.raises(GuardRefused, match="理由"):
        step(case, "refuse_extension", people.reviewer, at(2026, 3, 10, 10))
    step(case, "refuse_extension", people.reviewer, at(2026, 3, 10, 10), comment="可按期办理")
    assert case.state == "handling" and local(case.due_at) == at(2026, 3, 23, 23, 59, 59)
    assert Appeal.objects.get(pk=case.pk).pending_extension is None


def test_consultation_answered_on_the_spot(org, people):
    case = fa.appeal(
        people.agent,
        when=at(2026, 3, 2, 10),
        appeal_type="consultation",
        content="请问居住证办理需要哪些材料？",
    )
    assert local(case.due_at) == at(2026, 3, 4, 23, 59, 59)
    step(
        case, "answer", people.agent, at(2026, 3, 2, 10, 5), reply="携带身份证、居住证明到社区服务中心办理。"
    )
    case.refresh_from_db()
    assert (
        case.state == "closed" and case.closed_at == at(2026, 3, 2, 10, 5) and case.clock_state == "stopped"
    )
    assert case.handling_unit is None
    assert CaseEvent.objects.get(case=case, kind="appeal.answer").details == {"on_time": True}
    assert Appeal.objects.get(pk=case.pk).reply.startswith("携带身份证")

    complaint = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    with pytest.raises(GuardRefused, match="只有咨询类"):
        step(complaint, "answer", people.agent, at(2026, 3, 2, 10, 5), reply="这个问题我们会处理。")
    with pytest.raises(NotAllowed):  # only intake agents answer on the spot
        step(
            fa.appeal(people.agent, when=at(2026, 3, 2, 10), appeal_type="consultation"),
            "answer",
            people.dispatcher,
            at(2026, 3, 2, 10, 5),
            reply="这个问题我们会处理。",
        )


def test_merge(org, people):
    first = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    second = fa.appeal(people.agent, when=at(2026, 3, 2, 11))
    services.merge(case=second, into=first, actor=people.dispatcher, now=at(2026, 3, 2, 12))
    second.refresh_from_db()
    assert (
        second.state == "merged"
        and second.closed_at == at(2026, 3, 2, 12)
        and second.clock_state == "stopped"
    )
    assert Appeal.objects.get(pk=second.pk).merged_into == first
    assert kinds(second) == ["appeal.created", "appeal.merged"]
    assert kinds(first) == ["appeal.created", "appeal.merge_received"]
    assert CaseEvent.objects.get(case=first, kind="appeal.merge_received").details == {"from": second.number}
    assert AuditEntry.objects.filter(action="appeal.merged", target=second.number).count() == 1
    assert second not in services.merge_candidates(first)

    with pytest.raises(GuardRefused, match="不能并入"):
        services.merge(case=first, into=second, actor=people.dispatcher, now=at(2026, 3, 2, 13))
    with pytest.raises(GuardRefused, match="不能并入"):
        services.merge(case=first, into=first, actor=people.dispatcher, now=at(2026, 3, 2, 13))
    third = fa.appeal(people.agent, when=at(2026, 3, 2, 11))
    step(third, "dispatch", people.dispatcher, at(2026, 3, 2, 12), unit=org.housing.pk)
    step(third, "accept", people.housing, at(2026, 3, 2, 13))
    with pytest.raises(GuardRefused, match="已在办理中"):
        services.merge(case=third, into=first, actor=people.dispatcher, now=at(2026, 3, 2, 14))
    assert Case.objects.get(pk=third.pk).state == "handling"


def test_merge_candidates_same_requester_or_same_place_and_matter(org, people):
    matter = fa.matter(name="噪音扰民")
    base = fa.appeal(people.agent, when=at(2026, 3, 2, 10), address="东湖街道幸福路1号", matter=matter.code)
    same_phone = fa.appeal(people.agent, when=at(2026, 3, 3, 10), phone=base.requester.phone)
    same_place = fa.appeal(people.agent, when=at(2026, 3, 4, 10), address="东湖幸福路3号", matter=matter.code)
    elsewhere = fa.appeal(people.agent, when=at(2026, 3, 4, 10), address="西山街道", matter=matter.code)
    assert Appeal.objects.get(pk=base.pk).place == org.street_a
    found = services.merge_candidates(base)
    assert same_phone in found and same_place in found and elsewhere not in found


def test_repeats_are_linked_within_30_days(org, people):
    first = fa.appeal(people.agent, when=at(2026, 3, 2, 10), phone="13800138000")
    again = fa.appeal(people.agent, when=at(2026, 3, 31, 10), phone="138 0013 8000")
    late = fa.appeal(people.agent, when=at(2026, 5, 6, 10), phone="13800138000")
    assert Appeal.objects.get(pk=again.pk).repeat_of == first
    assert Appeal.objects.get(pk=late.pk).repeat_of is None
    assert Appeal.objects.get(pk=first.pk).repeat_of is None
    assert CaseEvent.objects.get(case=again, kind="appeal.repeat_linked").details == {
        "repeat_of": first.number
    }
    assert not CaseEvent.objects.filter(case=late, kind="appeal.repeat_linked").exists()


def test_repeats_about_the_same_place_and_matter(org, people):
    # DOMAIN.md §1: a repeat is from the same requester *or* about the same place and matter;
    # the place is the address, so two complaints elsewhere in the same street are not repeats.
    matter = fa.matter(name="噪音扰民")
    first = fa.appeal(people.agent, when=at(2026, 3, 2, 10), address="东湖街道幸福路1号", matter=matter.code)
    neighbour = fa.appeal(
        people.agent, when=at(2026, 3, 5, 10), address="东湖街道幸福路1号", matter=matter.code
    )
    other_matter = fa.appeal(people.agent, when=at(2026, 3, 5, 11), address="东湖街道幸福路1号")
    next_door = fa.appeal(
        people.agent, when=at(2026, 3, 5, 12), address="东湖街道幸福路3号", matter=matter.code
    )
    much_later = fa.appeal(
        people.agent, when=at(2026, 4, 6, 12), address="东湖街道幸福路1号", matter=matter.code
    )
    assert Appeal.objects.get(pk=neighbour.pk).repeat_of == first
    assert Appeal.objects.get(pk=other_matter.pk).repeat_of is None
    assert Appeal.objects.get(pk=next_door.pk).repeat_of is None
    assert Appeal.objects.get(pk=much_later.pk).repeat_of is None  # 32 days after the last one


def test_escalation_of_an_overdue_appeal(org, people):
    org.housing.leader = people.leader
    org.housing.save()
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))  # due 23 Mar
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "accept", people.housing, at(2026, 3, 2, 12))
    assert Case.objects.overdue(now=at(2026, 3, 23, 23, 59)).count() == 0
    result = cases.tick(now=at(2026, 3, 24, 9))
    assert result.overdue == 1
    case.refresh_from_db()
    assert case.overdue_at == at(2026, 3, 24, 9)
    assert list(Case.objects.overdue(now=at(2026, 3, 24, 9))) == [case]

    event = services.escalate(
        case=case, actor=people.admin, comment="请于今日内办结", now=at(2026, 3, 24, 10)
    )
    assert event.kind == "appeal.escalated" and event.at == at(2026, 3, 24, 10)
    assert event.details == {"leader": people.leader.username, "overdue": True, "unit": org.housing.pk}
    assert kinds(case)[-2:] == ["appeal.overdue", "appeal.escalated"]

    # a case not yet due is escalated as not overdue, whatever the wall clock says
    early = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    step(early, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    assert (
        services.escalate(case=early, actor=people.admin, comment="", now=at(2026, 3, 10, 9)).details[
            "overdue"
        ]
        is False
    )

    step(case, "close", people.housing, at(2026, 3, 25, 9), reply="已处理完毕，谢谢。")
    assert CaseEvent.objects.get(case=case, kind="appeal.close").details["on_time"] is False
    with pytest.raises(GuardRefused, match="已办结"):
        services.escalate(case=case, actor=people.admin, comment="督办", now=at(2026, 3, 25, 10))


def _counts():
    return (
        Case.objects.count(),
        Requester.objects.count(),
        CaseEvent.objects.count(),
        AuditEntry.objects.count(),
        Appeal.objects.count(),
    )


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"content": ""}, "content", "诉求内容不能为空"),
        ({"content": "   "}, "content", "诉求内容不能为空"),
        ({"content": "字" * (MAX_CONTENT + 1)}, "content", "诉求内容过长"),
        ({"phone": "123"}, "phone", "电话号码格式不正确"),
        ({"phone": "1380013800a"}, "phone", "电话号码格式不正确"),
        ({"phone": "12800138000"}, "phone", "电话号码格式不正确"),
        ({"phone": "138001380001"}, "phone", "电话号码格式不正确"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"matter": "NOPE-404"}, "matter", "事项编码不存在：NOPE-404"),
        ({"appeal_type": "rant"}, "appeal_type", "诉求类型无效"),
        ({"urgency": "asap"}, "urgency", "紧急程度无效"),
        ({"channel": "pigeon"}, "channel", "渠道无效"),
        ({"title": "题" * 201}, "title", "标题过长"),
        ({"name": "名" * 51}, "name", "姓名过长"),
    ],
)
def test_bad_input_writes_nothing(org, people, raw, field, message):
    fa.appeal(people.agent, when=at(2026, 3, 2, 9))
    before = _counts()
    data = {"content": "小区噪音扰民。", "phone": "13800138000", **raw}
    with pytest.raises(IntakeError) as info:
        services.intake(actor=people.agent, raw=data, now=at(2026, 3, 2, 10))
    assert message in info.value.errors[field]
    assert message in str(info.value)
    assert _counts() == before


def test_several_errors_are_reported_together(org, people):
    with pytest.raises(IntakeError) as info:
        services.intake(
            actor=people.agent, raw={"content": "", "phone": "123", "matter": "X"}, now=at(2026, 3, 2, 10)
        )
    assert set(info.value.errors) == {"content", "phone", "matter"}
    assert Case.objects.count() == Requester.objects.count() == CaseEvent.objects.count() == 0


def test_valid_phone_forms_are_accepted(org, people):
    for given, stored in (
        ("+86 13800138000", "13800138000"),
        ("020-83838383", "020-83838383"),
        ("075512345678", "075512345678"),
        ("(0755)12345678", "075512345678"),
    ):
        case = fa.appeal(people.agent, when=at(2026, 3, 2, 10), phone=given)
        assert case.requester.phone == stored


def test_intake_is_idempotent_by_source_and_external_id(org, people):
    raw = {"content": "路灯不亮。", "phone": fa.phone(), "source": "grid", "external_id": "G-1"}
    case, created = services.intake(actor=people.agent, raw=raw, now=at(2026, 3, 2, 10))
    before = _counts()
    again, created_again = services.intake(
        actor=people.agent, raw={**raw, "content": "路灯还是不亮。"}, now=at(2026, 3, 2, 11)
    )
    assert created and not created_again and again.pk == case.pk and again.body == "路灯不亮。"
    assert _counts() == before


def test_objection_window_counts_from_the_callback(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    fa.handle_to_closed(case, people, org.housing, dispatched=at(2026, 3, 2, 11), closed=at(2026, 3, 5, 10))
    callback_at = at(2026, 3, 5, 10)
    step(case, "object", people.agent, callback_at + timedelta(days=7), comment="问题未解决")
    assert case.state == "handling"
