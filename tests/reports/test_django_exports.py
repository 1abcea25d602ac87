"""XLSX exports and the cross-report comparison table, checked against the analysis."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.core.models import AuditEntry, Role
from fazhi.reports import services
from fazhi.reports.exports import INDICATOR_HEADER
from tests.factories import core as f

from .conftest import SEED_IDS, seed_analysis, seed_path


@pytest.fixture
def legal(org):
    return f.user(Role.LEGAL_OFFICER, org.centre, "legal")


@pytest.fixture
def client(legal):
    c = Client()
    assert c.login(username="legal", password=f.PASSWORD)
    return c


@pytest.fixture
def seeded(legal):
    """All five seeds imported, keyed by seed id (skips when the seeds are absent)."""
    return {seed: services.import_report(actor=legal, path=seed_path(seed)).report for seed in SEED_IDS}


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def test_indicator_export_matches_the_analysis(client, legal):
    report = services.import_report(actor=legal, path=seed_path("000")).report
    ws = _sheet(client.get(reverse("report_export", args=[report.pk])))
    expected = seed_analysis("000").indicators
    assert [c.value for c in ws[1]] == INDICATOR_HEADER
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "C2"
    assert ws.max_row == len(expected) + 1
    for row, indicator in zip(ws.iter_rows(min_row=2, values_only=True), expected, strict=True):
        assert row[1] == indicator.name and row[4] == indicator.value and row[7] == indicator.unit
        assert (row[3] or None) == indicator.normalized_name
    accuracy = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "first_dispatch_accuracy")
    assert accuracy[4] == 90.77 and accuracy[9] == "同比上升5.50%"
    assert AuditEntry.objects.filter(
        action="report.indicators_exported", target=f"report:{report.pk}"
    ).exists()


def test_comparison_table_holds_the_known_figures(seeded):
    reports = list(seeded.values())
    table = services.comparison(reports)
    col = {seed: reports.index(r) for seed, r in seeded.items()}
    rows = {r["code"]: r for r in table["rows"]}
    assert rows["first_dispatch_accuracy"]["label"] == "一次分拨准确率"
    assert rows["first_dispatch_accuracy"]["cells"][col["000"]]["first"] == 90.77
    assert rows["first_dispatch_accuracy"]["cells"][col["001"]]["text"] == ""
    assert rows["appeals_received"]["cells"][col["000"]]["first"] == 166739
    assert rows["appeals_received"]["cells"][col["001"]]["first"] == 10725
    assert rows["mediation_success_rate"]["cells"][col["003"]]["text"] == "97.52%"
    # A figure stated twice keeps both values; the chart takes the first.
    assert rows["proactive_items"]["cells"][col["000"]]["text"] == "11037条 / 1226条"
    # Rows follow the vocabulary's order, and only normalized names appear.
    expected_codes = {
        i.normalized_name for s in SEED_IDS for i in seed_analysis(s).indicators if i.normalized_name
    }
    assert set(rows) == expected_codes
    assert table["chart"]["rows"][0]["code"] == table["rows"][0]["code"]


def test_compare_page_table_chart_data_and_export(client, seeded):
    html = client.get(reverse("report_compare")).content.decode()
    row = re.search(r'<tr data-indicator="first_dispatch_accuracy">.*?</tr>', html, re.S).group(0)
    assert "一次分拨准确率" in row and "90.77%" in row
    data = json.loads(
        re.search(r'<script id="compare-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert len(data["columns"]) == 5
    assert 90.77 in next(r for r in data["rows"] if r["code"] == "first_dispatch_accuracy")["values"]

    ws = _sheet(client.get(reverse("report_compare_export")))
    header = [c.value for c in ws[1]]
    assert (
        header[:3] == ["指标", "编码", "单位"] and all(c.font.bold for c in ws[1]) and ws.freeze_panes == "D2"
    )
    by_code = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    guangming = header.index(f"{seeded['000'].unit_name} 2024年")
    assert by_code["first_dispatch_accuracy"][guangming] == 90.77
    assert by_code["proactive_items"][guangming] == "11037条 / 1226条"
    assert AuditEntry.objects.filter(action="report.comparison_exported").exists()


def test_compare_page_picks_reports_and_filters_by_year(client, seeded):
    picked = client.get(
        reverse("report_compare"), {"r": [seeded["000"].pk, seeded["003"].pk]}
    ).content.decode()
    assert picked.count('class="col"') == 2
    only_2023 = client.get(reverse("report_compare"), {"year": 2023}).content.decode()
    assert only_2023.count('class="col"') == 2  # 001 and 004


def test_compare_page_empty_state(client):
    assert "没有符合条件的报告" in client.get(reverse("report_compare")).content.decode()
