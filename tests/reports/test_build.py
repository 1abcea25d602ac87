"""Building a unit's annual report draft from the records: every figure against a hand count, the
round trip through Word and the analyser, zero-data modules, the page with its scoping, the CLI.

The scenario (housing bureau, 2026, with one appeal in 2025 for 同比) was counted on paper:

appeals handled by the housing bureau
  2025  D  received 9 Jun 09:00, dispatched 11:00 (2 h), closed on time, satisfied
  2026  A  received 2 Mar 10:00, dispatched 12:00 (2 h), closed 10 Mar (due 23 Mar): on time, satisfied
        B  received 2 Mar 10:00, dispatched 11:00 (1 h), closed 30 Apr (due 23 Mar): late, dissatisfied
        C  received 11 May 09:00, dispatched 10:00 (1 h), still open
  → 2026: received 3 (+200%), closed 2 (+100%), on time 1/2 = 50% (−50 points), satisfaction 1/2 = 50%
    before and after objections (−50 points), first-dispatch accuracy 3/3 = 100% (flat), time to
    dispatch (2+1+1)/3 = 1.33 h (vs 2 h: −33.5%), no arbitration, objection or repeat.
disclosure, housing bureau, 2026 (nothing in 2025, so no 同比)
  request 1 received 2 Mar, disclosed 10 Mar; request 2 received 10 Dec, open at year end;
  10 licensing decisions published; one reconsideration (upheld)
  → new 2, carried over 0, handled 1, disclosed 1, partly 0, carried forward 1, normative 0,
    licensing 10, penalty 0, enforcement 0, reconsideration 1, litigation 0.
"""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import pytest
from django.test import Client
from django.urls import reverse

from fazhi.core.models import AuditEntry
from fazhi.disclosure.models import DisclosureReview, ProactiveRecord
from fazhi.reports import cli
from fazhi.reports.analysis import analyze_file
from fazhi.reports.build import PROMPT_MARK, build_report
from fazhi.reports.build_docx import render_docx
from fazhi.reports.parts import REQUIRED_PARTS
from tests.factories import appeals as fa
from tests.factories import core as f
from tests.factories import disclosure as fd
from tests.factories.disclosure import fast_passwords  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

EXPECTED = {
    "appeals.received": 3,
    "appeals.closed": 2,
    "appeals.on_time_rate": 50,
    "appeals.satisfaction_before": 50,
    "appeals.satisfaction_after": 50,
    "appeals.first_dispatch_accuracy": 100,
    "appeals.dispatch_hours_mean": 1.33,
    "appeals.arbitrated": 0,
    "appeals.objected": 0,
    "appeals.repeats": 0,
    "disclosure.new": 2,
    "disclosure.carried_over": 0,
    "disclosure.handled": 1,
    "disclosure.disclosed": 1,
    "disclosure.partly_disclosed": 0,
    "disclosure.carried_forward": 1,
    "disclosure.normative_issued": 0,
    "disclosure.licensing": 10,
    "disclosure.penalty": 0,
    "disclosure.enforcement": 0,
    "disclosure.reconsideration": 1,
    "disclosure.litigation": 0,
}
EXPECTED_CHANGES = {
    "appeals.received": ("up", 200, "%"),
    "appeals.closed": ("up", 100, "%"),
    "appeals.on_time_rate": ("down", 50, "个百分点"),
    "appeals.satisfaction_before": ("down", 50, "个百分点"),
    "appeals.first_dispatch_accuracy": ("flat", 0, "个百分点"),
    "appeals.dispatch_hours_mean": ("down", 33.5, "%"),
    "appeals.arbitrated": None,  # zero last year: no percentage change
}


@pytest.fixture
def scenario(org, people):
    p, housing = people, org.housing
    d = fa.appeal(p.agent, when=fa.at(2025, 6, 9, 9))
    fa.handle_to_closed(d, p, housing, dispatched=fa.at(2025, 6, 9, 11), closed=fa.at(2025, 6, 12, 10))
    a = fa.appeal(p.agent, when=fa.at(2026, 3, 2, 10))
    fa.handle_to_closed(a, p, housing, dispatched=fa.at(2026, 3, 2, 12), closed=fa.at(2026, 3, 10, 10))
    b = fa.appeal(p.agent, when=fa.at(2026, 3, 2, 10))
    fa.handle_to_closed(
        b, p, housing, dispatched=fa.at(2026, 3, 2, 11), closed=fa.at(2026, 4, 30, 10), rating="dissatisfied"
    )
    c = fa.appeal(p.agent, when=fa.at(2026, 5, 11, 9))
    fa.step(c, "dispatch", p.dispatcher, fa.at(2026, 5, 11, 10), unit=housing.pk)

    gk = fd.officer(housing)
    one = fd.request(gk, housing, when=fd.at(2026, 3, 2, 9), submitted_on=date(2026, 3, 2))
    fd.step(one, "answer", gk, fd.at(2026, 3, 10, 9), outcome="disclosed")
    fd.request(gk, housing, when=fd.at(2026, 12, 10, 9), submitted_on=date(2026, 12, 10))
    ProactiveRecord.objects.create(
        unit=housing, title="许可", published_on=date(2026, 6, 30), record_type="licensing", quantity=10,
        fee_amount=0, created_at=fd.at(2026, 7, 1, 9),
    )  # fmt: skip
    DisclosureReview.objects.create(unit=housing, kind="reconsideration", result="upheld", year=2026)
    return org


def by_key(draft) -> dict:
    return {fig.key: fig for fig in draft.figures()}


def test_every_figure_equals_the_hand_count(scenario):
    draft = build_report(scenario.housing, 2026)
    figures = by_key(draft)
    assert {k: fig.value for k, fig in figures.items()} == EXPECTED
    for key, want in EXPECTED_CHANGES.items():
        got = figures[key].change
        assert (got and (got["direction"], got["value"], got["unit"])) == want, key
    assert figures["appeals.received"].text == "全年受理群众诉求3件，同比增长200%"
    assert figures["appeals.on_time_rate"].text == "按时办结率50%，同比下降50个百分点"
    assert figures["appeals.first_dispatch_accuracy"].text == "一次分拨准确率100%，与上年持平"
    assert figures["disclosure.new"].change is None  # no disclosure records in 2025
    assert figures["appeals.received"].indicator == "appeals_received"
    assert "kpis.compute → received" in figures["appeals.received"].source
    assert scenario.housing.path in figures["appeals.received"].source
    assert "表二 一、本年新收" in figures["disclosure.new"].source
    assert all(fig.source for fig in draft.figures())


def test_parts_follow_the_analyser_and_prompts_are_marked(scenario):
    draft = build_report(scenario.housing, 2026)
    assert {p.key for p in draft.parts} == {*REQUIRED_PARTS, "rectification"}
    assert draft.title == "区住房和建设局2026年法治政府建设年度报告（草稿）"
    data = draft.to_dict()
    assert all(p["prompts"] and p["prompts"][0].startswith(PROMPT_MARK) for p in data["parts"])
    json.dumps(data, ensure_ascii=False)  # serialisable as it is


def test_round_trip_through_docx_and_the_analyser(scenario, tmp_path):
    draft = build_report(scenario.housing, 2026)
    path = tmp_path / "draft.docx"
    path.write_bytes(render_docx(draft))
    analysis = analyze_file(path)
    assert analysis.missing_parts == []
    assert all(analysis.parts[p].found for p in (*REQUIRED_PARTS, "rectification"))
    assert (analysis.metadata.unit, analysis.metadata.year) == ("区住房和建设局", 2026)
    read = [(i.normalized_name, i.value, i.unit, i.change) for i in analysis.indicators]
    coded = [fig for fig in draft.figures() if fig.indicator and fig.value is not None]
    assert len(coded) >= 9
    for fig in coded:
        match = [r for r in read if r[0] == fig.indicator and r[1] == fig.value and r[2] == fig.unit]
        assert match, f"{fig.key} ({fig.indicator} = {fig.value}{fig.unit}) not read back"
        if fig.change and fig.change["direction"] != "flat":
            changes = [(c.direction, c.value, c.unit) for _, _, _, c in match if c]
            assert (fig.change["direction"], fig.change["value"], fig.change["unit"]) in changes, fig.key
    # Every computed number, coded or not, is read back with its value.
    values = {(i.value, i.unit) for i in analysis.indicators}
    assert all((fig.value, fig.unit) in values for fig in draft.figures() if fig.value is not None)


def test_docx_has_title_headings_and_highlighted_prompts(scenario):
    draft = build_report(scenario.housing, 2026)
    document = docx.Document(io.BytesIO(render_docx(draft)))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == draft.title and paragraphs[0].style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}、{p.heading}" for n, p in zip("一二三四五六", draft.parts, strict=True)]
    prompts = [p for p in paragraphs if p.text.startswith(PROMPT_MARK)]
    assert len(prompts) == sum(len(p.prompts) for p in draft.parts)
    assert all(run.font.highlight_color is not None for p in prompts for run in p.runs)
    body = "\n".join(p.text for p in paragraphs)
    assert "全年受理群众诉求3件，同比增长200%" in body and "作出行政许可决定10件" in body


def test_modules_without_data_say_so_in_one_line(scenario):
    draft = build_report(scenario.transport, 2026)
    blocks = {b.key: b for b in draft.parts[0].blocks}
    assert blocks["appeals"].empty == "本年度平台上没有本单位及下级单位的诉求办理记录。"
    assert blocks["disclosure"].empty == "本年度平台上没有本单位及下级单位的政府信息公开记录。"
    assert draft.figures() == []


def test_zero_figures_are_stated_and_rates_without_base_say_why(org, people):
    # One appeal received, never dispatched: received 1, closed 0, no rate has a base.
    fa.appeal(people.agent, when=fa.at(2026, 3, 2, 10))
    draft = build_report(org.centre, 2026)
    figures = by_key(draft)
    assert figures["appeals.received"].value == 1
    assert figures["appeals.closed"].text == "办结诉求0件"
    assert figures["appeals.on_time_rate"].value is None
    assert figures["appeals.on_time_rate"].text == "本年度无办结诉求，不计算按时办结率"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=f.PASSWORD)
    return client


def test_page_shows_figures_with_sources_and_downloads_audited(scenario):
    client = client_for("centre_admin")
    url = reverse("report_build")
    query = {"unit": scenario.housing.pk, "year": 2026}
    page = client.get(url, query).content.decode()
    assert "区住房和建设局2026年法治政府建设年度报告（草稿）" in page
    assert 'data-figure="appeals.received"' in page and "fazhi.appeals.kpis.compute" in page
    assert "（请填写）" in page
    response = client.get(reverse("report_build_export", args=["docx"]), query)
    assert response.status_code == 200
    assert docx.Document(io.BytesIO(response.content)).paragraphs[0].text.endswith("（草稿）")
    data = client.get(reverse("report_build_export", args=["json"]), query).json()
    assert data["unit"]["code"] == scenario.housing.code and data["parts"][0]["blocks"][0]["figures"]
    entries = AuditEntry.objects.filter(action="report.draft_exported")
    assert entries.count() == 2 and entries.first().target == f"report_build:{scenario.housing.code}+"


def test_unit_staff_cannot_build_another_units_report(scenario):
    leader = client_for("housing_leader")
    url = reverse("report_build")
    assert leader.get(url, {"unit": scenario.housing.pk, "year": 2026}).status_code == 200
    assert leader.get(url, {"unit": scenario.transport.pk, "year": 2026}).status_code == 403
    export = reverse("report_build_export", args=["docx"])
    assert leader.get(export, {"unit": scenario.transport.pk, "year": 2026}).status_code == 403
    assert AuditEntry.objects.filter(action="permission.denied", target__startswith="report_build:").exists()
    assert client_for("housing_handler").get(url).status_code == 403
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_cli_builds_json_and_docx(scenario, tmp_path, capsys):
    out = tmp_path / "d.docx"
    code = cli.main(
        ["build", "--unit", scenario.housing.code, "--year", "2026", "--docx", str(out), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "区住房和建设局2026年法治政府建设年度报告（草稿）"
    assert docx.Document(str(out)).paragraphs[0].text == data["title"]
    assert AuditEntry.objects.filter(action="report.draft_exported", details__via="cli").exists()
    assert cli.main(["build", "--unit", scenario.housing.code, "--year", "2026", "--own-only"]) == 0
    text = capsys.readouterr().out
    assert (
        "统计范围：本单位" in text
        and "按时办结率：50%" in text
        and "来源：fazhi.appeals.kpis.compute" in text
    )


def test_cli_unknown_unit_exits_2_in_chinese(db, capsys):
    assert cli.main(["build", "--unit", "NOPE", "--year", "2026"]) == 2
    assert "未找到编码为“NOPE”的单位" in capsys.readouterr().err


def test_role_check_for_list_link(scenario):
    page = client_for("housing_leader").get(reverse("report_list")).content.decode()
    assert reverse("report_build") in page
    # auditors read reports; they do not build them
    assert reverse("report_build") not in client_for("auditor").get(reverse("report_list")).content.decode()
