"""Every KPI of kpis.compute() against a small scenario counted by hand (DOMAIN.md §1 definitions)."""

from __future__ import annotations

import pytest

from fazhi.appeals import kpis, services
from fazhi.appeals.kpis import KpiFilter, working_hours_between
from fazhi.cases import clocks
from fazhi.cases.models import Case
from tests.factories import appeals as fa
from tests.factories.appeals import at, step

MARCH = KpiFilter(start=at(2026, 3, 1), end=at(2026, 4, 1), now=at(2026, 4, 20, 9))
REPLY = "已现场处理完毕，情况属实。"


def auto_dispatch(case, unit, when):
    step(
        case,
        "dispatch",
        None,
        when,
        comment="自动分拨",
        unit=unit.pk,
        auto=True,
        probability=0.99,
        model_version="t",
    )


def close(case, people, handler, when, reviewed=None):
    step(case, "close", handler, when, reply=REPLY)
    step(case, "approve_closure", people.reviewer, reviewed or when)


def pause(case, begin, end=None):
    # The appeal workflow has no pause transition yet; drive the engine's clock directly,
    # as a future 挂起 transition with ClockEffect.PAUSE/RESUME would.
    case.refresh_from_db()
    clocks.pause(case, now=begin)
    if end:
        clocks.resume(case, now=end)
    case.save()


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 2, 12), 2),
        (at(2026, 3, 6, 17), at(2026, 3, 9, 9), 16),  # Friday 17:00 -> Monday 09:00: 7 + 9
        (at(2026, 4, 3, 17), at(2026, 4, 7, 9), 16),  # across Qingming (4-6 Apr)
        (at(2026, 2, 13, 17), at(2026, 2, 14, 10), 17),  # into the make-up Saturday 14 Feb
        (at(2026, 3, 7, 10), at(2026, 3, 8, 20), 0),  # a weekend only
        (at(2026, 3, 2, 12), at(2026, 3, 2, 10), 0),  # reversed
        (at(2026, 3, 2, 0), at(2026, 3, 4, 0), 48),
    ],
)
def test_working_hours_between(db, start, end, hours):
    assert working_hours_between(start, end) == hours


@pytest.fixture
def march(org, people):
    """The March 2026 scenario. Complaints, 15 working days: received 2 Mar -> due 23 Mar."""
    p, o = people, org
    c = {}
    # A: manual dispatch after 2 h, on time; satisfied, then an objection and finally dissatisfied.
    c["A"] = a = fa.appeal(p.agent, when=at(2026, 3, 2, 10))
    step(a, "dispatch", p.dispatcher, at(2026, 3, 2, 12), unit=o.housing.pk)
    step(a, "accept", p.housing, at(2026, 3, 2, 13))
    close(a, p, p.housing, at(2026, 3, 10, 10))
    step(a, "callback", p.agent, at(2026, 3, 11, 10), rating="satisfied", resolved="yes")
    step(a, "object", p.agent, at(2026, 3, 12, 10), comment="问题依旧")  # new deadline 2 Apr
    close(a, p, p.housing, at(2026, 3, 20, 10))
    step(a, "callback", p.agent, at(2026, 3, 23, 10), rating="dissatisfied", resolved="no")

    # B: registered Friday 17:00, dispatched Monday 09:00 (16 working hours); returned and
    # reassigned; closed at the very last second of its deadline (6 Mar + 15 = 27 Mar).
    c["B"] = b = fa.appeal(p.agent, when=at(2026, 3, 6, 17))
    step(b, "dispatch", p.dispatcher, at(2026, 3, 9, 9), unit=o.housing.pk)
    step(b, "return", p.housing, at(2026, 3, 9, 10), comment="非本单位职责")
    step(b, "reassign", p.dispatcher, at(2026, 3, 9, 11), unit=o.transport.pk)
    step(b, "accept", p.transport, at(2026, 3, 9, 12))
    close(b, p, p.transport, at(2026, 3, 27, 23, 59, 59), reviewed=at(2026, 3, 30, 9))
    step(b, "callback", p.agent, at(2026, 3, 30, 10), rating="dissatisfied", resolved="no")

    # C: auto-dispatched at once and never moved; closed two days late.
    c["C"] = cc = fa.appeal(p.agent, when=at(2026, 3, 2, 9))
    auto_dispatch(cc, o.transport, at(2026, 3, 2, 9))
    step(cc, "accept", p.transport, at(2026, 3, 2, 10))
    close(cc, p, p.transport, at(2026, 3, 25, 10))
    step(cc, "callback", p.agent, at(2026, 3, 26, 10), rating="basically_satisfied", resolved="yes")

    # D: auto-dispatched after 30 min, returned, arbitrated to the street; an approved
    # 5-day extension (23 Mar -> 30 Mar) makes the 27 Mar closure on time.
    c["D"] = d = fa.appeal(p.agent, when=at(2026, 3, 2, 8))
    auto_dispatch(d, o.housing, at(2026, 3, 2, 8, 30))
    step(d, "return", p.housing, at(2026, 3, 2, 10), comment="属街道职责")
    step(d, "arbitrate", p.admin, at(2026, 3, 2, 11), comment="快裁：属地街道办理", unit=o.street_a.pk)
    step(d, "accept", p.street_a, at(2026, 3, 2, 12))
    step(d, "request_extension", p.street_a, at(2026, 3, 20, 9), comment="需协调", extension=5)
    step(d, "approve_extension", p.reviewer, at(2026, 3, 20, 10))
    close(d, p, p.street_a, at(2026, 3, 27, 10))
    step(d, "callback", p.agent, at(2026, 3, 28, 10), rating="satisfied", resolved="yes")

    # E: dispatched after 1 h; the clock paused 5-16 Mar moves the deadline to 2 Apr, so the
    # 31 Mar closure is on time. Approved, not yet called back.
    c["E"] = e = fa.appeal(p.agent, when=at(2026, 3, 2, 10))
    step(e, "dispatch", p.dispatcher, at(2026, 3, 2, 11), unit=o.housing.pk)
    step(e, "accept", p.housing, at(2026, 3, 2, 12))
    pause(e, at(2026, 3, 5, 9), at(2026, 3, 16, 17))
    assert e.due_at.astimezone(fa.SH) == at(2026, 4, 2, 23, 59, 59)
    close(e, p, p.housing, at(2026, 3, 31, 10))

    # F: a repeat from A's requester, never dispatched, overdue since 25 Mar.
    c["F"] = fa.appeal(p.agent, when=at(2026, 3, 4, 10), phone=a.requester.phone)
    # G: a consultation answered on the spot.
    c["G"] = g = fa.appeal(p.agent, when=at(2026, 3, 5, 14), appeal_type="consultation")
    step(g, "answer", p.agent, at(2026, 3, 5, 14, 5), reply=REPLY)
    # I: merged into A.
    c["I"] = i = fa.appeal(p.agent, when=at(2026, 3, 5, 11))
    services.merge(case=i, into=a, actor=p.dispatcher, now=at(2026, 3, 5, 12))

    # Outside the period: received in February and in April; neither may count.
    c["H"] = h = fa.appeal(p.agent, when=at(2026, 2, 27, 10))
    step(h, "dispatch", p.dispatcher, at(2026, 2, 27, 11), unit=o.housing.pk)
    step(h, "return", p.housing, at(2026, 2, 27, 12), comment="不属本单位")
    c["K"] = fa.appeal(p.agent, when=at(2026, 4, 1, 0))
    fa.analyze()
    return c


def numbers(qs):
    return set(qs.values_list("number", flat=True))


def test_every_figure_by_hand(march):
    figures = kpis.compute(MARCH)
    assert figures == {
        "received": 8,  # A B C D E F G I
        "dispatched": 5,  # A B C D E
        "first_dispatch_ok": 3,  # A C E
        "first_dispatch_accuracy": 0.6,
        "returned": 2,  # B D
        "return_rate": 0.4,
        "accepted": 5,  # A B C D E (B signed for by its second unit, D by the street after arbitration)
        "accept_rate": 1.0,
        "auto": 2,  # C D (D's later arbitration was by a person; its first dispatch was the model's)
        "auto_ok": 1,  # C
        "auto_dispatch_rate": 0.4,
        "auto_dispatch_accuracy": 0.5,
        # working hours to the first dispatch: A 2, B 16, C 0, D 0.5, E 1
        "dispatch_hours_mean": 3.9,
        "dispatch_hours_p90": 16.0,  # nearest rank: the 5th of 5
        "closed": 6,  # A B C D E G
        "on_time": 5,  # all but C
        "on_time_rate": 0.8333,
        "open_overdue": 1,  # F
        "overdue": 2,  # F open, C closed late
        "objected": 1,  # A
        "objection_rate": 0.1667,
        "rated": 4,  # A B C D
        "satisfaction_before": 0.75,  # first ratings: A sat, B dis, C basic, D sat
        "satisfaction_after": 0.5,  # latest: A dis
        "resolution_before": 0.75,
        "resolution_after": 0.5,
        "repeats": 1,  # F
        "arbitrated": 1,  # D
        "merged": 1,  # I
    }


def test_drill_down_sets(march):
    c = march
    num = {k: v.number for k, v in c.items()}
    s = kpis.sets(MARCH)
    expected = {
        "received": "ABCDEFGI",
        "dispatched": "ABCDE",
        "first_dispatch_ok": "ACE",
        "returned": "BD",
        "accepted": "ABCDE",
        "auto": "CD",
        "auto_ok": "C",
        "closed": "ABCDEG",
        "on_time": "ABDEG",
        "rated": "ABCD",
        "sat_first": "ACD",
        "sat_last": "CD",
        "res_first": "ACD",
        "res_last": "CD",
        "objected": "A",
        "repeats": "F",
        "arbitrated": "D",
        "open_overdue": "F",
        "merged": "I",
    }
    assert set(s) == set(expected)
    for name, letters in expected.items():
        assert numbers(s[name]) == {num[x] for x in letters}, name
        assert numbers(kpis.sets(MARCH, events=True)[name]) == {num[x] for x in letters}, name
    assert c["F"].appeal.repeat_of == c["A"]


def test_overdue_depends_on_the_moment_asked(march):
    # On 25 Mar at noon F (due 25 Mar 23:59:59) is not yet late, nor is C still open.
    early = KpiFilter(start=MARCH.start, end=MARCH.end, now=at(2026, 3, 25, 12))
    assert numbers(kpis.sets(early)["open_overdue"]) == set()


def test_filters_narrow_every_figure(march, org):
    housing = kpis.compute(KpiFilter(start=MARCH.start, end=MARCH.end, now=MARCH.now, unit=org.housing.pk))
    # handled by housing now: A and E (B went to transport, D to the street)
    assert (housing["received"], housing["dispatched"], housing["closed"], housing["on_time_rate"]) == (
        2,
        2,
        2,
        1.0,
    )
    by_unit = {row["name"]: row for row in kpis.by_unit(MARCH)}
    assert by_unit[org.transport.name]["received"] == 2 and by_unit[org.transport.name]["on_time"] == 1
    assert by_unit[org.street_a.name]["arbitrated"] == 1
    empty = kpis.compute(KpiFilter(start=at(2025, 1, 1), end=at(2025, 2, 1), now=MARCH.now))
    assert empty["received"] == 0 and empty["on_time_rate"] is None and empty["dispatch_hours_mean"] is None


def test_on_time_uses_the_last_approved_closure(org, people):
    p = people
    case = fa.appeal(p.agent, when=at(2026, 3, 2, 10))  # due 23 Mar
    step(case, "dispatch", p.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(case, "accept", p.housing, at(2026, 3, 2, 12))
    # an on-time closure sent back as nominal, then a late one that is approved: late
    step(case, "close", p.housing, at(2026, 3, 20, 10), reply=REPLY)
    step(case, "reject_closure", p.reviewer, at(2026, 3, 20, 11), comment="形式办结")
    close(case, p, p.housing, at(2026, 3, 24, 10))
    f = KpiFilter(start=MARCH.start, end=MARCH.end, now=at(2026, 3, 24, 12))
    assert (kpis.compute(f)["on_time"], kpis.compute(f)["closed"]) == (0, 1)

    other = fa.appeal(p.agent, when=at(2026, 3, 2, 10))  # due 23 Mar
    step(other, "dispatch", p.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(other, "accept", p.housing, at(2026, 3, 2, 12))
    close(other, p, p.housing, at(2026, 3, 10, 10))
    step(other, "callback", p.agent, at(2026, 3, 11, 10), rating="dissatisfied", resolved="no")
    step(other, "object", p.agent, at(2026, 3, 12, 10), comment="未解决")  # new deadline 2 Apr
    # re-closed late and still awaiting review: the approved (on-time) closure is what counts
    step(other, "close", p.housing, at(2026, 4, 3, 10), reply=REPLY)
    f = KpiFilter(start=MARCH.start, end=MARCH.end, now=at(2026, 4, 3, 12))
    s = kpis.sets(f)
    figures = kpis.compute(f)
    assert numbers(s["closed"]) == {case.number, other.number}
    assert figures["on_time"] == 1 and figures["on_time_rate"] == 0.5


def test_an_open_pause_is_never_overdue(org, people):
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10))
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    pause(case, at(2026, 3, 5, 9))
    assert case.due_at is None and case.clock_state == "paused"
    f = KpiFilter(start=MARCH.start, end=MARCH.end, now=at(2026, 6, 1))
    assert kpis.compute(f)["overdue"] == 0
    assert Case.objects.overdue(now=at(2026, 6, 1)).count() == 0


def test_a_pending_reclosure_leaves_the_approved_one_in_force(org, people):
    """Across March and April the re-closure of 3 Apr is inside the period but not approved."""
    p = people
    other = fa.appeal(p.agent, when=at(2026, 3, 2, 10))  # due 23 Mar
    step(other, "dispatch", p.dispatcher, at(2026, 3, 2, 11), unit=org.housing.pk)
    step(other, "accept", p.housing, at(2026, 3, 2, 12))
    close(other, p, p.housing, at(2026, 3, 10, 10))
    step(other, "callback", p.agent, at(2026, 3, 11, 10), rating="dissatisfied", resolved="no")
    step(other, "object", p.agent, at(2026, 3, 12, 10), comment="未解决")  # new deadline 2 Apr
    step(other, "close", p.housing, at(2026, 4, 3, 10), reply=REPLY)  # late, awaiting review
    spring = KpiFilter(start=at(2026, 3, 1), end=at(2026, 5, 1), now=at(2026, 4, 3, 12))
    assert (kpis.compute(spring)["closed"], kpis.compute(spring)["on_time"]) == (1, 1)
    step(other, "reject_closure", p.reviewer, at(2026, 4, 3, 11), comment="形式办结")
    assert (kpis.compute(spring)["closed"], kpis.compute(spring)["on_time"]) == (1, 1)
    close(other, p, p.housing, at(2026, 4, 7, 10))  # approved, and late: now it counts
    assert (kpis.compute(spring)["closed"], kpis.compute(spring)["on_time"]) == (1, 0)


@pytest.fixture
def boundary(org, people):
    """Appeals whose closure, callback or objection falls in the month after their receipt.

    X: received 30 Mar, closed and approved 2 Apr, called back 3 Apr (satisfied).
    Y: received 16 Mar, closed 20 Mar (due 7 Apr: Qingming 4-6 Apr), called back 1 Apr
       (dissatisfied), objected 2 Apr, closed again 8 Apr, called back 9 Apr (satisfied).
    Z: a consultation received Friday 27 Feb and answered on Monday 2 Mar (due 3 Mar).
    """
    p, o = people, org
    x = fa.appeal(p.agent, when=at(2026, 3, 30, 10))
    step(x, "dispatch", p.dispatcher, at(2026, 3, 30, 11), unit=o.housing.pk)
    step(x, "accept", p.housing, at(2026, 3, 30, 12))
    close(x, p, p.housing, at(2026, 4, 2, 10), reviewed=at(2026, 4, 2, 11))
    step(x, "callback", p.agent, at(2026, 4, 3, 10), rating="satisfied", resolved="yes")
    y = fa.appeal(p.agent, when=at(2026, 3, 16, 10))
    step(y, "dispatch", p.dispatcher, at(2026, 3, 16, 11), unit=o.housing.pk)
    step(y, "accept", p.housing, at(2026, 3, 16, 12))
    close(y, p, p.housing, at(2026, 3, 20, 10), reviewed=at(2026, 3, 20, 11))
    step(y, "callback", p.agent, at(2026, 4, 1, 10), rating="dissatisfied", resolved="no")
    step(y, "object", p.agent, at(2026, 4, 2, 10), comment="问题依旧")
    close(y, p, p.housing, at(2026, 4, 8, 10), reviewed=at(2026, 4, 8, 11))
    step(y, "callback", p.agent, at(2026, 4, 9, 10), rating="satisfied", resolved="yes")
    z = fa.appeal(p.agent, when=at(2026, 2, 27, 10), appeal_type="consultation")
    step(z, "answer", p.agent, at(2026, 3, 2, 9), reply=REPLY)
    fa.analyze()
    return {"X": x, "Y": y, "Z": z}


def test_closures_count_in_the_month_they_happen(boundary):
    num = {k: v.number for k, v in boundary.items()}
    now = at(2026, 4, 20, 9)
    march = KpiFilter(start=at(2026, 3, 1), end=at(2026, 4, 1), now=now)
    april = KpiFilter(start=at(2026, 4, 1), end=at(2026, 5, 1), now=now)
    spring = KpiFilter(start=at(2026, 3, 1), end=at(2026, 5, 1), now=now)
    keys = (
        "received",
        "dispatched",
        "closed",
        "on_time",
        "rated",
        "objected",
        "satisfaction_before",
        "satisfaction_after",
        "resolution_before",
        "resolution_after",
        "objection_rate",
        "overdue",
    )
    got = {
        name: tuple(kpis.compute(f)[k] for k in keys)
        for name, f in (("march", march), ("april", april), ("spring", spring))
    }
    assert got == {
        # received X Y; closed Y (20 Mar) and Z (answered 2 Mar); Y's callback is April's
        "march": (2, 2, 2, 2, 0, 0, None, None, None, None, 0.0, 0),
        # closed X (2 Apr) and Y again (8 Apr); rated X (first callback 3 Apr, satisfied) and
        # Y (first callback 1 Apr, dissatisfied; latest 9 Apr, satisfied); Y objected 2 Apr
        "april": (0, 0, 2, 2, 2, 1, 0.5, 1.0, 0.5, 1.0, 0.5, 0),
        # one report over both months counts Y's two closures once
        "spring": (2, 2, 3, 3, 2, 1, 0.5, 1.0, 0.5, 1.0, 0.3333, 0),
    }
    s, t = kpis.sets(march), kpis.sets(april)
    assert (numbers(s["received"]), numbers(s["closed"]), numbers(s["rated"])) == (
        {num["X"], num["Y"]},
        {num["Y"], num["Z"]},
        set(),
    )
    assert (numbers(t["received"]), numbers(t["closed"]), numbers(t["rated"]), numbers(t["objected"])) == (
        set(),
        {num["X"], num["Y"]},
        {num["X"], num["Y"]},
        {num["Y"]},
    )
    assert kpis.monthly(spring) == [
        {"month": "2026-03", "received": 2, "closed": 2},
        {"month": "2026-04", "received": 0, "closed": 2},
    ]
    # a March report printed on 31 March already read exactly what it reads today
    assert kpis.compute(KpiFilter(start=march.start, end=march.end, now=at(2026, 3, 31, 23)))["closed"] == 2


def test_dispatch_hours_of_events_recorded_before_they_carried_them(march, org):
    """Older dispatch events have no dispatch_hours: the same figures, computed in Python."""
    from fazhi.cases.models import CaseEvent

    for event in CaseEvent.objects.filter(
        kind="appeal.dispatch", case__number__in=[march["A"].number, march["B"].number]
    ):
        event.details.pop("dispatch_hours")
        event.save(update_fields=["details"])
    figures = kpis.compute(MARCH)
    assert (figures["dispatch_hours_mean"], figures["dispatch_hours_p90"]) == (3.9, 16.0)
    by_unit = {row["unit"]: row for row in kpis.by_unit(MARCH)}
    # housing: A 2, E 1; transport: B 16, C 0 (p90 of two values: the larger)
    assert (
        by_unit[org.housing.pk]["dispatch_hours_mean"],
        by_unit[org.housing.pk]["dispatch_hours_p90"],
    ) == (1.5, 2)
    assert (
        by_unit[org.transport.pk]["dispatch_hours_mean"],
        by_unit[org.transport.pk]["dispatch_hours_p90"],
    ) == (8, 16)


def test_dashboard_is_one_report_memoised_for_a_minute(march):
    kpis._FACTS_CACHE.clear()
    first = kpis.dashboard(MARCH)
    assert first == kpis.report(MARCH) and first["figures"] == kpis.compute(MARCH)
    assert kpis.dashboard(MARCH) is first
    assert first["trend"] == [{"month": "2026-03", "received": 8, "closed": 6}]
    # K, received at 00:00 on 1 April in Beijing (still 31 March in UTC), is April's
    assert kpis.monthly(KpiFilter(start=at(2026, 2, 1), end=at(2026, 5, 1))) == [
        {"month": "2026-02", "received": 1, "closed": 0},
        {"month": "2026-03", "received": 8, "closed": 6},
        {"month": "2026-04", "received": 1, "closed": 0},
    ]
    kpis._FACTS_CACHE.clear()


def test_the_fact_table_agrees_on_the_hand_counted_scenarios(march, boundary):
    """compute() reads the fact table; the events (events=True) are the definition it must match."""
    now = at(2026, 4, 20, 9)
    for f in (
        MARCH,
        KpiFilter(now=now),
        KpiFilter(start=at(2026, 4, 1), end=at(2026, 5, 1), now=now),
        KpiFilter(start=at(2026, 3, 1), end=at(2026, 5, 1), now=now),
        KpiFilter(start=at(2026, 3, 20, 12), end=at(2026, 4, 8, 10, 30), now=now),
    ):
        assert kpis.compute(f) == kpis.compute(f, events=True), f
        assert kpis.monthly(f) == kpis.monthly(f, events=True), f
