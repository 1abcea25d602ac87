"""The annual report built from the database: a year of requests entered and answered through the
services, its three tables checked cell by cell against values counted by hand, the consistency
checks catching deliberately broken records, the page and the audited exports."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest

from fazhi.core.models import AuditEntry
from fazhi.disclosure import services
from fazhi.disclosure.annual import TABLE2_COLUMNS, TABLE2_ROWS
from fazhi.disclosure.models import AnnualReport, DisclosureRequest, DisclosureReview, ProactiveRecord
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")
ORG_FIELDS = {"organisation": "某某单位", "id_number": "91440300MA5F000000", "name": "联系人"}

# Table 2 of 2026, counted by hand from the list in `year_2026`.
# Columns: natural person, commercial, research, public-interest, legal services, other, total.
EXPECTED = {
    "new": [4, 1, 1, 1, 1, 1, 9],
    "carried_over": [1, 1, 0, 0, 0, 0, 2],
    "disclosed": [2, 0, 0, 0, 0, 0, 2],
    "partly_disclosed": [1, 0, 0, 0, 0, 0, 1],
    "withheld_third_party_rights": [0, 1, 0, 0, 0, 0, 1],
    "withheld_process_information": [0, 0, 0, 0, 1, 0, 1],
    "unavailable_not_held": [0, 1, 0, 0, 0, 0, 1],
    "not_processed_repeat": [0, 0, 1, 0, 0, 0, 1],
    "other_not_amended": [1, 0, 0, 0, 0, 0, 1],
    "other": [0, 0, 0, 0, 0, 1, 1],
    "outcome_total": [4, 2, 1, 0, 1, 1, 9],
    "carried_forward": [1, 0, 0, 1, 0, 0, 2],
}
EXPECTED_TABLE3 = {
    "reconsideration": [2, 1, 0, 0, 3],
    "litigation_direct": [0, 0, 0, 1, 1],
    "litigation_after_reconsideration": [0, 0, 1, 0, 1],
}


def answer(case, who, when, outcome, **fields):
    step(case, "answer", who, when, outcome=outcome, **fields)


@pytest.fixture
def year_2026(org, people):
    """Requests of the housing bureau: 2 carried over from 2025, 9 new in 2026, 2 open at year end."""
    gk, unit = officer(org.housing), org.housing

    def new(when, kind="natural_person", **kw):
        extra = ORG_FIELDS if kind != "natural_person" else {}
        return request(gk, unit, when=when, requester_type=kind, submitted_on=when.date(), **extra, **kw)

    c = new(at(2025, 11, 3, 9))  # closed in 2025: not in 2026's tables
    answer(c, gk, at(2025, 11, 20, 9), "disclosed")
    a = new(at(2025, 12, 15, 9))
    b = new(at(2025, 12, 22, 9), "commercial_enterprise")
    answer(a, gk, at(2026, 1, 12, 9), "disclosed")
    step(b, "accept", gk, at(2025, 12, 23, 9))
    answer(b, gk, at(2026, 1, 20, 9), "withheld_third_party_rights")
    n = {}
    n[1] = new(at(2026, 3, 2, 9))
    answer(n[1], gk, at(2026, 3, 10, 9), "disclosed", fee_amount="100")
    n[2] = new(at(2026, 3, 2, 10))
    answer(
        n[2], gk, at(2026, 3, 20, 9), "partly_disclosed", withheld_part="报价明细", withheld_reason="商业秘密"
    )
    n[3] = new(at(2026, 4, 1, 9))
    step(
        n[3], "request_amendment", gk, at(2026, 4, 2, 9), amendment_items="请写明文号", amend_by="2026-04-10"
    )
    step(n[3], "abandon", gk, at(2026, 4, 13, 9))
    n[4] = new(at(2026, 5, 6, 9), "commercial_enterprise")
    answer(n[4], gk, at(2026, 5, 20, 9), "unavailable_not_held", competent_office="示范区发展和改革局")
    n[5] = new(at(2026, 6, 1, 9), "research_institution")
    answer(n[5], gk, at(2026, 6, 10, 9), "not_processed_repeat", previous_reply_date="2026-05-20")
    n[6] = new(at(2026, 7, 1, 9), "legal_services_org")
    answer(n[6], gk, at(2026, 7, 15, 9), "withheld_process_information")
    n[7] = new(at(2026, 12, 10, 9), "public_interest_org")  # open at year end
    n[8] = new(at(2026, 9, 1, 9), "other_organisation")
    answer(n[8], gk, at(2026, 9, 10, 9), "other", reason="申请人撤回申请")
    n[9] = new(at(2026, 12, 28, 9))
    answer(n[9], gk, at(2027, 1, 5, 9), "disclosed")  # answered next year: carried forward

    for record_type, quantity, fee, day in (
        ("normative_issued", 1, 0, date(2026, 2, 1)),
        ("normative_issued", 1, 0, date(2026, 6, 1)),
        ("normative_repealed", 1, 0, date(2026, 6, 1)),
        ("licensing", 120, 0, date(2026, 6, 30)),
        ("licensing", 35, 0, date(2026, 12, 31)),
        ("penalty", 12, 0, date(2026, 8, 1)),
        ("enforcement", 3, 0, date(2026, 8, 1)),
        ("fee", 1, 50000, date(2026, 6, 30)),
        ("fee", 1, 73500, date(2026, 12, 31)),
        ("licensing", 99, 0, date(2025, 12, 31)),
    ):
        ProactiveRecord.objects.create(
            unit=unit,
            title=f"{record_type}-{day}",
            published_on=day,
            record_type=record_type,
            quantity=quantity,
            fee_amount=fee,
            created_at=at(2027, 1, 6, 9),
        )
    AnnualReport.objects.create(unit=unit, year=2026, rules_in_force=0, normative_documents_in_force=41)
    for kind, result, year, req in (
        ("reconsideration", "upheld", 2026, n[2]),
        ("reconsideration", "upheld", 2026, None),
        ("reconsideration", "corrected", 2026, None),
        ("litigation_direct", "pending", 2026, None),
        ("litigation_after_reconsideration", "other", 2026, None),
        ("reconsideration", "upheld", 2025, None),
    ):
        DisclosureReview.objects.create(
            unit=unit, kind=kind, result=result, year=year, request=req.disclosure if req else None
        )
    return {"gk": gk, "unit": unit, "a": a, "b": b, "c": c, **{f"n{k}": v for k, v in n.items()}}


def table2(view) -> dict:
    return {row: view.tables.requests.row(row) for row in TABLE2_ROWS}


def test_tables_match_the_hand_count_cell_by_cell(year_2026):
    view = services.annual_report(unit=year_2026["unit"], year=2026)
    expected = {row: EXPECTED.get(row, [0] * 7) for row in TABLE2_ROWS}
    for row in TABLE2_ROWS:
        for column, got, want in zip(TABLE2_COLUMNS, table2(view)[row], expected[row], strict=True):
            assert got == want, f"{row} × {column}: {got} ≠ {want}"
    assert {k: view.tables.reviews.row(k) for k in EXPECTED_TABLE3} == EXPECTED_TABLE3
    p = view.tables.proactive
    assert (p.normative_documents_issued, p.normative_documents_repealed, p.normative_documents_in_force) == (
        2,
        1,
        41,
    )
    assert (p.licensing_decisions, p.penalty_decisions, p.enforcement_decisions) == (155, 12, 3)
    assert p.fees_10k_yuan == Decimal("12.35")
    assert view.information_fees_yuan == Decimal("100")
    assert view.problems == []
    members = view.tables.requests.members
    assert members[("carried_forward", "public_interest_org")] == [year_2026["n7"].pk]
    assert sorted(view.tables.carried_over_ids) == sorted([year_2026["a"].pk, year_2026["b"].pk])


def test_finalised_previous_year_is_the_authority_for_carried_over(year_2026, people):
    unit, gk = year_2026["unit"], year_2026["gk"]
    report = services.finalise_annual(unit=unit, year=2025, actor=gk, now=at(2026, 1, 20, 9))
    assert sorted(report.carried_forward_ids) == sorted([year_2026["a"].pk, year_2026["b"].pk])
    view = services.annual_report(unit=unit, year=2026)
    assert view.previous_finalised and view.problems == []
    assert table2(view)["carried_over"] == EXPECTED["carried_over"]
    # A published list that left B out: B is named as missing, 二 still equals the published 四.
    AnnualReport.objects.filter(unit=unit, year=2025).update(carried_forward_ids=[year_2026["a"].pk])
    view = services.annual_report(unit=unit, year=2026)
    missing = next(p for p in view.problems if p.code == "missing_carry_over")
    assert missing.request_numbers == (year_2026["b"].number,)
    assert not any(p.code == "carried_over_mismatch" for p in view.problems)


def test_broken_records_are_caught_with_the_requests_behind_them(year_2026):
    unit = year_2026["unit"]
    n4, n5 = year_2026["n4"], year_2026["n5"]
    DisclosureRequest.objects.filter(pk=n4.pk).update(outcome="")  # closed without an outcome
    DisclosureRequest.objects.filter(pk=n5.pk).update(outcome_on=date(2026, 5, 1))  # before it was received
    view = services.annual_report(unit=unit, year=2026)
    by_code = {p.code: p for p in view.problems}
    assert by_code["missing_outcome"].request_numbers == (n4.number,)
    assert by_code["closed_before_received"].request_numbers == (n5.number,)
    assert by_code["column_balance"].request_numbers  # the unbalanced column names its requests
    assert n4.number in by_code["column_balance"].message or n5.number in by_code["column_balance"].message
    with pytest.raises(services.GuardRefused, match="校验问题"):
        services.finalise_annual(unit=unit, year=2026, actor=year_2026["gk"])
    assert not AnnualReport.objects.filter(unit=unit, year=2026, finalised_at__isnull=False).exists()


def test_annual_page_shows_tables_problems_with_links_and_drill_down(year_2026, client):
    unit = year_2026["unit"]
    client.login(username="gk_officer", password=PASSWORD)
    page = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026").content.decode()
    assert 'data-testid="checks-ok"' in page and 'data-testid="problems"' not in page
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in page
    assert "三、本年度办理结果" in page and "四、结转下年度继续办理" in page and "结果纠正" in page
    drill = client.get(
        f"/disclosure/annual/?unit={unit.pk}&year=2026&cell=carried_forward.total"
    ).content.decode()
    assert year_2026["n7"].number in drill and year_2026["n9"].number in drill
    DisclosureRequest.objects.filter(pk=year_2026["n4"].pk).update(outcome="")
    broken = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026").content.decode()
    assert 'data-testid="problems"' in broken
    assert f'href="/cases/{year_2026["n4"].number}/"' in broken


def test_narrative_is_saved_and_exports_are_audited(year_2026, client):
    unit = year_2026["unit"]
    client.login(username="gk_officer", password=PASSWORD)
    client.post(
        "/disclosure/annual/",
        {
            "unit": unit.pk,
            "year": 2026,
            "overview": "本局坚持以公开为常态。",
            "problems_and_improvements": "依申请公开答复规范性有待提升。",
            "other_matters": "无。",
            "rules_in_force": 0,
            "normative_documents_in_force": 41,
        },
    )
    assert AnnualReport.objects.get(unit=unit, year=2026).overview == "本局坚持以公开为常态。"
    before = AuditEntry.objects.filter(action="disclosure.annual_exported").count()
    xlsx = client.get(f"/disclosure/annual/export.xlsx?unit={unit.pk}&year=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["收到和处理申请"]
    for index, row in enumerate(TABLE2_ROWS):
        got = [sheet.cell(row=5 + index, column=4 + c).value for c in range(7)]
        assert got == EXPECTED.get(row, [0] * 7), row
    document = docx.Document(
        io.BytesIO(client.get(f"/disclosure/annual/export.docx?unit={unit.pk}&year=2026").content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "本局坚持以公开为常态。" in text and "本年度共收取信息处理费100" in text and len(document.tables) == 3
    )
    assert "未通过一致性校验" not in text  # a clean year exports the report as it is
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames == [
        "主动公开",
        "收到和处理申请",
        "复议诉讼",
    ]
    assert AuditEntry.objects.filter(action="disclosure.annual_exported").count() == before + 2


def test_export_with_failed_checks_is_a_marked_draft_naming_the_requests(year_2026, client):
    unit, n4, n5 = year_2026["unit"], year_2026["n4"], year_2026["n5"]
    DisclosureRequest.objects.filter(pk=n4.pk).update(outcome="")  # closed without an outcome
    DisclosureRequest.objects.filter(pk=n5.pk).update(outcome_on=date(2026, 5, 1))  # before it was received
    problems = services.annual_report(unit=unit, year=2026).problems
    client.login(username="gk_officer", password=PASSWORD)
    page = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026").content.decode()
    assert 'data-testid="export-warning"' in page

    response = client.get(f"/disclosure/annual/export.docx?unit={unit.pk}&year=2026")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "未通过一致性校验" and f"共发现 {len(problems)} 项问题" in texts[2]
    listed = texts[3 : 3 + len(problems)]
    assert [t.split(". ", 1)[1] for t in listed] == [p.message for p in problems]
    body = "\n".join(listed)
    assert n4.number in body and n5.number in body
    assert "未通过一致性校验" in document.sections[0].header.paragraphs[0].text

    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/disclosure/annual/export.xlsx?unit={unit.pk}&year=2026").content)
    )
    warning = wb.worksheets[0]
    assert warning.title == "未通过一致性校验" and wb.active.title == warning.title
    rows = list(warning.iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in rows] == [p.code for p in problems]
    assert {"missing_outcome", "closed_before_received"} <= {r[1] for r in rows}
    numbers = " ".join(r[3] or "" for r in rows)
    assert n4.number in numbers and n5.number in numbers
    audit = AuditEntry.objects.filter(action="disclosure.annual_exported").latest("pk")
    assert audit.details["problems"] == len(problems)


def test_api_returns_table_two_in_national_order(year_2026):
    from django.test import Client

    from fazhi.core.services import issue_token

    client = Client(headers={"authorization": f"Bearer {issue_token(user=year_2026['gk'], name='省平台')}"})
    data = client.get(f"/api/v1/disclosure/annual?unit={year_2026['unit'].pk}&year=2026").json()
    assert [r["key"] for r in data["table2"]] == list(TABLE2_ROWS)
    assert {r["key"]: r["values"] for r in data["table2"] if r["key"] in EXPECTED} == EXPECTED
    assert data["problems"] == []
