"""A leader builds the housing bureau's 2026 report draft in the browser and downloads the Word file.

The records are the hand-counted scenario of tests/reports/test_build.py, so the page must show
the same figures with their sources; the downloaded DOCX must open and carry the draft's title.
"""

from __future__ import annotations

import docx
import pytest

from tests.factories.core import PASSWORD
from tests.factories.disclosure import fast_passwords  # noqa: F401
from tests.reports.test_build import scenario  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fast_passwords")]


def test_leader_builds_and_downloads_the_draft(scenario, page, login, live_server, shot, tmp_path):  # noqa: F811
    login(page, "housing_leader", PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    page.click("text=生成年度报告草稿")
    # A leader of one bureau sees only their own unit, preselected.
    options = page.locator("select[name=unit] option")
    assert options.count() == 1 and options.first.inner_text() == "区住房和建设局"
    page.select_option("select[name=year]", "2026")
    page.click("button:has-text('生成')")
    page.wait_for_load_state("networkidle")

    assert (
        page.locator("[data-testid=draft-title]").inner_text()
        == "区住房和建设局2026年法治政府建设年度报告（草稿）"
    )
    row = page.locator("tr[data-figure='appeals.received']").inner_text()
    assert "3件" in row and "同比增长200%" in row and "fazhi.appeals.kpis.compute" in row
    assert "作出行政许可决定10件" in page.locator("[data-part=measures]").inner_text()
    assert page.locator(".rb-prompt").count() >= 6
    shot(page, "report-build")

    with page.expect_download() as info:
        page.click("[data-testid=download-docx]")
    path = tmp_path / "draft.docx"
    info.value.save_as(path)
    assert docx.Document(str(path)).paragraphs[0].text == "区住房和建设局2026年法治政府建设年度报告（草稿）"
