"""The information-processing fee on the statutory clock (Art. 42, 国办函〔2020〕109号): the fee notice
pauses the 20 working days until payment, across holidays and make-up days; no payment within
20 working days of the notice closes the request as (六)2, counted once in the annual table."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import pytest

from fazhi.cases import services as cases
from fazhi.cases.errors import GuardRefused
from fazhi.disclosure import public_services, services
from fazhi.disclosure.annual import OUT_ROWS, REQUESTER_COLUMNS
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")
ID_NUMBER = "440301198001019999"


@pytest.fixture
def gk(org, people):
    return officer(org.housing)


def due(case) -> date | None:
    case.refresh_from_db()
    return cases.timezone.localtime(case.due_at).date() if case.due_at else None


def text_of(letter) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(letter.content))).paragraphs)


def eleventh_of_september(gk, unit):
    """The applicant's 11th request to the housing bureau in September 2026 (the first one charged
    by count: 100 yuan), received Mon 21 Sep; ten earlier ones in the same month."""
    for day in (1, 2, 3, 4, 7, 8, 9, 10, 11, 14):
        request(gk, unit, when=at(2026, 9, day, 9), submitted_on=date(2026, 9, day), id_number=ID_NUMBER)
    return request(gk, unit, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21), id_number=ID_NUMBER)


def test_fee_notice_pauses_the_clock_until_payment_across_the_october_holidays(org, gk):
    # Without a pause: due 26 Oct 2026 (DOMAIN.md's worked example).
    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    step(case, "accept", gk, at(2026, 9, 21, 11))
    assert due(case) == date(2026, 10, 26)
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_pages", pages="150")
    case.refresh_from_db()
    d = case.disclosure
    assert case.state == "fee_pending" and case.clock_state == "paused" and case.due_at is None
    # 31–100: 70 pages at 10; 101–150: 50 pages at 20.
    assert (d.fee_charged, d.fee_method, d.fee_quantity) == (Decimal("1700"), "by_pages", 150)
    # 20 working days after Thu 24 Sep: 28–30 Sep (3), 8–9 Oct (5), Sat 10 Oct make-up (6),
    # 12–16 (11), 19–23 (16), 26–29 Oct (20). Mid-Autumn 25–27 Sep and 1–7 Oct do not count.
    assert d.fee_pay_by == date(2026, 10, 29)
    notice = text_of(d.letters.get(kind="fee_notice"))
    assert "1700元" in notice and "2026年10月29日" in notice and "第四十二条" in notice
    assert "不计算在答复期限内" in notice and "视为您放弃申请" in notice
    status = services.clock_status(case, on=date(2026, 10, 12))
    assert status.code == "paused" and "1700 元" in status.label and "2026-10-29" in status.label
    assert status.days == 13  # 13–16, 19–23, 26–29 Oct

    # Paid on Fri 9 Oct, registered on Mon 12 Oct: the pause runs 24 Sep – 9 Oct, both included.
    step(case, "record_fee_payment", gk, at(2026, 10, 12, 10), fee_paid_on="2026-10-09")
    case.refresh_from_db()
    d.refresh_from_db()
    assert case.state == "processing" and case.clock_state == "running"
    assert (d.fee_paid_on, d.fee_amount) == (date(2026, 10, 9), Decimal("1700"))
    # Counted: 22, 23 Sep (2); Sat 10 Oct (3); 12–16 (8), 19–23 (13), 26–30 Oct (18); 2, 3 Nov (20).
    assert due(case) == date(2026, 11, 3)
    assert "暂停2026-09-24至2026-10-09（不计入）" in case.clock["explanation"]
    with pytest.raises(GuardRefused, match="只能发出一次"):
        step(case, "issue_fee_notice", gk, at(2026, 10, 13, 9), fee_method="by_pages", pages="40")
    step(case, "answer", gk, at(2026, 10, 30, 9), outcome="disclosed")
    d.refresh_from_db()
    assert d.fee_amount == Decimal("1700")  # what was paid stays the fee collected


def test_fee_by_count_finds_the_applicants_position_in_the_month(org, gk):
    first = request(
        gk, org.housing, when=at(2026, 9, 1, 9), submitted_on=date(2026, 9, 1)
    )  # another applicant
    with pytest.raises(GuardRefused, match="不收取信息处理费"):
        step(first, "issue_fee_notice", gk, at(2026, 9, 2, 9), fee_method="by_count")
    first.refresh_from_db()
    assert first.state == "received" and first.clock_state == "running" and not first.disclosure.fee_notice_on
    case = eleventh_of_september(gk, org.housing)
    assert services.nth_in_month(case.disclosure) == 11
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_count")
    case.disclosure.refresh_from_db()
    assert case.disclosure.fee_charged == Decimal("100") and "第11件" in case.disclosure.fee_explanation


def test_payment_after_the_period_and_closing_before_it_are_refused(org, gk):
    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_pages", pages="40")
    with pytest.raises(GuardRefused, match="尚未届满"):
        step(case, "close_unpaid", gk, at(2026, 10, 29, 17))
    with pytest.raises(GuardRefused, match="缴费期限（2026-10-29）已过"):
        step(case, "record_fee_payment", gk, at(2026, 10, 30, 9), fee_paid_on="2026-10-30")
    with pytest.raises(GuardRefused, match="早于收费通知日期"):
        step(case, "record_fee_payment", gk, at(2026, 10, 12, 9), fee_paid_on="2026-09-23")
    case.refresh_from_db()
    assert case.state == "fee_pending" and case.clock_state == "paused"


def test_answering_fee_unpaid_directly_is_refused(org, gk):
    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    with pytest.raises(GuardRefused, match="收费通知"):
        step(case, "answer", gk, at(2026, 9, 22, 9), outcome="other_fee_unpaid")


def test_unpaid_fee_is_closed_as_six_two_by_the_sweep_and_counted_once(org, gk):
    case = eleventh_of_september(gk, org.housing)
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_count")
    assert services.sweep_unpaid_fees(now=at(2026, 10, 29, 23)) == []  # the last day to pay
    assert services.sweep_unpaid_fees(now=at(2026, 10, 30, 9)) == [case.number]
    assert services.sweep_unpaid_fees(now=at(2026, 10, 30, 10)) == []  # idempotent
    case.refresh_from_db()
    d = case.disclosure
    d.refresh_from_db()
    assert case.state == "fee_unpaid" and case.clock_state == "stopped" and case.closed_at is not None
    assert (d.outcome, d.outcome_on, d.fee_amount) == ("other_fee_unpaid", date(2026, 10, 30), Decimal("0"))
    event = case.events.get(kind="disclosure.close_unpaid")
    assert event.actor is None and event.actor_role == "system"
    letter = text_of(d.letters.get(kind="response"))
    assert (
        "2026年9月24日向您发出收费通知" in letter
        and "第四十二条" in letter
        and "国办函〔2020〕109号" in letter
    )
    step(case, "deliver", gk, at(2026, 11, 2, 9), delivered_on="2026-11-02", delivery_method="post")

    view = services.annual_report(unit=org.housing, year=2026)
    t = view.tables.requests
    # Eleven new requests by one natural person; the ten earlier ones are still open.
    assert t.row("new") == [11, 0, 0, 0, 0, 0, 11]
    assert t.row("other_fee_unpaid") == [1, 0, 0, 0, 0, 0, 1]
    assert t.row("outcome_total") == [1, 0, 0, 0, 0, 0, 1]
    assert t.row("carried_forward") == [10, 0, 0, 0, 0, 0, 10]
    cells = [ids for (row, col), ids in t.members.items() if row in OUT_ROWS and col in REQUESTER_COLUMNS]
    assert sum(ids.count(case.pk) for ids in cells) == 1
    assert view.problems == [] and view.information_fees_yuan == 0


def test_request_page_and_public_status_show_the_fee_pause(org, gk, client):
    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_pages", pages="40")
    client.login(username="gk_officer", password=PASSWORD)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="fee-pending"' in page and "应缴信息处理费 100 元" in page
    assert "2026-10-29" in page and "信息处理费收费通知" in page
    assert 'data-gk-action="record_fee_payment"' in page and "逾期未缴费，不再处理" in page
    case.refresh_from_db()
    status = public_services.status(case)
    assert (status.stage, status.fee_amount, status.fee_pay_by) == ("fee", Decimal("100"), date(2026, 10, 29))


def test_sweep_command_runs_and_reports(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("disclosure_sweep", stdout=out)
    assert "逾期未缴费办结 0 件" in out.getvalue()


def test_the_engine_tick_runs_the_fee_sweep(org, gk):
    """One scheduled `fazhi tick` is enough: the sweep hangs on the engine's `ticked` signal."""
    from fazhi.cases.services import tick

    case = request(gk, org.housing, when=at(2026, 9, 21, 10), submitted_on=date(2026, 9, 21))
    step(case, "issue_fee_notice", gk, at(2026, 9, 24, 10), fee_method="by_pages", pages="40")
    assert tick(now=at(2026, 10, 29, 23)).notes == []
    assert tick(now=at(2026, 10, 30, 9)).notes == ["依申请公开逾期未缴费办结 1 件"]
    case.refresh_from_db()
    assert case.state == "fee_unpaid"
