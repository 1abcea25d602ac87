"""The KPI fact table (AppealFact): the same figures as the events, kept in the writer's transaction.

The event-derived KPIs (kpis.compute(..., events=True) and friends) are the reference: the
DOMAIN.md definitions as SQL over CaseEvent. The fact table must give exactly their figures for
any filter and period, including periods that cut through an appeal's closures, callbacks and
objections.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import transaction

from fazhi.appeals import facts, facts_read, kpis, services
from fazhi.appeals.kpis import KpiFilter
from fazhi.appeals.models import AppealFact, AppealFactMonth
from fazhi.cases import clocks
from fazhi.cases.models import Case
from tests.factories import appeals as fa
from tests.factories.appeals import at, step

REPLY = "已现场处理完毕，情况属实。"
NOW = at(2026, 6, 1, 9)


def _walk(rng, case, p, units, t):
    """Drive one appeal through a random path of the workflow, every transition at a later time."""

    def go(name, actor, hours=(1, 30), **params):
        nonlocal t
        t = t + timedelta(hours=rng.uniform(*hours))
        step(case, name, actor, t, **params)
        return t

    unit, handler = rng.choice(units)
    if rng.random() < 0.15:  # left registered (some become overdue)
        return
    go(
        "dispatch",
        p.dispatcher,
        (0.1, 20),
        unit=unit.pk,
        **({"auto": True, "probability": 0.99} if rng.random() < 0.4 else {}),
    )
    if rng.random() < 0.25:
        go("return", handler, comment="非本单位职责")
        if rng.random() < 0.1:
            return
        unit, handler = rng.choice([u for u in units if u[0] != unit])
        if rng.random() < 0.4:
            go("arbitrate", p.admin, comment="快裁", unit=unit.pk)
        else:
            go("reassign", p.dispatcher, unit=unit.pk)
    if rng.random() < 0.1:
        return
    go("accept", handler)
    if rng.random() < 0.2:
        go("request_extension", handler, comment="需协调", extension=rng.randint(1, 5))
        if rng.random() < 0.6:
            go("approve_extension", p.reviewer)
        else:
            go("refuse_extension", p.reviewer, comment="不同意")
    for round_ in range(3):
        go("close", handler, (2, 400), reply=REPLY)
        if rng.random() < 0.2:
            go("reject_closure", p.reviewer, comment="形式办结")
            go("close", handler, (2, 100), reply=REPLY)
        if rng.random() < 0.1:
            return  # awaiting review
        # sometimes approved in the same instant as the closure (ties are part of the definitions)
        go("approve_closure", p.reviewer, (0, 0) if rng.random() < 0.2 else (1, 30))
        if rng.random() < 0.15:
            return  # awaiting callback
        rating = rng.choice(["satisfied", "satisfied", "basically_satisfied", "dissatisfied"])
        go(
            "callback",
            p.agent,
            (0, 0) if rng.random() < 0.2 else (1, 40),
            rating=rating,
            resolved=rng.choice(["yes", "no"]),
        )
        if round_ == 2 or rng.random() > (0.7 if rating == "dissatisfied" else 0.15):
            return
        go("object", p.agent, (1, 100), comment="问题依旧")


@pytest.fixture
def scenario(org, people):
    """About 65 appeals received February to April 2026 with every kind of event, by the services."""
    rng = random.Random(7)
    p = people
    units = [(org.housing, p.housing), (org.transport, p.transport), (org.street_a, p.street_a)]
    roads = fa.matter(name="道路")
    water = fa.matter(name="供水")
    leaf = fa.matter(name="井盖缺失", level=3, parent=fa.matter(name="井盖", level=2, parent=roads))
    matters = [None, roads.code, leaf.code, water.code]  # intake with no matter, or at level 1 or 3
    cases = []
    for i in range(60):
        received = at(2026, 2, 1) + timedelta(hours=rng.uniform(0, 24 * 85))
        if i % 9 == 4:  # a consultation answered on the spot
            case = fa.appeal(p.agent, when=received, appeal_type="consultation", channel="web")
            step(case, "answer", p.agent, received + timedelta(hours=rng.uniform(0, 60)), reply=REPLY)
        elif i % 11 == 5:  # a repeat from the same requester, merged into the first one, which goes on
            case = fa.appeal(p.agent, when=received)
            repeat = fa.appeal(p.agent, when=received + timedelta(hours=1), phone=case.requester.phone)
            services.merge(case=repeat, into=case, actor=p.dispatcher, now=received + timedelta(hours=2))
            cases.append(repeat)
            _walk(rng, case, p, units, received + timedelta(hours=2))
        else:
            case = fa.appeal(
                p.agent,
                when=received,
                matter=matters[i % 4],
                appeal_type=rng.choice(["complaint", "help", "report"]),
                channel=rng.choice(["hotline", "web", "app"]),
                urgency="urgent" if i % 13 == 0 else "normal",
            )
            if i % 10 == 3:  # a clock paused by hand (no event): only the case row changes
                case.refresh_from_db()
                clocks.pause(case, now=received + timedelta(hours=2))
                clocks.resume(case, now=received + timedelta(days=rng.randint(1, 9)))
                case.save()
            _walk(rng, case, p, units, received)
        cases.append(case)
    fa.analyze()
    return cases


def _periods():
    yield KpiFilter(now=NOW)
    for month in (2, 3, 4, 5):
        yield KpiFilter(start=at(2026, month, 1), end=at(2026, month + 1, 1), now=NOW)
    yield KpiFilter(start=at(2026, 3, 1), now=NOW)
    yield KpiFilter(end=at(2026, 4, 1), now=NOW)
    # short windows with ragged edges, to cut through closures, callbacks and objections
    for day in range(0, 110, 4):
        start = at(2026, 2, 3, 10, 30) + timedelta(days=day)
        yield KpiFilter(start=start, end=start + timedelta(days=2 + day % 9), now=NOW)


def _same(f: KpiFilter):
    assert kpis.compute(f) == kpis.compute(f, events=True), f
    assert kpis.by_unit(f, limit=50) == kpis.by_unit(f, limit=50, events=True), f
    assert kpis.by_matter(f, limit=50) == kpis.by_matter(f, limit=50, events=True), f
    assert kpis.by_channel(f) == kpis.by_channel(f, events=True), f
    assert kpis.monthly(f) == kpis.monthly(f, events=True), f
    from_facts, from_events = kpis.sets(f), kpis.sets(f, events=True)
    for name, qs in from_events.items():
        assert set(from_facts[name].values_list("pk", flat=True)) == set(qs.values_list("pk", flat=True)), (
            f,
            name,
        )


def test_the_fact_table_gives_the_event_figures(scenario, org):
    kinds = set(Case.objects.filter(kind="appeal").values_list("events__kind", flat=True))
    for kind in (
        "dispatch",
        "return",
        "reassign",
        "arbitrate",
        "accept",
        "request_extension",
        "approve_extension",
        "refuse_extension",
        "close",
        "reject_closure",
        "approve_closure",
        "callback",
        "object",
        "answer",
        "merged",
        "merged_reply",
        "repeat_linked",
    ):
        assert f"appeal.{kind}" in kinds, kind
    cut = 0
    for f in _periods():
        _same(f)
        s = facts_read.straddling(f)
        cut += s.count() if s is not None else 0
    assert cut > 0  # some periods did cut through a repeated closure history
    everything = kpis.compute(KpiFilter(now=NOW))
    assert everything["received"] == len(scenario) and everything["objected"] > 0 and everything["merged"] > 0
    for f in (
        KpiFilter(unit=org.housing.pk, now=NOW),
        KpiFilter(channel="web", start=at(2026, 3, 1), end=at(2026, 4, 1), now=NOW),
        KpiFilter(scope=(org.street_a.path,), start=at(2026, 3, 10, 12), end=at(2026, 4, 10, 12), now=NOW),
        KpiFilter(scope=(org.centre.path,), now=NOW),
    ):
        _same(f)


def test_figures_by_matter_and_channel_add_up(scenario):
    """A first-level matter counts its whole branch, the same as filtering by it; appeals without a
    matter are not lost (listed by their category); the channels partition the appeals."""
    march = KpiFilter(start=at(2026, 3, 1), end=at(2026, 4, 1), now=NOW)
    total = kpis.compute(march)
    rows = kpis.by_matter(march, limit=50)
    assert [r["name"] for r in rows if r["matter"]] and {r["name"] for r in rows if r["matter"]} <= {"道路", "供水"}
    for key in ("received", "closed", "on_time", "rated", "objected", "accepted"):
        assert sum(r[key] for r in rows) == total[key], key
    roads = next(r for r in rows if r["name"] == "道路")
    alone = kpis.compute(KpiFilter(start=march.start, end=march.end, now=NOW, matter=roads["matter"]))
    assert (alone["received"], alone["closed"], alone["on_time_rate"]) == (
        roads["received"], roads["closed"], roads["on_time_rate"])
    leaf_appeals = Case.objects.filter(appeal__matter__level=3, received_at__gte=march.start, received_at__lt=march.end)
    assert leaf_appeals.exists() and alone["received"] > leaf_appeals.count()  # level 1 and 3 together
    channels = kpis.by_channel(march)
    assert {r["channel"] for r in channels} <= {"hotline", "web", "app"}
    assert sum(r["received"] for r in channels) == total["received"]
    assert next(r for r in channels if r["channel"] == "hotline")["name"] == "12345热线"


def test_generated_demo_history_gives_the_event_figures(db):
    """The demo generator writes with fast_insert (no signals) and derives the facts per batch."""
    from fazhi.appeals import demo as appeals_demo
    from fazhi.core import demo

    units = demo.build_org()
    appeals_demo.build_catalogue(units)
    appeals_demo.generate(n=400, units=units, now=NOW, seed=3)
    fa.analyze()
    assert AppealFact.objects.count() == 400
    category = AppealFact.objects.values_list("category", flat=True).first()
    for f in (
        KpiFilter(now=NOW),
        KpiFilter(start=NOW - timedelta(days=30), end=NOW, now=NOW),
        KpiFilter(start=NOW - timedelta(days=200, hours=5), end=NOW - timedelta(days=100), now=NOW),
        KpiFilter(category=category, start=NOW - timedelta(days=365), now=NOW),
    ):
        _same(f)


def _table() -> list[dict]:
    return list(AppealFact.objects.order_by("pk").values())


def test_rebuild_gives_the_incrementally_kept_table(scenario):
    kept = _table()
    assert len(kept) == len(scenario) and not any(row["rolled_up"] for row in kept)
    AppealFact.objects.all().delete()
    assert facts.rebuild(batch=7) == len(scenario)
    rebuilt = _table()
    assert any(row["rolled_up"] for row in rebuilt)  # settled ones were rolled up at the end
    assert [{**row, "rolled_up": False} for row in rebuilt] == kept
    AppealFact.objects.filter(pk=kept[0]["case_id"]).update(dispatched=not kept[0]["dispatched"], hours=99)
    facts.refresh([row["case_id"] for row in kept])
    assert _table() == kept


def test_monthly_sums_of_settled_facts_change_no_figure(scenario, org, people):
    """Rolled up, the settled facts are read from AppealFactMonth for whole months; a rolled-up
    appeal that changes after all is taken back out, and every figure stays the events' figure."""
    assert facts.roll_up(now=NOW) > 0
    assert AppealFactMonth.objects.exists()
    periods = [
        KpiFilter(now=NOW),
        KpiFilter(start=at(2026, 3, 1), end=at(2026, 5, 1), now=NOW),
        KpiFilter(start=at(2026, 2, 20, 10), end=at(2026, 4, 12, 15), now=NOW),
        KpiFilter(start=at(2026, 3, 1), now=NOW),
        KpiFilter(end=at(2026, 4, 1), now=NOW),
        KpiFilter(unit=org.transport.pk, start=at(2026, 2, 14), now=NOW),
        KpiFilter(scope=(org.street_a.path,), now=NOW),
    ]
    for f in periods:
        _same(f)
    # a settled appeal changes: an old dispatch event is edited, and another one is called back again
    rolled = AppealFact.objects.filter(rolled_up=True, dispatched=True).first()
    event = rolled.case.events.get(kind="appeal.dispatch")
    event.details.pop("dispatch_hours")
    event.save(update_fields=["details"])
    assert not AppealFact.objects.get(pk=rolled.pk).rolled_up
    again = AppealFact.objects.filter(rolled_up=True).exclude(pk=rolled.pk).first()
    case = Case.objects.get(pk=again.pk)
    case.due_at = None  # a case saved without an event (as a clock paused by hand would be)
    case.save()
    assert not AppealFact.objects.get(pk=again.pk).rolled_up
    for f in periods:
        _same(f)
    facts.roll_up(now=NOW)
    for f in periods:
        _same(f)


def test_a_transition_updates_the_fact_in_its_own_transaction(org, people):
    p = people
    case = fa.appeal(p.agent, when=at(2026, 3, 2, 10))
    step(case, "dispatch", p.dispatcher, at(2026, 3, 2, 12), unit=org.housing.pk)
    step(case, "accept", p.housing, at(2026, 3, 2, 13))
    before = AppealFact.objects.filter(pk=case.pk).values().get()
    assert before["dispatched"] and before["hours"] == 2 and before["unit_id"] == org.housing.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        step(case, "close", p.housing, at(2026, 3, 10, 10), reply=REPLY)
        step(case, "approve_closure", p.reviewer, at(2026, 3, 10, 11))
        inside = AppealFact.objects.get(pk=case.pk)
        assert (
            inside.approved_at == at(2026, 3, 10, 11) and inside.on_time and inside.case_closed_at is not None
        )
        raise RuntimeError("the caller fails after the transitions")
    assert AppealFact.objects.filter(pk=case.pk).values().get() == before
    assert kpis.compute(KpiFilter(now=NOW))["closed"] == 0


def test_changes_without_an_event_reach_the_fact(org, people):
    """A clock paused by hand and a merge (queryset updates, then an event) both show at once."""
    p = people
    case = fa.appeal(p.agent, when=at(2026, 3, 2, 10))
    step(case, "dispatch", p.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    case.refresh_from_db()
    clocks.pause(case, now=at(2026, 3, 5, 9))
    case.save()
    assert AppealFact.objects.get(pk=case.pk).due_at is None
    assert kpis.compute(KpiFilter(now=at(2026, 6, 1)))["open_overdue"] == 0
    other = fa.appeal(p.agent, when=at(2026, 3, 3, 10))
    services.merge(case=other, into=case, actor=p.dispatcher, now=at(2026, 3, 3, 11))
    assert AppealFact.objects.get(pk=other.pk).merged
    assert kpis.compute(KpiFilter(now=NOW))["merged"] == 1


def test_the_rebuild_command_checks_the_table(scenario, capsys):
    from django.core.management import call_command

    call_command("appeals_rebuild_facts", "--check", "--no-progress")
    out = capsys.readouterr().out
    assert f"已重建 {len(scenario)} 件诉求的指标事实" in out and "核对一致" in out


def test_intake_derives_its_fact_once_and_right(org, people):
    """Intake defers the per-event derivations to one at the end of its transaction (facts.deferred):
    the row must still equal a derivation from scratch, repeat link included."""
    first = fa.appeal(people.agent, when=at(2026, 3, 2, 9), phone="13900001111")
    again = fa.appeal(people.agent, when=at(2026, 3, 3, 9), phone="13900001111")
    assert again.appeal.repeat_of == first
    kept = _table()
    facts.rebuild()
    assert [{k: v for k, v in row.items() if k != "rolled_up"} for row in kept] == [
        {k: v for k, v in row.items() if k != "rolled_up"} for row in _table()
    ]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fa.appeal(people.agent, when=at(2026, 3, 4, 9), phone="13900001111")
    derivations = [q for q in ctx.captured_queries if 'INSERT INTO "appeals_appealfact"' in q["sql"]]
    assert len(derivations) == 1
