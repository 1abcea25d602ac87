"""The staff pages: the queue with clock status, the dashboard, proactive records (XLSX import that
imports all rows or none, search) and reviews; and who may open them."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core.models import AuditEntry
from fazhi.core.uploads import MAX_UPLOAD_BYTES
from fazhi.disclosure.forms import IMPORT_COLUMNS, read_workbook
from fazhi.disclosure.models import DisclosureReview, ProactiveRecord
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def signed_in(org, client):
    gk = officer(org.housing)
    client.login(username="gk_officer", password=PASSWORD)
    return gk


def workbook(*rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    wb.active.append(IMPORT_COLUMNS)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("records.xlsx", buffer.getvalue())


GOOD = [
    "规范性文件",
    "示范区住房租赁管理办法",
    "2026-03-01",
    "政府网站",
    "示住建规〔2026〕1号",
    "https://www.example.gov.cn/1.html",
    "行政规范性文件（制发）",
    1,
    0,
]


def test_import_saves_every_row_or_none(org, client, signed_in):
    bad = workbook(
        GOOD,
        ["许可", "", "2026-02-30", "广播", "", "ftp://x", "行政许可决定", -3, "abc"],
        ["处罚", "2026年2月处罚决定", "2099-01-01", "公开栏", "", "", "罚款", 12, 0],
    )
    response = client.post(f"/disclosure/proactive/import/?unit={org.housing.pk}", {"file": bad}, follow=True)
    page = response.content.decode()
    assert ProactiveRecord.objects.count() == 0
    for text in (
        "第3行：标题不能为空",
        "第3行：公开日期格式",
        "第3行：公开渠道“广播”无效",
        "第3行：链接应以",
        "第3行：数量应为正整数",
        "第3行：收费金额应为非负数",
        "第4行：公开日期不能晚于今天",
        "第4行：统计类型“罚款”无效",
        "未导入任何数据",
    ):
        assert text in page, text
    good = workbook(
        GOOD, ["许可", "2026年3月行政许可决定", "2026-03-31", "政务新媒体", "", "", "行政许可决定", 57, ""]
    )
    client.post(f"/disclosure/proactive/import/?unit={org.housing.pk}", {"file": good})
    assert ProactiveRecord.objects.filter(unit=org.housing).count() == 2
    assert ProactiveRecord.objects.get(record_type="licensing").quantity == 57
    assert AuditEntry.objects.filter(action="disclosure.proactive_imported").count() == 1


def test_oversize_upload_is_refused_and_writes_nothing(org, client, signed_in):
    # A well-formed workbook with one good row, padded past 10 MB with an extra zip member that
    # openpyxl ignores: only its size can be the reason it is refused.
    buffer = io.BytesIO(workbook(GOOD).read())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/padding.bin", os.urandom(MAX_UPLOAD_BYTES))
    data = buffer.getvalue()
    assert len(data) > MAX_UPLOAD_BYTES
    rows, problems = read_workbook(io.BytesIO(data), today=date(2026, 11, 1))
    assert len(rows) == 1 and problems == []
    audit_before = AuditEntry.objects.count()
    response = client.post(
        f"/disclosure/proactive/import/?unit={org.housing.pk}",
        {"file": SimpleUploadedFile("records.xlsx", data)},
        follow=True,
    )
    page = response.content.decode()
    assert "文件超过 10 MB 上限，请压缩或拆分后再上传" in page and "未导入任何数据" in page
    assert ProactiveRecord.objects.count() == 0
    assert not AuditEntry.objects.filter(action="disclosure.proactive_imported").exists()
    assert AuditEntry.objects.count() == audit_before


def test_unreadable_file_is_refused(org, client, signed_in):
    client.post(
        f"/disclosure/proactive/import/?unit={org.housing.pk}",
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
    )
    assert ProactiveRecord.objects.count() == 0


def test_search_proactive_records(org, client, signed_in):
    for title, number, channel in (
        ("住房租赁管理办法", "示住建规〔2026〕1号", "website"),
        ("物业服务收费公示", "", "bulletin_board"),
    ):
        ProactiveRecord.objects.create(
            unit=org.housing,
            title=title,
            document_number=number,
            channel=channel,
            published_on="2026-03-01",
            created_at=at(2026, 3, 1, 9),
        )
    page = client.get(f"/disclosure/proactive/?unit={org.housing.pk}&q=示住建规").content.decode()
    assert "住房租赁管理办法" in page and "物业服务收费公示" not in page
    page = client.get(f"/disclosure/proactive/?unit={org.housing.pk}&channel=bulletin_board").content.decode()
    assert "物业服务收费公示" in page and "住房租赁管理办法" not in page
    assert client.get("/disclosure/proactive/template.xlsx").status_code == 200


def test_queue_shows_days_left_paused_and_overdue(org, client, signed_in):
    gk = signed_in
    running = request(gk, org.housing, when=at(2026, 3, 2, 9))
    paused = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(paused, "accept", gk, at(2026, 3, 2, 10))
    step(paused, "consult_third_party", gk, at(2026, 3, 3, 9), third_party_name="某公司")
    page = client.get("/disclosure/").content.decode()
    row = re.search(rf'data-number="{running.number}".*?</tr>', page, re.S).group(0)
    assert "已超期" in row  # due 30 Mar 2026, long past on the machine's clock
    row = re.search(rf'data-number="{paused.number}".*?</tr>', page, re.S).group(0)
    assert "计时暂停（征求第三方意见）" in row


def test_queue_marks_a_deadline_in_a_year_without_a_holiday_schedule_as_provisional(
    org, client, signed_in, django_capture_on_commit_callbacks
):
    from fazhi.core.calendar import get_calendar
    from fazhi.core.models import HolidayYear

    assert not get_calendar().is_known(2027)  # neither the package nor the Holiday tables know it
    gk = signed_in
    firm = request(gk, org.housing, when=at(2026, 11, 2, 9), submitted_on=date(2026, 11, 2))
    # 20 working days from 15 Dec 2026 reach into January 2027, counted on weekends alone.
    late = request(gk, org.housing, when=at(2026, 12, 15, 9), submitted_on=date(2026, 12, 15))
    late.refresh_from_db()
    assert late.due_provisional and not firm.due_provisional

    def row(case) -> str:
        page = client.get(f"/disclosure/?unit={org.housing.pk}").content.decode()
        return re.search(rf'data-number="{case.number}".*?</tr>', page, re.S).group(0)

    assert "暂定" in row(late) and "节假日安排尚未录入" in row(late) and "2027-01-" in row(late)
    assert "暂定" not in row(firm)
    # Once the 2027 schedule is entered, the deadline is recomputed and the label goes.
    with django_capture_on_commit_callbacks(execute=True):
        HolidayYear.objects.create(year=2027, note="国务院办公厅通知")
    late.refresh_from_db()
    assert not late.due_provisional and "暂定" not in row(late)


def test_dashboard_figures(org, client, signed_in):
    gk = signed_in
    on_time = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(on_time, "answer", gk, at(2026, 3, 10, 9), outcome="disclosed")
    late = request(gk, org.housing, when=at(2026, 3, 2, 9))
    step(late, "answer", gk, at(2026, 4, 10, 9), outcome="unavailable_not_held")
    request(gk, org.housing, when=at(2026, 5, 6, 9), submitted_on=at(2026, 5, 6, 9).date())
    response = client.get(f"/disclosure/dashboard/?unit={org.housing.pk}&year=2026")
    f = response.context["f"]
    assert (f["received"], f["answered"], f["on_time"], f["on_time_rate"]) == (3, 2, 1, 0.5)
    assert f["by_month"]["received"][2:5] == [2, 0, 1] and f["by_month"]["answered"][2:4] == [1, 1]
    charts = json.loads(
        re.search(r'id="charts-data"[^>]*>(.*?)</script>', response.content.decode(), re.S).group(1)
    )
    assert {o["name"]: o["value"] for o in charts["outcomes"]} == {"予以公开": 1, "无法提供": 1}
    assert "vendor/echarts/echarts.min.js" in response.content.decode()


def test_reviews_are_registered_against_a_request(org, client, signed_in):
    case = request(signed_in, org.housing, when=at(2026, 3, 2, 9))
    client.post(
        f"/disclosure/reviews/?unit={org.housing.pk}",
        {
            "kind": "reconsideration",
            "result": "pending",
            "year": 2026,
            "case_number": "示府复〔2026〕8号",
            "request_number": case.number,
        },
    )
    review = DisclosureReview.objects.get()
    assert review.request.case == case and review.unit == org.housing
    response = client.post(
        f"/disclosure/reviews/?unit={org.housing.pk}",
        {"kind": "reconsideration", "result": "pending", "year": 2026, "request_number": "GK-0000-000000"},
    )
    assert "申请编号不存在" in response.content.decode() and DisclosureReview.objects.count() == 1


def test_pages_need_a_disclosure_role(org, people, client):
    client.login(username="transport_handler", password=PASSWORD)
    for url in ("/disclosure/", "/disclosure/new/", "/disclosure/annual/", "/disclosure/dashboard/"):
        assert client.get(url).status_code == 403, url
    client.logout()
    client.login(username="housing_leader", password=PASSWORD)
    assert client.get("/disclosure/annual/").status_code == 200
    assert client.get("/disclosure/new/").status_code == 403
