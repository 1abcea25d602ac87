"""保密 (GB/T 33358: the order kept confidential if the caller asks): every intake channel takes the
request, and the handling unit then sees the requester masked while the centre still sees them."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import Workbook

from fazhi.appeals.imports import import_appeals
from fazhi.appeals.models import Appeal
from fazhi.appeals.validation import IntakeError, clean_intake, parse_flag
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core.masking import can_see_requester, is_confidential
from fazhi.core.models import AuditEntry, Role
from fazhi.core.services import issue_token
from tests.factories import appeals as fa
from tests.factories import core as f
from tests.factories.appeals import at, step

WHEN = at(2026, 3, 2, 10)
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def clean_limits():
    cache.clear()  # the portal's per-IP limits
    yield
    cache.clear()


def as_user(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def dispatched(people, org, *, confidential: bool, name="张三丰", phone=PHONE):
    """An appeal from 张三丰 dispatched to the housing bureau."""
    case = fa.appeal(
        people.agent,
        when=WHEN,
        name=name,
        phone=phone,
        address="东湖街道东湖路 18 号",
        confidential=confidential,
    )
    step(case, "dispatch", people.dispatcher, WHEN, unit=org.housing.pk)
    return Case.objects.get(pk=case.pk)


def snapshot():
    return Case.objects.count(), Requester.objects.count(), Appeal.objects.count(), CaseEvent.objects.count()


# --- intake on every channel -------------------------------------------------------------------


@pytest.mark.parametrize("ticked", [True, False])
def test_hotline_intake_form_takes_the_request(org, people, ticked):
    agent = as_user(people.agent)
    assert "诉求人要求保密" in agent.get("/appeals/new/").content.decode()
    form = {
        "channel": "hotline",
        "appeal_type": "complaint",
        "urgency": "normal",
        "name": "张三丰",
        "phone": PHONE,
        "content": "楼下商铺每晚噪音扰民。",
    }
    if ticked:
        form["confidential"] = "on"
    response = agent.post("/appeals/new/", form)
    assert response.status_code == 302, response.content.decode()
    assert Appeal.objects.get().confidential is ticked


def test_portal_checkbox_is_stored_and_noted(client, org):
    page = client.get("/portal/").content.decode()
    assert "请对我的个人信息保密（承办单位不可见姓名和电话）" in page
    good = {
        "appeal_type": "complaint",
        "content": "东湖路 18 号小区门口路灯连续一周不亮。",
        "name": "张三丰",
        "phone": PHONE,
        "address": "东湖街道东湖路 18 号",
    }
    assert client.post("/portal/", {**good, "confidential": "on"}).status_code == 302
    assert client.post("/portal/", {**good, "phone": "13912345679"}).status_code == 302
    asked, plain = Case.objects.select_related("appeal").order_by("id")
    assert asked.appeal.confidential is True and plain.appeal.confidential is False
    assert CaseEvent.objects.filter(kind="appeal.confidential_requested").get().case == asked


@pytest.fixture
def api(people):
    token = issue_token(user=people.agent, name="AI网格员", source="grid")
    return Client(headers={"authorization": f"Bearer {token}"})


def post(client, payload):
    return client.post(
        "/api/v1/appeals", data=json.dumps(payload, ensure_ascii=False), content_type="application/json"
    )


API_GOOD = {
    "content": "东湖街道幸福路井盖缺失，存在安全隐患。",
    "appeal_type": "report",
    "phone": PHONE,
    "source": "grid",
}


def test_api_takes_a_boolean_and_says_what_it_stored(api, org):
    asked = post(api, {**API_GOOD, "external_id": "GP-1", "confidential": True})
    assert asked.status_code == 201, asked.content
    assert asked.json()["confidential"] is True
    assert Appeal.objects.get(case__number=asked.json()["number"]).confidential is True
    for ext, extra in (("GP-2", {}), ("GP-3", {"confidential": False}), ("GP-4", {"confidential": None})):
        plain = post(api, {**API_GOOD, "external_id": ext, "phone": fa.phone(), **extra})
        assert plain.status_code == 201 and plain.json()["confidential"] is False


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "是", [], {}])
def test_api_refuses_a_non_boolean_in_chinese_and_writes_nothing(api, org, value):
    before = snapshot()
    response = post(api, {**API_GOOD, "external_id": "GP-9", "confidential": value})
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "输入有误：confidential：应为布尔值 true 或 false"
    assert snapshot() == before


IMPORT_HEADER = ["外部编号", "内容", "姓名", "电话", "受理时间", "是否保密"]


def test_import_column_accepts_yes_no_and_rejects_the_rest_by_row(org, tmp_path):
    rows = [
        ["E1", "路灯不亮。", "李四", "13900000001", "2026-03-02 10:00", "是"],
        ["E2", "路灯不亮。", "李四", "13900000002", "2026-03-02 10:01", "否"],
        ["E3", "路灯不亮。", "李四", "13900000003", "2026-03-02 10:02", "TRUE"],
        ["E4", "路灯不亮。", "李四", "13900000004", "2026-03-02 10:03", "0"],
        ["E5", "路灯不亮。", "李四", "13900000005", "2026-03-02 10:04", ""],
        ["E6", "路灯不亮。", "李四", "13900000006", "2026-03-02 10:05", "保密"],
        ["E7", "路灯不亮。", "李四", "13900000007", "2026-03-02 10:06", "1"],
    ]
    path = tmp_path / "appeals.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([IMPORT_HEADER, *rows])
    result = import_appeals(path, source="upstream", now=at(2026, 11, 20, 12))
    assert result.created == 6
    stored = dict(Appeal.objects.values_list("case__external_id", "confidential"))
    assert stored == {"E1": True, "E2": False, "E3": True, "E4": False, "E5": False, "E7": True}
    [bad] = result.rejected
    assert bad.row == 7 and bad.external_id == "E6"
    assert bad.reason == "是否保密的取值无效：“保密”（应为 是/否、true/false 或 1/0）"


def test_import_xlsx_booleans_and_numbers_and_a_file_without_the_column(org, tmp_path):
    book = Workbook()
    book.active.append(IMPORT_HEADER)
    book.active.append(["X1", "路灯不亮。", "李四", "13900000011", "2026-03-02 10:00", True])
    book.active.append(["X2", "路灯不亮。", "李四", "13900000012", "2026-03-02 10:01", 0])
    book.active.append(["X3", "路灯不亮。", "李四", "13900000013", "2026-03-02 10:02", 2])
    book.save(tmp_path / "appeals.xlsx")
    result = import_appeals(tmp_path / "appeals.xlsx", source="upstream", now=at(2026, 11, 20, 12))
    assert dict(Appeal.objects.values_list("case__external_id", "confidential")) == {"X1": True, "X2": False}
    assert [(r.row, r.external_id) for r in result.rejected] == [(4, "X3")]

    path = tmp_path / "old.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [IMPORT_HEADER[:-1], ["O1", "路灯不亮。", "李四", "13900000021", "2026-03-02"]]
        )
    assert import_appeals(path, source="upstream", now=at(2026, 11, 20, 12)).created == 1
    assert Appeal.objects.get(case__external_id="O1").confidential is False


def test_the_flag_vocabulary():
    for value in (True, "是", "true", "True", " 1 ", 1, 1.0):
        assert parse_flag(value) is True
    for value in (False, None, "", "否", "false", "0", 0, 0.0):
        assert parse_flag(value) is False
    for value in ("保密", "2", 2, -1, "yes "):
        with pytest.raises(ValueError):
            parse_flag(value)
    with pytest.raises(IntakeError) as exc:
        clean_intake({"content": "路灯不亮。", "phone": PHONE, "confidential": "maybe"})
    assert set(exc.value.errors) == {"confidential"}


# --- who sees the requester ----------------------------------------------------------------------


def test_the_handling_unit_sees_a_confidential_requester_masked(org, people):
    case = dispatched(people, org, confidential=True)
    html = as_user(people.housing).get(f"/cases/{case.number}/").content.decode()
    assert "张**" in html and "139****5678" in html
    assert "张三丰" not in html and PHONE not in html
    assert "东湖街道东湖路 18 号" in html  # the place of the matter: needed to handle it
    assert 'data-testid="confidential"' in html and "诉求人要求保密，已脱敏" in html
    assert not AuditEntry.objects.filter(action="appeal.confidential_viewed").exists()


def test_a_masked_repeat_does_not_link_to_the_callers_earlier_appeal(org, people):
    """A repeat is linked by the caller's phone: the link would name whose appeal this is."""
    earlier = dispatched(people, org, confidential=False)
    repeat = dispatched(people, org, confidential=True)
    assert repeat.appeal.repeat_of_id == earlier.pk
    handler = as_user(people.housing).get(f"/cases/{repeat.number}/").content.decode()
    assert "<dt>重复诉求</dt>" not in handler and earlier.number not in handler
    centre = as_user(people.admin).get(f"/cases/{repeat.number}/").content.decode()
    assert "重复诉求" in centre and earlier.number in centre


@pytest.mark.parametrize("who", ["agent", "admin"])
def test_the_centre_still_sees_a_confidential_requester_and_it_is_audited(org, people, who):
    case = dispatched(people, org, confidential=True)
    user = getattr(people, who)
    html = as_user(user).get(f"/cases/{case.number}/").content.decode()
    assert "张三丰" in html and PHONE in html and 'data-testid="confidential"' in html
    assert "请勿向承办单位透露" in html
    entry = AuditEntry.objects.get(action="appeal.confidential_viewed")
    assert (entry.actor, entry.target) == (user.username, case.number)


def test_a_non_confidential_appeal_is_unchanged(org, people):
    case = dispatched(people, org, confidential=False)
    for user in (people.housing, people.agent, people.admin):
        html = as_user(user).get(f"/cases/{case.number}/").content.decode()
        assert "张三丰" in html and PHONE in html and 'data-testid="confidential"' not in html
    leader = as_user(people.leader).get(f"/cases/{case.number}/").content.decode()
    assert "张**" in leader and "张三丰" not in leader  # masked by role, as before
    assert not AuditEntry.objects.filter(action="appeal.confidential_viewed").exists()


def test_the_queue_marks_confidential_rows_and_shows_no_requester(org, people):
    secret = dispatched(people, org, confidential=True)
    plain = dispatched(people, org, confidential=False, name="李四", phone="13912345600")
    for user in (people.housing, people.dispatcher):
        html = as_user(user).get("/cases/", {"kind": "appeal"}).content.decode()
        rows = {
            n: html.split(f'/cases/{n}/">', 1)[1].split("</tr>", 1)[0] for n in (secret.number, plain.number)
        }
        assert 'data-testid="confidential"' in rows[secret.number] and "保密" in rows[secret.number]
        assert 'data-testid="confidential"' not in rows[plain.number]
        assert "张三丰" not in html and PHONE not in html
    # the list of every kind (the appeal joined in) still renders other kinds' rows
    assert as_user(people.dispatcher).get("/cases/").status_code == 200
    # the home page's queue of the unit's appeals to sign for marks it too
    home = as_user(people.housing).get("/").content.decode()
    item = home.split(f'/cases/{secret.number}/">', 1)[1].split("</li>", 1)[0]
    assert "保密" in item
    assert "保密" not in home.split(f'/cases/{plain.number}/">', 1)[1].split("</li>", 1)[0]


def test_the_rule_follows_the_acting_unit_not_the_role_alone(org, people):
    case = dispatched(people, org, confidential=True)
    assert is_confidential(case)
    street_agent = f.user(Role.INTAKE_AGENT, org.street_a)  # an agent, but not at the centre
    both = f.user(Role.HANDLER, org.housing)
    both.memberships.create(unit=org.centre, role=Role.INTAKE_AGENT)
    assert not can_see_requester(people.housing, case)
    assert not can_see_requester(people.street_a, case)
    assert not can_see_requester(street_agent, case)
    assert not can_see_requester(people.dispatcher, case) and not can_see_requester(people.leader, case)
    assert can_see_requester(people.agent, case) and can_see_requester(people.admin, case)
    assert can_see_requester(both, case)  # acting for the centre through the agent membership


def test_the_portal_tracking_page_shows_no_more_than_before(client, org):
    good = {
        "appeal_type": "complaint",
        "content": "东湖路 18 号小区门口路灯连续一周不亮。",
        "name": "张三丰",
        "phone": PHONE,
        "address": "东湖街道东湖路 18 号",
        "confidential": "on",
    }
    client.post("/portal/", good)
    case = Case.objects.get()
    page = client.get(f"/portal/track/{case.number}/").content.decode()
    assert case.number in page and "张**" in page and "张三丰" not in page and PHONE not in page
    assert "保密" not in page  # the internal note stays internal
