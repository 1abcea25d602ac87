"""The KPI export as a leader downloads it: opened with openpyxl, every sheet the dashboard shows
compared with the KPI functions for the same filter, and the key figures with hand counts."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from fazhi.appeals import kpis
from fazhi.appeals.dashboard import KPI_CARDS
from fazhi.core.models import AuditEntry
from tests.factories import appeals as fa
from tests.factories.appeals import at, step

URL = "/appeals/kpis/export.xlsx"


@pytest.fixture(autouse=True)
def fresh():
    kpis._FACTS_CACHE.clear()
    yield
    kpis._FACTS_CACHE.clear()


def shown(value, kind):
    """A figure as the export writes it: rates in percent, missing as a dash."""
    if value is None:
        return "—"
    return round(value * 100, 2) if kind == "rate" else value


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def scenario(org, people):
    """Housing (the leader's unit) gets three appeals in Feb–Mar 2026; transport one; April one."""
    closed_feb = fa.appeal(people.agent, when=at(2026, 2, 27, 9))  # received Feb, closed March
    fa.handle_to_closed(
        closed_feb,
        people,
        org.housing,
        dispatched=at(2026, 2, 27, 10),
        closed=at(2026, 3, 3, 10),
        rating="dissatisfied",
        resolved="no",
    )
    closed_mar = fa.appeal(people.agent, when=at(2026, 3, 2, 9), channel="web")
    fa.handle_to_closed(
        closed_mar,
        people,
        org.housing,
        dispatched=at(2026, 3, 2, 10),
        closed=at(2026, 3, 5, 10),
        rating="satisfied",
        resolved="yes",
    )
    last_day = fa.appeal(people.agent, when=at(2026, 3, 31, 20))  # received on the "至" day, returned
    step(last_day, "dispatch", people.dispatcher, at(2026, 3, 31, 21), unit=org.housing.pk)
    step(last_day, "return", people.housing, at(2026, 3, 31, 22), comment="非本局职责")
    step(last_day, "reassign", people.dispatcher, at(2026, 3, 31, 23), unit=org.housing.pk)
    elsewhere = fa.appeal(people.agent, when=at(2026, 3, 10, 9))
    fa.handle_to_closed(
        elsewhere,
        people,
        org.transport,
        dispatched=at(2026, 3, 10, 10),
        closed=at(2026, 3, 11, 10),
        handler=people.transport,
    )
    april = fa.appeal(people.agent, when=at(2026, 4, 1, 0))
    step(april, "dispatch", people.dispatcher, at(2026, 4, 1, 9), unit=org.housing.pk)
    return org


def download(user, **params) -> tuple:
    c = Client()
    c.force_login(user)
    response = c.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "appeal-kpis.xlsx" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content)), response


def test_leader_export_matches_the_kpis_for_the_same_filter(scenario, people):
    org = scenario
    wb, _ = download(people.leader, **{"from": "2026-02-01", "to": "2026-03-31"})
    assert wb.sheetnames == ["总体指标", "按承办单位", "按事项", "按渠道", "月度趋势", "筛选条件"]

    # the same filter, built by hand: the leader sees housing's subtree, "至" 31 March inclusive
    f = kpis.KpiFilter(start=at(2026, 2, 1), end=at(2026, 4, 1), scope=(org.housing.path,))
    report = kpis.report(f, limit=500)
    figures = report["figures"]

    overall = rows(wb["总体指标"])
    assert overall[0] == ["指标", "数值", "单位"]
    assert [r[0] for r in overall[1:]] == [label for _, label, _ in KPI_CARDS]
    for (key, label, kind), row in zip(KPI_CARDS, overall[1:], strict=True):
        assert row[1] == shown(figures[key], kind), label
        assert row[2] == {"rate": "%", "hours": "小时"}.get(kind, "件")
    # hand counts: received Feb 27, Mar 2, Mar 31 (not transport's, not April's); closed in
    # the period: the two approved closures, both on time; satisfied 1 of 2; one returned of 3
    by_label = {r[0]: r[1] for r in overall[1:]}
    assert by_label["受理量"] == 3 and by_label["办结量"] == 2 and by_label["按期办结率"] == 100.0
    assert by_label["满意率（申诉前）"] == 50.0 and by_label["退单率"] == 33.33
    # the 31 March appeal is still open today, long past its deadline
    assert by_label["一次分拨准确率"] == 66.67 and by_label["超期件"] == 1

    columns = ["受理量", "签收量", "办结量", "按期办结率(%)", "一次分拨准确率(%)", "满意率(%)", "解决率(%)", "超期件"]

    def table(rows_):
        return [
            [
                u["name"],
                u["received"],
                u["accepted"],
                u["closed"],
                shown(u["on_time_rate"], "rate"),
                shown(u["first_dispatch_accuracy"], "rate"),
                shown(u["satisfaction_after"], "rate"),
                shown(u["resolution_after"], "rate"),
                u["overdue"],
            ]
            for u in rows_
        ]

    units = rows(wb["按承办单位"])
    assert units[0] == ["承办单位", *columns]
    assert units[1:] == table(report["units"])
    assert units[1:] == [["区住房和建设局", 3, 2, 2, 100.0, 66.67, 50.0, 50.0, 1]]
    matters = rows(wb["按事项"])
    assert matters[0] == ["事项（一级）", *columns] and matters[1:] == table(report["matters"])
    assert sum(m[1] for m in matters[1:]) == 3  # every appeal received is under some matter or category
    channels = rows(wb["按渠道"])
    assert channels[0] == ["渠道", *columns] and channels[1:] == table(report["channels"])
    assert sum(c[1] for c in channels[1:]) == 3

    trend = rows(wb["月度趋势"])
    assert trend[0] == ["月份", "受理量", "办结量"]
    assert trend[1:] == [[m["month"], m["received"], m["closed"]] for m in kpis.monthly(f)]
    assert trend[1:] == [["2026-02", 1, 0], ["2026-03", 2, 2]]

    conditions = dict(rows(wb["筛选条件"])[1:])
    assert conditions["受理日期自"] == "2026-02-01" and conditions["受理日期至（含当日）"] == "2026-03-31"
    assert conditions["统计范围"] == "本单位及下级单位" and conditions["渠道"] == "全部"
    assert AuditEntry.objects.filter(action="appeal.kpis_exported", actor=people.leader).count() == 1


def test_export_follows_unit_and_channel_filters(scenario, people):
    org = scenario
    wb, _ = download(
        people.admin,
        **{"from": "2026-03-01", "to": "2026-03-31", "channel": "web", "unit": str(org.housing.pk)},
    )
    f = kpis.KpiFilter(start=at(2026, 3, 1), end=at(2026, 4, 1), channel="web", unit=org.housing.pk)
    figures = kpis.compute(f)
    by_label = {r[0]: r[1] for r in rows(wb["总体指标"])[1:]}
    assert by_label == {label: shown(figures[key], kind) for key, label, kind in KPI_CARDS}
    assert by_label["受理量"] == 1 and by_label["办结量"] == 1 and by_label["满意率（申诉前）"] == 100.0
    assert rows(wb["月度趋势"])[1:] == [["2026-03", 1, 1]]
    conditions = dict(rows(wb["筛选条件"])[1:])
    assert conditions["渠道"] == "网站"
    assert conditions["承办单位"] == "区住房和建设局" and conditions["统计范围"] == "全区"


def test_export_needs_a_kpi_role(scenario, people):
    c = Client()
    c.force_login(people.housing)
    assert c.get(URL).status_code == 403
