"""The annual report of a unit with its sub-units (含下级单位): a district's report over its bureaus,
streets and communities, each request counted exactly once, values counted by hand; the unit's
own report beside it; the option on the page and in the API."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.test import Client

from fazhi.core.services import issue_token
from fazhi.disclosure import services
from fazhi.disclosure.annual import IN_ROWS, OUT_ROWS, REQUESTER_COLUMNS, TABLE2_ROWS
from fazhi.disclosure.models import DisclosureReview, ProactiveRecord
from tests.factories.core import PASSWORD
from tests.factories.disclosure import at, fast_passwords, officer, raw, request, step  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")
ORG = {"organisation": "某某单位", "id_number": "91440300MA5F000000", "name": "联系人"}

# 2026, 示范区 with its sub-units, counted by hand from `district_year`:
# new D1 (NP), H1 (NP), T1 (LS), T2 (NP), C1 (RI); carried over H2 (CE); X1 (the city) is outside.
# Columns: natural person, commercial, research, public-interest, legal services, other, total.
WITH_SUB_UNITS = {
    "new": [3, 0, 1, 0, 1, 0, 5],
    "carried_over": [0, 1, 0, 0, 0, 0, 1],
    "disclosed": [1, 1, 0, 0, 0, 0, 2],  # D1, H2
    "partly_disclosed": [1, 0, 0, 0, 0, 0, 1],  # H1
    "unavailable_not_held": [0, 0, 0, 0, 1, 0, 1],  # T1
    "not_processed_repeat": [0, 0, 1, 0, 0, 0, 1],  # C1
    "outcome_total": [2, 1, 1, 0, 1, 0, 5],
    "carried_forward": [1, 0, 0, 0, 0, 0, 1],  # T2
}
# The district's own report: D1 only.
OWN = {
    "new": [1, 0, 0, 0, 0, 0, 1],
    "disclosed": [1, 0, 0, 0, 0, 0, 1],
    "outcome_total": [1, 0, 0, 0, 0, 0, 1],
}


@pytest.fixture
def district_year(org, people):
    gk = officer(org.district, "district_gk")  # covers every unit below the district

    def new(unit, when, kind="natural_person"):
        extra = ORG if kind != "natural_person" else {}
        return request(gk, unit, when=when, requester_type=kind, submitted_on=when.date(), **extra)

    r = {}
    r["D1"] = new(org.district, at(2026, 3, 2, 9))
    step(r["D1"], "answer", gk, at(2026, 3, 10, 9), outcome="disclosed")
    r["H1"] = new(org.housing, at(2026, 4, 1, 9))
    step(
        r["H1"],
        "answer",
        gk,
        at(2026, 4, 20, 9),
        outcome="partly_disclosed",
        withheld_part="报价",
        withheld_reason="商业秘密",
    )
    r["H2"] = new(org.housing, at(2025, 12, 22, 9), "commercial_enterprise")
    step(r["H2"], "answer", gk, at(2026, 1, 15, 9), outcome="disclosed")
    r["T1"] = new(org.transport, at(2026, 5, 6, 9), "legal_services_org")
    step(r["T1"], "answer", gk, at(2026, 5, 20, 9), outcome="unavailable_not_held")
    r["T2"] = new(org.transport, at(2026, 12, 28, 9))  # open at year end
    r["C1"] = new(org.community_a, at(2026, 6, 1, 9), "research_institution")  # two levels down
    step(
        r["C1"],
        "answer",
        gk,
        at(2026, 6, 10, 9),
        outcome="not_processed_repeat",
        previous_reply_date="2026-05-20",
    )
    r["X1"], _ = services.register(  # the city, above the district: never in its report
        actor=None,
        unit=org.city,
        raw=raw(submitted_on=date(2026, 3, 3)),
        now=at(2026, 3, 3, 9),
    )
    for unit, quantity in ((org.district, 5), (org.housing, 10), (org.street_a, 2), (org.city, 100)):
        ProactiveRecord.objects.create(
            unit=unit,
            title="许可决定",
            published_on=date(2026, 6, 30),
            record_type="licensing",
            quantity=quantity,
            created_at=at(2026, 7, 1, 9),
        )
    DisclosureReview.objects.create(unit=org.transport, kind="reconsideration", result="upheld", year=2026)
    DisclosureReview.objects.create(unit=org.city, kind="reconsideration", result="corrected", year=2026)
    return {"gk": gk, "unit": org.district, **r}


def rows(view) -> dict:
    return {row: view.tables.requests.row(row) for row in TABLE2_ROWS}


def test_district_with_sub_units_matches_the_hand_count_and_counts_each_request_once(district_year):
    view = services.annual_report(unit=district_year["unit"], year=2026, include_sub_units=True)
    got = rows(view)
    for row in TABLE2_ROWS:
        assert got[row] == WITH_SUB_UNITS.get(row, [0] * 7), row
    assert view.problems == []
    members = view.tables.requests.members
    for rows_of_a_kind in (IN_ROWS, OUT_ROWS):
        seen = Counter(
            i
            for (r, c), ids in members.items()
            if r in rows_of_a_kind and c in REQUESTER_COLUMNS
            for i in ids
        )
        assert set(seen.values()) == {1}
        expected = {district_year[k].pk for k in ("D1", "H1", "H2", "T1", "T2", "C1")}
        assert set(seen) == expected
    assert view.tables.proactive.licensing_decisions == 17  # district 5 + housing 10 + street 2
    assert view.tables.reviews.row("reconsideration") == [1, 0, 0, 0, 1]


def test_the_units_own_report_is_unchanged(district_year):
    view = services.annual_report(unit=district_year["unit"], year=2026)
    got = rows(view)
    for row in TABLE2_ROWS:
        assert got[row] == OWN.get(row, [0] * 7), row
    assert view.tables.proactive.licensing_decisions == 5
    assert view.tables.reviews.row("reconsideration") == [0, 0, 0, 0, 0]


def test_each_scope_is_finalised_and_carried_forward_on_its_own(district_year):
    unit, gk = district_year["unit"], district_year["gk"]
    wide = services.finalise_annual(
        unit=unit, year=2026, actor=gk, now=at(2027, 1, 20, 9), include_sub_units=True
    )
    assert wide.include_sub_units and wide.carried_forward_ids == [district_year["T2"].pk]
    own = services.annual_report(unit=unit, year=2026)
    assert own.report.pk is None and own.report.finalised_at is None  # a separate report, still open
    services.save_annual_text(unit=unit, year=2026, actor=gk, data={"overview": "本级"})
    next_year = services.annual_report(unit=unit, year=2027, include_sub_units=True)
    assert next_year.previous_finalised and next_year.tables.requests.row("carried_over")[-1] == 1
    assert services.annual_report(unit=unit, year=2027).tables.requests.row("carried_over")[-1] == 0


def test_page_offers_the_option_and_keeps_it_in_links_and_exports(district_year, client):
    unit = district_year["unit"]
    client.login(username="district_gk", password=PASSWORD)
    own = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026").content.decode()
    assert (
        'data-testid="include-sub-units"' in own
        and "含下级单位" in own
        and "checked" not in own.split('data-testid="include-sub-units"')[1].split(">")[0]
    )
    page = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026&sub=1").content.decode()
    assert 'data-testid="scope-note"' in page and 'data-testid="checks-ok"' in page
    assert f"?unit={unit.pk}&amp;year=2026&amp;sub=1&amp;cell=new.total#drill" in page
    drill = client.get(f"/disclosure/annual/?unit={unit.pk}&year=2026&sub=1&cell=new.total").content.decode()
    for key in ("D1", "H1", "T1", "T2", "C1"):
        assert district_year[key].number in drill
    assert district_year["X1"].number not in drill and "区交通运输局" in drill
    response = client.get(f"/disclosure/annual/export.xlsx?unit={unit.pk}&year=2026&sub=1")
    assert (
        "%EF%BC%88%E5%90%AB%E4%B8%8B%E7%BA%A7%E5%8D%95%E4%BD%8D%EF%BC%89" in response["Content-Disposition"]
    )


def test_api_takes_the_option(district_year):
    gk, unit = district_year["gk"], district_year["unit"]
    client = Client(headers={"authorization": f"Bearer {issue_token(user=gk, name='省平台')}"})
    wide = client.get(f"/api/v1/disclosure/annual?unit={unit.pk}&year=2026&include_sub_units=true").json()
    own = client.get(f"/api/v1/disclosure/annual?unit={unit.pk}&year=2026").json()
    assert wide["include_sub_units"] is True and own["include_sub_units"] is False
    assert {r["key"]: r["values"] for r in wide["table2"] if r["key"] in WITH_SUB_UNITS} == WITH_SUB_UNITS
    assert {r["key"]: r["values"] for r in own["table2"] if r["key"] in OWN} == OWN
    assert wide["problems"] == []
