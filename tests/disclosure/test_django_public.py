"""The public disclosure form and tracking page, through the Django test client: a citizen with no
account submits a request (channel online, received today, due 20 working days later), gets a
number and query code, and tracks it without ever seeing internal comments or staff names."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from fazhi.cases.models import Case, CaseEvent
from fazhi.core.calendar import get_calendar
from fazhi.core.models import Role
from fazhi.disclosure import public_services
from fazhi.disclosure.models import DisclosureRequest
from fazhi.disclosure.services import local_day
from tests.factories import core as f
from tests.factories.disclosure import at, fast_passwords, officer, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")
FORM, TRACK = "/disclosure/public/", "/disclosure/public/track/"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gk(org):
    return officer(org.housing)


def form_data(office, **kw) -> dict:
    return {
        "unit": office.pk,
        "requester_type": "natural_person",
        "name": "王五",
        "id_number": "440301198001010011",
        "phone": "13800138000",
        "address": "示范区东湖路1号",
        "email": "",
        "description": "2025年示范区老旧小区改造项目的立项批复文件",
        "purpose": "",
        "form_of_provision": "electronic",
        "acquisition_method": "email",
        "website": "",
        **kw,
    }


def counts() -> tuple:
    return Case.objects.count(), DisclosureRequest.objects.count(), CaseEvent.objects.count()


def test_the_form_is_public_and_lists_offices_with_a_disclosure_officer(org, gk):
    page = Client(enforce_csrf_checks=True).get(FORM)
    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert org.housing.name in html and org.transport.name not in html
    assert "特征性描述" in html


def test_submit_registers_an_online_request_due_20_working_days_later(org, gk):
    client = Client()
    response = client.post(FORM, form_data(org.housing))
    assert response.status_code == 302 and response.url == "/disclosure/public/receipt/"
    d = DisclosureRequest.objects.select_related("case").get()
    case, today = d.case, timezone.localdate()
    assert d.receipt_channel == "online" and case.channel == "web"
    assert d.submitted_on == d.confirmed_on == d.received_on == today
    assert (d.form_of_provision, d.acquisition_method) == ("electronic", "email")
    assert case.owner_unit == org.housing and case.state == "received"
    assert local_day(case.due_at) == get_calendar().add_working_days(today, 20).date
    assert case.requester.name == "王五"

    receipt = client.get(response.url)
    html = receipt.content.decode()
    assert case.number in html
    code = re.search(r'data-receipt="code">(\d{6})<', html).group(1)
    assert "no-cache" in receipt["Cache-Control"] or "no-store" in receipt["Cache-Control"]
    # The code is kept only as a keyed hash.
    assert all(code not in str(e.details) for e in case.events.all())
    assert public_services.find(number=case.number, code=code) == case


def test_an_organisation_needs_its_name_and_credit_code(org, gk):
    response = Client().post(
        FORM, form_data(org.housing, requester_type="commercial_enterprise", organisation="", id_number="")
    )
    html = response.content.decode()
    assert "请填写法人或其他组织的名称" in html and "统一社会信用代码" in html
    assert DisclosureRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"description": ""}, "description", "特征性描述"),
        ({"name": ""}, "name", "请填写申请人姓名"),
        ({"phone": "", "address": "", "email": ""}, "phone", "请至少填写一种联系方式"),
        ({"unit": ""}, "unit", "请选择受理机关"),
    ],
)
def test_bad_input_shows_a_chinese_error_beside_the_field_and_saves_nothing(org, gk, change, field, message):
    before = counts()
    response = Client().post(FORM, form_data(org.housing, **change))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'data-field="{field}">[^<]*{message}', html), html
    assert counts() == before


def test_every_problem_is_shown_at_once(org, gk):
    response = Client().post(FORM, form_data(org.housing, unit="", description="", name=""))
    html = response.content.decode()
    for field in ("unit", "name", "description"):
        assert f'data-field="{field}"' in html
    assert DisclosureRequest.objects.count() == 0


def test_an_office_without_a_disclosure_officer_cannot_be_chosen(org, gk):
    response = Client().post(FORM, form_data(org.transport))
    assert 'data-field="unit"' in response.content.decode()
    assert DisclosureRequest.objects.count() == 0


def test_the_honeypot_refuses_bots(org, gk):
    response = Client().post(FORM, form_data(org.housing, website="http://spam.example"))
    assert response.status_code == 400
    assert DisclosureRequest.objects.count() == 0


def test_submissions_are_rate_limited_per_ip(org, gk, monkeypatch):
    monkeypatch.setattr(public_services, "SUBMIT_LIMIT", 2)
    client = Client()
    for n in range(2):
        assert (
            client.post(FORM, form_data(org.housing, id_number=f"44030119800101{n:04d}")).status_code == 302
        )
    blocked = client.post(FORM, form_data(org.housing, id_number="440301198001019999"))
    assert blocked.status_code == 429 and "太频繁" in blocked.content.decode()
    assert DisclosureRequest.objects.count() == 2
    other_ip = Client(REMOTE_ADDR="10.0.0.9").post(
        FORM, form_data(org.housing, id_number="440301198001018888")
    )
    assert other_ip.status_code == 302


def submitted(org):
    return public_services.submit(unit=org.housing, raw=form_data(org.housing))


def test_tracking_with_the_right_pair_shows_the_status(org, gk):
    case, code = submitted(org)
    response = Client().post(TRACK, {"number": case.number.lower(), "code": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert case.number in html and "已收到申请" in html and org.housing.name in html
    due = get_calendar().add_working_days(timezone.localdate(), 20).date
    assert f"{due.year}年{due.month}月{due.day}日" in html


@pytest.mark.parametrize("wrong", ["number", "code"])
def test_a_wrong_pair_gets_one_generic_error(org, gk, wrong):
    case, code = submitted(org)
    data = {"number": case.number, "code": code}
    data[wrong] = "GK-2099-999999" if wrong == "number" else ("000000" if code != "000000" else "111111")
    html = Client().post(TRACK, data).content.decode()
    assert "申请编号或查询码不正确" in html
    assert "已收到申请" not in html


def test_tracking_locks_out_after_five_wrong_pairs(org, gk):
    case, code = submitted(org)
    client = Client()
    for _ in range(public_services.TRACK_ATTEMPTS):
        client.post(TRACK, {"number": case.number, "code": "x"})
    right = client.post(TRACK, {"number": case.number, "code": code})
    assert right.status_code == 429 and 'data-locked="1"' in right.content.decode()


def test_the_status_page_never_shows_internal_comments_or_staff_names(org, gk):
    case, code = submitted(org)
    now = timezone.now()
    step(
        case,
        "request_amendment",
        gk,
        now,
        comment="内部意见：此件敏感，请科长把关",
        amendment_items="请写明所需文件的年份\n请写明项目所在街道",
    )
    html = Client().post(TRACK, {"number": case.number, "code": code}).content.decode()
    assert "需要补正" in html
    assert "请写明所需文件的年份" in html and "请写明项目所在街道" in html
    assert "内部意见" not in html and "科长" not in html
    assert gk.display_name not in html and gk.username not in html
    assert "请至少" not in html  # no form errors either


def test_extension_and_answer_are_shown_with_dates_and_outcome(org, gk):
    leader = f.user(Role.LEADER, org.housing, "gk_leader", display_name="王局长")
    case, code = submitted(org)
    now = timezone.now()
    step(case, "accept", gk, now)
    step(case, "request_extension", gk, now, extension=10, reason="需调档核查（内部）")
    step(case, "approve_extension", leader, now, comment="同意", extension=10)
    case.refresh_from_db()
    html = Client().post(TRACK, {"number": case.number, "code": code}).content.decode()
    new_due = local_day(case.due_at)
    assert "已依法延长至" in html and f"{new_due.year}年{new_due.month}月{new_due.day}日" in html
    assert "王局长" not in html and "内部" not in html

    step(case, "answer", gk, now, comment="经办人：公开专员", outcome="disclosed")
    html = Client().post(TRACK, {"number": case.number, "code": code}).content.decode()
    today = timezone.localdate()
    assert "已答复" in html and "予以公开" in html
    assert f"{today.year}年{today.month}月{today.day}日" in html
    assert "公开专员" not in html and "经办人" not in html


def test_a_deadline_in_a_year_without_a_holiday_schedule_says_it_may_move(org, gk):
    assert not get_calendar().is_known(2027)
    # 20 working days from 15 Dec 2026 end in January 2027, counted on weekends alone.
    case, code = public_services.submit(unit=org.housing, raw=form_data(org.housing), now=at(2026, 12, 15, 9))
    case.refresh_from_db()
    assert case.due_provisional and public_services.status(case).provisional
    html = Client().post(TRACK, {"number": case.number, "code": code}).content.decode()
    assert "2027年1月" in html and 'data-provisional="1"' in html and "公布后可能顺延" in html

    firm, firm_code = public_services.submit(
        unit=org.housing, raw=form_data(org.housing, id_number="440301198001010022"), now=at(2026, 11, 2, 9)
    )
    assert not public_services.status(firm).provisional
    html = Client().post(TRACK, {"number": firm.number, "code": firm_code}).content.decode()
    assert "data-provisional" not in html
