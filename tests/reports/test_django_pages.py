"""The review pages through Django's test client: who sees them, upload, review, follow-up, boilerplate."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fazhi.core.models import Role
from fazhi.reports import services
from fazhi.reports.models import ReportDocument
from tests.factories import core as f

from .conftest import seed_analysis, seed_path
from .test_findings import NEXT_YEAR


@pytest.fixture
def legal(org):
    return f.user(Role.LEGAL_OFFICER, org.centre, "legal")


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=f.PASSWORD)
    return client


@pytest.fixture
def guangming(legal):
    return services.import_report(actor=legal, path=seed_path("000")).report


def test_review_page_shows_parts_indicators_and_items(legal, guangming):
    html = client_for("legal").get(reverse("report_detail", args=[guangming.pk])).content.decode()
    for part, status in {
        "measures": "found",
        "shortcomings": "found",
        "leader_duties": "found_inline",
        "plans": "found",
        "other": "missing",
        "rectification": "found_inline",
    }.items():
        assert f'data-part="{part}" data-status="{status}"' in html
    # Found inline: where, and the clause that says it.
    assert "党组主要负责人严格履行推进法治建设第一责任人职责" in html
    row = re.search(r'data-indicator="first_dispatch_accuracy".*?</tr>', html, re.S).group(0)
    assert "一次分拨准确率" in row and "90.77%" in row and "同比上升5.50%" in row
    assert "法治学习体系需完善" in html  # a shortcoming
    assert "三、2025年法治政府建设工作计划" in html  # the outline
    assert "尚未导入本单位 2023 年度报告" in html  # no previous year yet


def test_indicator_filter_normalized_and_free(legal, guangming):
    client = client_for("legal")
    url = reverse("report_detail", args=[guangming.pk])
    normalized = client.get(url, {"ind": "normalized"}).content.decode()
    free = client.get(url, {"ind": "free"}).content.decode()
    assert normalized.count("data-indicator=") == guangming.normalized_count() == 18
    assert free.count("data-indicator=") == 0 and "搭建数据底板" in free and "搭建数据底板" not in normalized


@pytest.mark.parametrize("username", ["legal", "housing_leader", "centre_admin", "auditor"])
def test_pages_render_for_reviewing_roles(people, legal, guangming, username):
    client = client_for(username)
    for url in (
        reverse("report_list"),
        reverse("report_detail", args=[guangming.pk]),
        reverse("report_compare"),
        reverse("report_export", args=[guangming.pk]),
        reverse("report_compare_export"),
    ):
        assert client.get(url).status_code == 200, url
    assert "年度报告审查" in client.get(reverse("home")).content.decode()


def test_handler_is_refused_and_anonymous_sent_to_login(people, guangming):
    urls = [
        reverse("report_list"),
        reverse("report_upload"),
        reverse("report_detail", args=[guangming.pk]),
        reverse("report_compare"),
        reverse("report_export", args=[guangming.pk]),
        reverse("report_compare_export"),
    ]
    handler = client_for("housing_handler")
    for url in urls:
        assert handler.get(url).status_code == 403, url
    assert (
        handler.post(
            reverse("report_correct", args=[guangming.pk]), {"unit_name": "x", "year": 2020}
        ).status_code
        == 403
    )
    assert "年度报告审查" not in handler.get(reverse("home")).content.decode()
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_leader_reads_but_does_not_import(people):
    leader = client_for("housing_leader")
    assert leader.get(reverse("report_upload")).status_code == 403
    assert "上传报告" not in leader.get(reverse("report_list")).content.decode()


def test_upload_page_imports_then_recognises_the_same_report(legal):
    client = client_for("legal")
    data = seed_path("000").read_bytes()
    response = client.post(reverse("report_upload"), {"file": SimpleUploadedFile("光明.txt", data)})
    report = ReportDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    again = client.post(
        reverse("report_upload"), {"file": SimpleUploadedFile("光明-再次.txt", data)}, follow=True
    )
    assert "该报告此前已导入" in again.content.decode() and ReportDocument.objects.count() == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.doc", "法治政府建设年度报告".encode(), "不支持的文件类型"),
        ("report.txt", b"\x00\x01\x02binary" * 100, "二进制"),
        ("report.txt", b"", "空文件"),
    ],
)
def test_upload_page_shows_chinese_errors_and_saves_nothing(legal, name, content, message):
    response = client_for("legal").post(reverse("report_upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert ReportDocument.objects.count() == 0


def test_upload_over_ten_megabytes_is_refused(legal):
    big = SimpleUploadedFile("big.txt", b"a" * (10 * 1024 * 1024 + 1))
    response = client_for("legal").post(reverse("report_upload"), {"file": big})
    assert "10 MB" in response.content.decode() and ReportDocument.objects.count() == 0


def _stub(i: int, name: str, year: int) -> ReportDocument:
    return ReportDocument.objects.create(
        unit_name=name, year=year, source_format="text", text="…", sha256=f"{i:064x}", analysis={}
    )


def test_list_search_year_filter_pagination_and_empty_state(legal):
    client = client_for("legal")
    assert "尚未导入年度报告" in client.get(reverse("report_list")).content.decode()
    for i in range(25):
        _stub(i, f"测试局{i:02d}", 2022 + i % 2)
    first = client.get(reverse("report_list")).content.decode()
    assert "共 25 份报告" in first and first.count("data-report=") == 20 and "第 1 / 2 页" in first
    assert client.get(reverse("report_list"), {"page": 2}).content.decode().count("data-report=") == 5
    assert client.get(reverse("report_list"), {"q": "测试局07"}).content.decode().count("data-report=") == 1
    assert "共 12 份报告" in client.get(reverse("report_list"), {"year": 2023}).content.decode()
    assert "没有符合条件的报告" in client.get(reverse("report_list"), {"q": "不存在"}).content.decode()


def test_follow_up_of_last_years_shortcomings(legal, tmp_path):
    services.import_report(actor=legal, path=seed_path("001"))  # 江门, 2023
    path = tmp_path / "jiangmen-2024.txt"
    path.write_text(NEXT_YEAR, encoding="utf-8")
    this = services.import_report(
        actor=legal, path=path, unit_name=seed_analysis("001").metadata.unit, year=2024
    ).report
    html = client_for("legal").get(reverse("report_detail", args=[this.pk])).content.decode()
    statuses = re.findall(r'data-follow-up="(\w+)"', html)
    assert statuses == ["rectified", "repeated", "dropped"]
    assert "已整改" in html and "未提及，需问询" in html and "宣传" in html


def test_boilerplate_highlights_a_copied_paragraph(legal, guangming, tmp_path):
    copied = next(p for p in seed_analysis("000").text.split("\n") if "一次分拨准确率" in p)
    text = (
        "2024年,示范区政务服务数据管理局推进法治政府建设,现将有关情况报告如下:\n一、主要措施和成效\n"
        f"(一)优化诉求办理。{copied}\n二、存在的问题\n一是学习不够系统。\n三、2025年工作计划\n(一)加强学习。\n"
    )
    path = tmp_path / "copy.txt"
    path.write_text(text, encoding="utf-8")
    copy = services.import_report(actor=legal, path=path).report
    client = client_for("legal")
    html = client.get(reverse("report_detail", args=[copy.pk]), {"other": guangming.pk}).content.decode()
    marks = re.findall(r"<mark>(.*?)</mark>", html, re.S)
    assert len(marks) >= 2 and any("一次分拨准确率90.77%" in m for m in marks)
    assert 'data-length="' in html and "与对方相同的文字占本报告" in html


def test_correction_form_changes_unit_and_year(legal, org, guangming):
    client = client_for("legal")
    response = client.post(
        reverse("report_correct", args=[guangming.pk]),
        {"unit": org.centre.pk, "unit_name": "光明区政数局", "year": 2024},
        follow=True,
    )
    guangming.refresh_from_db()
    assert guangming.unit_name == "光明区政数局" and guangming.unit == org.centre
    assert "已更正为" in response.content.decode()
