"""The dispatcher sees the model's top-3 suggestions with probabilities and why, and applies one."""

from __future__ import annotations

from fazhi.appeals import services
from fazhi.cases.models import Case
from tests.factories import dispatching
from tests.factories.core import PASSWORD


def test_dispatcher_applies_a_suggestion(org, people, page, live_server, login, shot, monkeypatch, tmp_path):
    dispatching.catalogue(org)
    dispatching.install_model(monkeypatch, tmp_path)
    case, _ = services.intake(actor=people.agent, raw={"content": "公交线路调整后公交站台太远，出行不便",
                                                       "phone": "13800138000"})
    login(page, "dispatcher", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.number}/")
    rows = page.locator("[data-testid=suggestions] tbody tr")
    assert rows.count() == 3
    assert "区交通运输局" in rows.first.inner_text() and "%" in rows.first.inner_text()
    assert page.locator("[data-testid=why]").count() == 1
    shot(page, "dispatch-suggestions")
    rows.first.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "派单 成功" in page.content()
    case = Case.objects.get(pk=case.pk)
    assert case.state == "dispatched" and case.handling_unit == org.transport
    assert not case.appeal.auto_dispatched
