"""The disclosure workflow on the case engine: the statutory clock across holidays and make-up days,
amendment (restart), third-party consultation (pause), extension, abandonment, delivery, warnings."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
import pytest

from fazhi.cases import services as cases
from fazhi.cases.errors import CaseError, GuardRefused, NotAllowed
from fazhi.cases.models import Case, CaseEvent
from fazhi.core import queues
from fazhi.core.models import AuditEntry
from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureLetter
from tests.factories.disclosure import at, fast_passwords, officer, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def gk(org, people):
    """The housing bureau's disclosure officer; its leader is `people.leader`."""
    return officer(org.housing)


def due(case) -> date:
    case.refresh_from_db()
    return cases.timezone.localtime(case.due_at).date() if case.due_at else None


def text_of(letter: DisclosureLetter) -> str:
    document = docx.Document(io.BytesIO(bytes(letter.content)))
    return "\n".join(p.text for p in document.paragraphs)


def snapshot(case) -> tuple:
    case.refresh_from_db()
    d = case.disclosure
    d.refresh_from_db()
    return (
        case.state,
        case.version,
        case.due_at,
        case.clock,
        d.outcome,
        d.amendment_notice_on,
        d.pending_extension,
        d.extension_days,
        d.letters.count(),
        d.letter_delivered_on,
        d.letter_delivery_method,
        case.events.count(),
        AuditEntry.objects.count(),
    )


def test_due_across_mid_autumn_and_national_day_counts_the_make_up_saturday(org, gk):
    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    assert due(case) == date(2026, 10, 26)
    assert case.number.startswith("GK-2026-")
    explanation = "；".join(case.clock["explanation"])
    assert "2026-10-10" in explanation and "国庆节" in explanation


def test_due_across_spring_festival(org, gk):
    case = request(gk, org.housing, when=at(2026, 2, 10, 9), submitted_on=date(2026, 2, 10))
    assert due(case) == date(2026, 3, 16)


def test_receipt_date_by_post_is_the_day_signed_for(org, gk):
    case = request(
        gk,
        org.housing,
        when=at(2026, 9, 22, 9),
        receipt_channel="post",
        submitted_on=date(2026, 9, 18),
        signed_on=date(2026, 9, 21),
    )
    assert case.disclosure.received_on == date(2026, 9, 21)
    assert due(case) == date(2026, 10, 26)
    assert case.channel == "letter"


def test_third_party_consultation_pauses_the_clock(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "accept", gk, at(2026, 3, 2, 11))
    step(
        case,
        "consult_third_party",
        gk,
        at(2026, 3, 5, 10),
        third_party_name="示范区某建筑工程有限公司",
        third_party_interest="商业秘密",
    )
    assert case.clock_state == "paused" and case.due_at is None
    letter = case.disclosure.letters.get(kind="third_party")
    body = text_of(letter)
    assert "示范区某建筑工程有限公司" in body and "第三十二条" in body
    assert "李四" not in body  # the third party is not told who asked
    step(case, "end_consultation", gk, at(2026, 3, 16, 15), comment="第三方同意公开")
    assert due(case) == date(2026, 4, 10)


def test_extension_once_up_to_20_days_approved_by_the_leader(org, people, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "accept", gk, at(2026, 3, 2, 11))
    assert due(case) == date(2026, 3, 30)
    with pytest.raises(GuardRefused, match="1 至 20"):
        step(case, "request_extension", gk, at(2026, 3, 25, 9), extension=21, reason="涉及多个年度档案")
    step(
        case, "request_extension", gk, at(2026, 3, 25, 9), extension=20, reason="涉及多个年度档案，需调档核查"
    )
    with pytest.raises(NotAllowed):
        step(case, "approve_extension", gk, at(2026, 3, 26, 9), extension=20)
    step(case, "approve_extension", people.leader, at(2026, 3, 26, 9), extension=20)
    assert due(case) == date(2026, 4, 28)
    body = text_of(case.disclosure.letters.get(kind="extension"))
    assert "2026年3月30日" in body and "2026年4月28日" in body and "第三十三条第二款" in body
    with pytest.raises(GuardRefused, match="只能延长一次"):
        step(case, "request_extension", gk, at(2026, 3, 27, 9), extension=5, reason="再延")


def test_extension_cannot_be_approved_after_the_original_deadline(org, people, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "accept", gk, at(2026, 3, 2, 11))
    step(case, "request_extension", gk, at(2026, 3, 27, 9), extension=10, reason="需调档核查")
    before = snapshot(case)
    with pytest.raises(GuardRefused, match="已届满"):
        step(case, "approve_extension", people.leader, at(2026, 3, 31, 9), extension=10)
    assert snapshot(case) == before


def test_amendment_restarts_the_20_days_from_the_amended_request(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(
        case,
        "request_amendment",
        gk,
        at(2026, 3, 4, 10),
        amendment_items="请写明所需文件的名称或文号\n请写明年份",
        amend_by="2026-03-18",
    )
    assert case.state == "amendment_requested" and case.clock_state == "paused" and case.due_at is None
    notice = text_of(case.disclosure.letters.get(kind="amendment"))
    assert "（一）请写明所需文件的名称或文号" in notice and "2026年3月18日" in notice
    step(
        case,
        "receive_amendment",
        gk,
        at(2026, 3, 10, 16),
        amendment_received_on="2026-03-10",
        description="2025年示范区东湖小区改造项目的立项批复（示发改〔2025〕12号）",
    )
    assert case.state == "processing" and case.clock_state == "running"
    assert due(case) == date(2026, 4, 8)  # 20 working days from 10 Mar, across Qingming (4–6 Apr)
    assert case.clock["pauses"] == []  # the restart replaces the paused clock
    assert "示发改〔2025〕12号" in case.disclosure.description
    assert not any(t.name == "request_amendment" for t in cases.allowed_transitions(case=case, actor=gk))


def test_amendment_without_clock_start_still_counts_from_the_amendment_day(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "request_amendment", gk, at(2026, 3, 4, 10), amendment_items="请写明文号")
    # The generic engine endpoint passes no clock_start; the effect restarts from the day given.
    cases.transition(
        case=case,
        name="receive_amendment",
        actor=gk,
        now=at(2026, 3, 12, 9),
        params={"amendment_received_on": "2026-03-10"},
    )
    assert due(case) == date(2026, 4, 8)


def test_amendment_only_within_7_working_days_and_once(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    before = snapshot(case)
    with pytest.raises(GuardRefused, match="7 个工作日"):  # 7 working days from 2 Mar end on 11 Mar
        step(case, "request_amendment", gk, at(2026, 3, 12, 9), amendment_items="请写明文号")
    assert snapshot(case) == before
    with pytest.raises(GuardRefused, match="逐项"):
        step(case, "request_amendment", gk, at(2026, 3, 11, 9), amendment_items="  ")
    step(case, "request_amendment", gk, at(2026, 3, 11, 9), amendment_items="请写明文号")


def test_not_amended_in_time_is_abandoned_with_outcome_six_one(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(
        case, "request_amendment", gk, at(2026, 3, 4, 10), amendment_items="请写明文号", amend_by="2026-03-18"
    )
    before = snapshot(case)
    with pytest.raises(GuardRefused, match="尚未届满"):
        step(case, "abandon", gk, at(2026, 3, 18, 17))
    assert snapshot(case) == before
    step(case, "abandon", gk, at(2026, 3, 19, 9), comment="申请人逾期未补正")
    d = case.disclosure
    d.refresh_from_db()
    assert case.state == "abandoned" and case.closed_at is not None
    assert (d.outcome, d.outcome_on) == ("other_not_amended", date(2026, 3, 19))
    body = text_of(d.letters.get(kind="response"))
    assert "2026年3月4日" in body and "2026年3月18日" in body and "视为放弃申请" in body
    step(case, "deliver", gk, at(2026, 3, 20, 9), delivered_on="2026-03-20", delivery_method="post")
    assert case.state == "delivered"


def test_answer_stops_the_clock_and_delivery_is_recorded(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "accept", gk, at(2026, 3, 2, 11))
    before = snapshot(case)
    with pytest.raises(GuardRefused, match="不予公开的部分"):
        step(case, "answer", gk, at(2026, 3, 20, 9), outcome="partly_disclosed")
    assert snapshot(case) == before
    step(
        case,
        "answer",
        gk,
        at(2026, 3, 20, 9),
        outcome="partly_disclosed",
        withheld_part="施工单位报价明细",
        withheld_reason="涉及商业秘密",
        fee_amount="0",
    )
    assert case.state == "answered" and case.clock_state == "stopped"
    event = case.events.get(kind="disclosure.answer")
    assert event.details["on_time"] is True and event.details["outcome"] == "partly_disclosed"
    before = snapshot(case)
    with pytest.raises(GuardRefused, match="不能晚于今天"):
        step(case, "deliver", gk, at(2026, 3, 20, 10), delivered_on="2026-03-21", delivery_method="post")
    assert snapshot(case) == before  # still answered, no delivery date, no event, no audit entry
    assert case.state == "answered" and case.disclosure.letter_delivered_on is None
    step(case, "deliver", gk, at(2026, 3, 23, 10), delivered_on="2026-03-23", delivery_method="email")
    case.disclosure.refresh_from_db()
    assert case.disclosure.letter_delivered_on == date(2026, 3, 23)


def test_warning_reaches_the_officer_and_the_leader_queue(org, people, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    case.refresh_from_db()
    # Warned when 3 working days are left: 26, 27 and 30 March.
    assert cases.timezone.localtime(case.warn_at).date() == date(2026, 3, 26)
    result = cases.tick(now=at(2026, 3, 26, 8))
    assert result.warned == 1
    assert CaseEvent.objects.filter(case=case, kind="disclosure.warned").exists()
    for user in (gk, people.leader):
        membership = user.memberships.get()
        queue = next(q for q in queues.for_membership(membership) if q.key == "disclosure_due")
        assert case in queue.cases(user, membership)
    assert cases.tick(now=at(2026, 3, 31, 8)).overdue == 1


def test_other_units_cannot_act(org, people, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    stranger = officer(org.transport, "transport_gk")
    with pytest.raises(NotAllowed):
        step(case, "accept", stranger, at(2026, 3, 2, 10))
    with pytest.raises(CaseError):
        request(stranger, org.housing, when=at(2026, 3, 2, 9))
    assert Case.objects.filter(kind="disclosure").count() == 1


def test_delivery_date_before_the_answer_is_refused(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(case, "answer", gk, at(2026, 3, 3, 9), outcome="disclosed")
    with pytest.raises(GuardRefused, match="早于答复日期"):
        step(
            case,
            "deliver",
            gk,
            at(2026, 3, 4, 9),
            delivered_on=str(date(2026, 3, 3) - timedelta(days=1)),
            delivery_method="post",
        )


def test_clock_status_counts_working_days_after_today(org, gk):
    case = request(gk, org.housing, when=at(2026, 3, 2, 9))
    case.refresh_from_db()
    status = services.clock_status
    assert status(case, on=date(2026, 3, 2)).label == "剩余 20 个工作日"
    warned = status(case, on=date(2026, 3, 26))
    assert (warned.code, warned.days) == ("warned", 2)
    assert status(case, on=date(2026, 3, 30)).label == "今日到期"
    late = status(case, on=date(2026, 4, 8))  # 31 Mar, 1–3 Apr, 7–8 Apr (Qingming 4–6 Apr)
    assert (late.code, late.label) == ("overdue", "已超期 6 个工作日")
    step(case, "accept", gk, at(2026, 3, 3, 9))
    step(case, "consult_third_party", gk, at(2026, 3, 4, 9), third_party_name="某公司")
    assert status(case, on=date(2026, 3, 5)).label == "计时暂停（征求第三方意见）"


def test_a_corrected_holiday_schedule_moves_the_open_deadline(org, gk, django_capture_on_commit_callbacks):
    from fazhi.core.models import Holiday

    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=date(2026, 10, 12), is_workday=False, name="临时休假")
    assert due(case) == date(2026, 10, 27)
    assert CaseEvent.objects.filter(case=case, kind="disclosure.deadline_recomputed").exists()
