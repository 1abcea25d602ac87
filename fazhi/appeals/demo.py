"""A year of generated appeals with full, consistent event histories — fast, for the demo.

Histories are written with bulk_create rather than through transition(): 50,000 appeals
with ~7 events each would take minutes through the service, and the demo must build in
well under two minutes. The events written are exactly those the services would write,
so every KPI and chart reads them the same way; each batch's KPI fact rows are derived from
them in the batch's transaction (facts.refresh), as the signals would for one appeal.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from fazhi.appeals import facts
from fazhi.appeals.deadlines import DEFAULTS, URGENT
from fazhi.appeals.demo_text import CATEGORIES, ENDINGS, ESTATES, KNOWLEDGE, OPENINGS, ROADS
from fazhi.appeals.kpis import working_hours_between
from fazhi.appeals.models import Appeal, KnowledgeAnswer, Matter
from fazhi.cases.clock import ClockSpec, compute_deadline
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core import audit
from fazhi.core.bulk import fast_insert, reset_sequence
from fazhi.core.calendar import get_calendar
from fazhi.core.models import Counter, OrgUnit

SH = ZoneInfo("Asia/Shanghai")
TYPES = [("complaint", 30), ("help", 35), ("consultation", 15), ("suggestion", 10), ("report", 8), ("praise", 2)]
CHANNELS = [("hotline", 55), ("web", 15), ("app", 12), ("miniprogram", 10), ("grid_patrol", 5), ("letter", 3)]


def build_catalogue(units: dict) -> None:
    """Seven first-level categories, each with a few second- and third-level matters."""
    if Matter.objects.exists():
        return
    for i, (category, (dept, street_level, problems)) in enumerate(CATEGORIES.items(), start=1):
        top = Matter.objects.create(code=f"M{i:02d}", name=category, level=1, category=category,
                                    responsible_unit=units.get(dept), street_level=street_level,
                                    keywords=" ".join(p[:4] for p in problems[:4]), default_days=15)
        for j, problem in enumerate(problems[:4], start=1):
            mid = Matter.objects.create(code=f"M{i:02d}{j:02d}", name=problem[:12], level=2, parent=top,
                                        category=category, responsible_unit=units.get(dept),
                                        street_level=street_level, keywords=problem[:6], default_days=15)
            Matter.objects.create(code=f"M{i:02d}{j:02d}01", name=problem[:20], level=3, parent=mid,
                                  category=category, responsible_unit=units.get(dept), street_level=street_level,
                                  keywords=problem[:8], legal_basis="", default_days=15)
    for question, answer, keywords in KNOWLEDGE:
        KnowledgeAnswer.objects.create(question=question, answer=answer, keywords=keywords)


def _pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


class _History:
    """Collects the rows of one generated appeal."""

    def __init__(self, case_id):
        self.case_id = case_id
        self.events: list[CaseEvent] = []

    ROLES = {"dispatch": "dispatcher", "reassign": "dispatcher", "arbitrate": "centre_admin", "accept": "handler",
             "return": "handler", "close": "handler", "approve_closure": "reviewer", "reject_closure": "reviewer",
             "callback": "intake_agent", "object": "intake_agent", "answer": "intake_agent"}

    def add(self, kind, at, frm, to, unit=None, details=None, comment="", role="", transition=""):
        role = role or self.ROLES.get(kind.split(".")[-1], "system")
        self.events.append(CaseEvent(case_id=self.case_id, kind=kind, transition=transition or kind.split(".")[-1],
                                     from_state=frm, to_state=to, at=at, unit=unit, details=details or {},
                                     comment=comment, actor_role=role))


def generate(*, n: int, units: dict, now: datetime | None = None, seed: int = 2026, progress=None) -> int:
    """Generate `n` appeals received over the past year; returns the number written."""
    now = now or timezone.now()
    rng = random.Random(seed)
    cal = get_calendar()
    centre = units["CENTRE"]
    streets = [u for u in units.values() if u.level == "street"]
    depts = [u for u in units.values() if u.level == "department"]
    matters = {m.category: m for m in Matter.objects.filter(level=1)}
    next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    counters: dict[int, int] = {}
    written = 0
    batch = 2000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        cases, appeals, requesters, events = [], [], [], []
        for k in range(size):
            case_id = next_id + start + k
            received = now - timedelta(days=365 * rng.random() ** 1.15, minutes=rng.randint(0, 600))
            year = received.astimezone(SH).year
            if year not in counters:
                counters[year] = _counter(year)
            counters[year] += 1
            category = rng.choice(list(CATEGORIES))
            dept_code, street_level, problems = CATEGORIES[category]
            street = rng.choice(streets)
            place = f"{street.name}{rng.choice(ESTATES)}" if rng.random() < .6 else f"{street.name}{rng.choice(ROADS)}"
            problem = rng.choice(problems)
            appeal_type = _pick(rng, TYPES)
            urgency = "urgent" if rng.random() < .03 else "normal"
            rule = URGENT if urgency == "urgent" else DEFAULTS[appeal_type]
            deadline = compute_deadline(ClockSpec(started_at=received, rule=rule), cal)
            phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            repeat_of = None
            if cases and rng.random() < .03:  # the same requester again within 30 days: a repeat appeal
                earlier = rng.choice(cases[-50:])
                if timedelta(0) < received - earlier.received_at < timedelta(days=30):
                    phone, repeat_of = requesters[cases.index(earlier)].phone, earlier.id
            requesters.append(Requester(id=case_id, name=rng.choice("王李张刘陈杨黄赵周吴") + rng.choice(["先生", "女士", "某"]),
                                        phone=phone, address=place))
            case = Case(id=case_id, kind="appeal", number=f"SQ-{year}-{counters[year]:06d}", title=f"{place}{problem}"[:60],
                        body=f"{rng.choice(OPENINGS)}{place}{problem}。{rng.choice(ENDINGS)}", requester_id=case_id,
                        channel=_pick(rng, CHANNELS), owner_unit=centre, state="registered", received_at=received,
                        due_at=deadline.due_at, warn_at=deadline.warn_at, due_provisional=deadline.provisional,
                        clock_state="running", clock={"rule": {"amount": rule.amount, "unit": rule.unit.value,
                                                               "warn_before": rule.warn_before},
                                                      "started_at": received.isoformat(), "pauses": [], "extensions": []})
            appeal = Appeal(case_id=case_id, appeal_type=appeal_type, urgency=urgency, matter=matters.get(category),
                            category=category, address=place, place=street, query_code=f"{rng.randint(0, 999999):06d}",
                            repeat_of_id=repeat_of)
            right = street if street_level and rng.random() < .5 else units[dept_code]
            h = _History(case_id)
            h.add("appeal.created", received, "", "registered", details={"channel": case.channel})
            _play(rng, h, case, appeal, right, depts, cal, now)
            cases.append(case)
            appeals.append(appeal)
            events.extend(h.events)
        with transaction.atomic():
            fast_insert(Requester, requesters)
            fast_insert(Case, cases)
            fast_insert(Appeal, appeals)
            fast_insert(CaseEvent, events)
            # fast_insert sends no signals: derive the KPI facts of the batch in its transaction.
            facts.refresh([c.id for c in cases])
        written += size
        if progress:
            progress(size)
    for model in (Requester, Case, CaseEvent):
        reset_sequence(model)
    facts.roll_up(now=now)  # most of the year is settled: the dashboard reads it from monthly sums
    for year, value in counters.items():
        Counter.objects.update_or_create(key="SQ", year=year, defaults={"value": value})
    audit.record(action="demo.appeals_generated", details={"n": written})
    return written


def _counter(year: int) -> int:
    return Counter.objects.filter(key="SQ", year=year).values_list("value", flat=True).first() or 0


def _after(t: datetime, rng, lo_h: float, hi_h: float) -> datetime:
    return t + timedelta(hours=rng.uniform(lo_h, hi_h))


def _play(rng, h: _History, case: Case, appeal: Appeal, right: OrgUnit, depts, cal, now) -> None:
    """Walk one appeal through a plausible history, stopping where `now` cuts it."""
    t = case.received_at

    def step(kind, frm, to, hours, **kw):
        nonlocal t
        nt = _after(t, rng, *hours)
        if nt >= now:
            return False
        t = nt
        h.add(f"appeal.{kind}", t, frm, to, transition=kind, **kw)
        case.state = to
        return h.events[-1]

    if appeal.appeal_type == "consultation" and rng.random() < .6:
        if step("answer", "registered", "closed", (0.05, 0.3), details={"on_time": True}):
            case.closed_at, case.clock_state = t, "stopped"
            appeal.reply = "已当场答复。"
        return
    auto = rng.random() < .55 and t > now - timedelta(days=200)
    wrong = rng.random() < (.05 if auto else .08)
    first_unit = rng.choice(depts) if wrong else right
    dispatch_hours = (0.001, 0.01) if auto else (0.3, 6.0)
    dispatched = step("dispatch", "registered", "dispatched", dispatch_hours,
                      details={"unit": first_unit.pk, "unit_name": first_unit.name, "auto": auto,
                               "probability": round(rng.uniform(.97, 1), 3) if auto else None},
                      role="system" if auto else "dispatcher")
    if not dispatched:
        return
    dispatched.details["dispatch_hours"] = round(working_hours_between(case.received_at, dispatched.at), 4)
    case.handling_unit = first_unit
    appeal.auto_dispatched = auto
    if wrong:
        if not step("return", "dispatched", "returned", (1, 20), unit=first_unit, comment="非本单位职责"):
            return
        arbitrate = rng.random() < .12
        if not step("arbitrate" if arbitrate else "reassign", "returned", "dispatched", (0.5, 8),
                    details={"unit": right.pk, "unit_name": right.name},
                    comment="经快裁明确责任单位" if arbitrate else "改派"):
            return
        case.handling_unit = right
    if not step("accept", "dispatched", "handling", (0.5, 16), unit=case.handling_unit):
        return
    late = rng.random() < .04
    span = (case.due_at - t).total_seconds() / 3600 if case.due_at else 48
    close_hours = (span * 1.05, span * 1.6) if late else (2, max(3, span * .9))
    if not _close(step, case, appeal, close_hours):
        return
    if rng.random() < .05:  # nominal closure caught by review
        if not step("reject_closure", "closure_review", "handling", (1, 24), comment="答复未解决实际问题，退回重办",
                    details={"nominal": True}):
            return
        case.closed_at = None
        if not _close(step, case, appeal, (4, 48)):
            return
    if not step("approve_closure", "closure_review", "callback", (1, 24)):
        return
    case.closed_at = case.closed_at or t
    _callback(rng, step, case, appeal)
    if case.state == "closed" and appeal.rating == "dissatisfied" and rng.random() < .4:
        if step("object", "closed", "handling", (2, 72), comment="群众对处理结果不满意", details={}):
            appeal.objections += 1
            case.closed_at = None
            if _close(step, case, appeal, (8, 80)) and step("approve_closure", "closure_review", "callback", (1, 12)):
                _callback(rng, step, case, appeal, better=True)


def _close(step, case, appeal, hours) -> bool:
    event = step("close", "handling", "closure_review", hours, details={}, unit=case.handling_unit)
    if not event:
        return False
    event.details["on_time"] = case.due_at is None or event.at <= case.due_at
    case.closed_at, case.clock_state = event.at, "stopped"
    appeal.reply = "经核查，已协调相关单位处理完毕，并向诉求人做好解释说明。"
    return True


def _callback(rng, step, case, appeal, better: bool = False) -> None:
    r = rng.random()
    rating = "satisfied" if r < (.9 if better else .84) else ("basically_satisfied" if r < .95 else "dissatisfied")
    resolved = rating != "dissatisfied" or rng.random() < .2
    if step("callback", "callback", "closed", (2, 40), details={"rating": rating, "resolved": resolved}):
        appeal.rating, appeal.resolved = rating, resolved
