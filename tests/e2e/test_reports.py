"""A legal officer uploads an annual report in the browser and reviews it; then compares units.

The other seeds and a constructed previous-year report of the same unit are imported through
the service first, so the review page has a follow-up and a boilerplate section to show and the
comparison page has several columns.
"""

from __future__ import annotations

import pytest

from fazhi.core.models import Role
from fazhi.reports import services
from tests.factories.core import PASSWORD, user
from tests.reports.conftest import seed_analysis, seed_path

pytestmark = pytest.mark.e2e

# 光明's 2023 report as the follow-up needs it: problems the 2024 report rectifies or drops,
# and one paragraph carried over word for word.
PREVIOUS = """2023年,光明区政务服务和数据管理局深入推进法治政府建设,现将有关情况报告如下:
一、2023年主要措施和成效
(一)推进诉求快速办理。{copied}
二、2023年法治政府建设存在的问题
一是法治理论学习不够深入系统,缺乏年度学习计划。
二是行政决策合法性审查效率有待提高,决策质量需进一步提升。
三是法治宣传教育形式较为单一,群众参与度不高。
四是公共数据共享开放的安全管理制度尚不健全。
三、2024年工作计划
(一)加强法治学习,制定年度学法计划。
"""


def test_upload_and_review_a_report_then_compare(org, page, login, live_server, shot, tmp_path):
    seed_path("000")
    legal = user(Role.LEGAL_OFFICER, org.centre, "legal")
    for seed in ("001", "002", "003", "004"):
        services.import_report(actor=legal, path=seed_path(seed))
    copied = next(p for p in seed_analysis("000").text.split("\n") if "一次分拨准确率" in p)
    previous = tmp_path / "guangming-2023.txt"
    previous.write_text(PREVIOUS.format(copied=copied), encoding="utf-8")
    services.import_report(actor=legal, path=previous)

    login(page, "legal", PASSWORD)
    page.click("text=年度报告审查")
    page.click("text=上传报告")
    page.set_input_files("input[name=file]", str(seed_path("000")))
    page.click("button:has-text('上传并分析')")
    page.wait_for_load_state("networkidle")

    assert "已导入" in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text().startswith("光明区政务服务和数据管理局")
    parts = page.locator("#parts")
    assert parts.locator("[data-part=measures][data-status=found]").count() == 1
    assert parts.locator("[data-part=leader_duties][data-status=found_inline]").count() == 1
    assert parts.locator("[data-part=other][data-status=missing]").count() == 1
    row = page.locator("tr[data-indicator=first_dispatch_accuracy]").inner_text()
    assert "一次分拨准确率" in row and "90.77" in row
    follow = page.locator("#follow-up")
    assert follow.locator("tr[data-follow-up]").count() == 4
    assert follow.locator("tr[data-follow-up=dropped]").count() >= 1
    assert page.locator("#boilerplate mark").count() >= 2
    shot(page, "reports-review")

    page.click("text=返回列表")
    assert page.locator("tr[data-report]").count() == 6
    shot(page, "reports-list")
    page.click("text=跨单位指标对比")
    page.wait_for_selector("#chart-compare canvas")
    assert page.locator("table.rp-compare th.col").count() == 6
    accuracy = page.locator("tr[data-indicator=first_dispatch_accuracy]").inner_text()
    assert "90.77%" in accuracy
    page.select_option(
        "#compare-indicator", label=page.locator("#compare-indicator option").first.inner_text()
    )
    shot(page, "reports-compare")
