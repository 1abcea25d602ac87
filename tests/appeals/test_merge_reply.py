"""并单: a merged appeal is handled once, and its requester still gets the reply and a callback."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fazhi.appeals import services
from fazhi.cases import services as cases
from fazhi.cases.models import CaseEvent

SH = ZoneInfo("Asia/Shanghai")


def test_merged_appeal_gets_the_reply_and_its_own_callback(org, people):
    now = datetime(2026, 3, 2, 10, tzinfo=SH)
    main, _ = services.intake(actor=people.agent, now=now,
                              raw={"content": "东湖路井盖缺失很危险", "phone": "13800138000", "address": "东湖街道东湖路"})
    repeat, _ = services.intake(actor=people.agent, now=now,
                                raw={"content": "东湖路有个井盖没了", "phone": "13900139000", "address": "东湖街道东湖路"})
    services.merge(case=repeat, into=main, actor=people.dispatcher, now=now)
    repeat.refresh_from_db()
    assert repeat.state == "merged"
    cases.transition(case=main, name="dispatch", actor=people.dispatcher, now=now, params={"unit": org.street_a.pk})
    cases.transition(case=main, name="accept", actor=people.street_a, now=now)
    cases.transition(case=main, name="close", actor=people.street_a, now=now,
                     params={"reply": "已补装井盖并设置警示标志。"})
    cases.transition(case=main, name="approve_closure", actor=people.reviewer, now=now)
    repeat.refresh_from_db()
    assert repeat.state == "callback" and repeat.appeal.reply == "已补装井盖并设置警示标志。"
    assert CaseEvent.objects.filter(case=repeat, kind="appeal.merged_reply").count() == 1
    cases.transition(case=repeat, name="callback", actor=people.agent, now=now,
                     params={"rating": "satisfied", "resolved": "yes"})
    repeat.refresh_from_db()
    assert repeat.state == "closed" and repeat.appeal.rating == "satisfied"
