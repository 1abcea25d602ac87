"""Importing reports through the service: stored analysis, duplicates, refused files, overrides."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core.models import AuditEntry, Role
from fazhi.reports import services
from fazhi.reports.models import ReportDocument
from tests.factories import core as f

from .builders import make_docx
from .conftest import seed_analysis, seed_path

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def legal(org):
    return f.user(Role.LEGAL_OFFICER, org.centre, "legal")


def test_each_seed_is_stored_with_its_parts_and_indicators(seed, legal):
    expected = seed_analysis(seed)
    result = services.import_report(actor=legal, path=seed_path(seed))
    report = ReportDocument.objects.get(pk=result.report.pk)
    assert result.created
    assert (report.unit_name, report.year) == (expected.metadata.unit, expected.metadata.year)
    assert report.sha256 == expected.metadata.sha256 and report.text == expected.text
    assert report.missing_parts == expected.missing_parts
    assert {p: s["status"] for p, s in report.parts.items()} == {
        p: s.status for p, s in expected.parts.items()
    }
    assert len(report.indicators) == len(expected.indicators)
    assert report.normalized_count() == sum(1 for i in expected.indicators if i.normalized_name)
    assert len(report.analysis["shortcomings"]) == len(expected.shortcomings)
    assert report.original_filename == seed_path(seed).name and report.source_format == "text"
    entry = AuditEntry.objects.get(action="report.imported", target=f"report:{report.pk}")
    assert entry.actor == "legal" and entry.details["indicators"] == len(expected.indicators)


def test_stored_analysis_is_what_reanalysis_gives(legal):
    report = services.import_report(actor=legal, path=seed_path("003")).report
    assert report.reanalyse().to_dict() == report.analysis


def test_reimport_is_recognised_and_returns_the_existing_report(legal):
    first = services.import_report(actor=legal, path=seed_path("000"))
    again = services.import_report(actor=legal, path=seed_path("000"))
    assert first.created and not again.created
    assert again.report.pk == first.report.pk and ReportDocument.objects.count() == 1
    assert AuditEntry.objects.filter(
        action="report.import_duplicate", target=f"report:{first.report.pk}"
    ).exists()


def test_same_report_as_word_file_is_the_same_report(legal, tmp_path):
    first = services.import_report(actor=legal, path=seed_path("001"))
    docx = make_docx(seed_analysis("001").text, tmp_path / "江门.docx")
    again = services.import_report(actor=legal, path=docx)
    assert not again.created and again.report.pk == first.report.pk
    uploaded = services.import_report(actor=legal, file=SimpleUploadedFile("江门.docx", docx.read_bytes()))
    assert not uploaded.created and uploaded.report.pk == first.report.pk


def test_uploaded_file_keeps_its_original_name(legal, org):
    upload = SimpleUploadedFile("光明区2024年度报告.txt", seed_path("000").read_bytes())
    report = services.import_report(actor=legal, file=upload, unit=org.centre).report
    assert report.original_filename == "光明区2024年度报告.txt"
    assert report.unit == org.centre and report.unit_name == "光明区政务服务和数据管理局"


BAD_FILES = {
    "binary.txt": b"\x00\x01\x02\x03PK\x00\x00" * 50,
    "report.doc": "2024年法治政府建设年度报告".encode(),
    "broken.docx": b"PK\x03\x04 this is not a real word file",
    "broken.pdf": b"%PDF-1.4 garbage",
    "english.txt": b"An annual report written without any Chinese text at all." * 5,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_file_gives_a_chinese_error_and_saves_nothing(legal, name):
    with pytest.raises(services.ReportImportError) as info:
        services.import_report(actor=legal, file=SimpleUploadedFile(name, BAD_FILES[name]))
    assert CJK.search(info.value.message), info.value.message
    assert ReportDocument.objects.count() == 0
    assert not AuditEntry.objects.filter(action="report.imported").exists()


def test_oversized_file_is_refused(legal, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes("法治".encode() * (services.MAX_UPLOAD_BYTES // 6 + 10))
    with pytest.raises(services.ReportImportError, match="10 MB"):
        services.import_report(actor=legal, path=big)
    assert ReportDocument.objects.count() == 0


NO_UNIT = """2024年,我局深入推进法治政府建设,现将有关情况报告如下:
一、主要措施和成效
(一)依法行政。行政复议案件12宗,受理诉求事件3000宗。
二、存在的问题
一是学法用法不够系统。
三、2025年工作计划
(一)加强学习。
"""


def test_unit_and_year_can_be_given_when_the_report_does_not_say(legal):
    upload = SimpleUploadedFile("report.txt", NO_UNIT.encode())
    with pytest.raises(services.ReportImportError, match="报告单位"):
        services.import_report(actor=legal, file=upload)
    upload.seek(0)
    report = services.import_report(actor=legal, file=upload, unit_name="示范区司法局", year=2024).report
    assert (report.unit_name, report.year) == ("示范区司法局", 2024)
    assert report.analysis["metadata"]["unit"] == "示范区司法局"
    assert report.analysis["metadata"]["year"] == 2024


def test_correcting_unit_and_year_reanalyses_and_is_audited(legal, org):
    report = services.import_report(actor=legal, path=seed_path("004")).report
    services.correct_report(
        actor=legal, report=report, unit=org.housing, unit_name="龙岗区重点区域建设推进署", year=2022
    )
    report.refresh_from_db()
    assert (report.unit, report.unit_name, report.year) == (org.housing, "龙岗区重点区域建设推进署", 2022)
    assert (
        report.analysis["metadata"]["year"] == 2022
        and report.analysis["metadata"]["unit"] == report.unit_name
    )
    entry = AuditEntry.objects.get(action="report.corrected")
    assert entry.details["before"]["year"] == 2023 and entry.details["after"]["year"] == 2022
