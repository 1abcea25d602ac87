"""The citizen's view of an appeal: plain-language state and a timeline safe to show the public.

The staff timeline holds internal comments, staff names, dispatch-model scores and other
requesters' numbers. Rather than filter those out, this module builds the citizen's timeline
from an allow-list of event kinds, each with fixed wording, and takes only a unit name or the
approved reply from an event — so a new kind of event stays internal until someone decides
what the public may read about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_

from fazhi.appeals.models import Rating
from fazhi.cases.models import Case, Channel
from fazhi.core.masking import mask_name
from fazhi.portal import services

# Internal states collapse into the few a citizen understands.
CITIZEN_STATES = {
    "registered": N_("已受理"),
    "returned": N_("已受理"),
    "dispatched": N_("已转办"),
    "handling": N_("办理中"),
    "extension_pending": N_("办理中"),
    "closure_review": N_("办理中"),
    "callback": N_("已办结（待评价）"),
    "closed": N_("已办结"),
    "merged": N_("已合并办理"),
}
STEPS = (N_("已受理"), N_("办理中"), N_("已办结"), N_("已评价"))
STEP_OF = {
    "registered": 0,
    "returned": 0,
    "dispatched": 0,
    "handling": 1,
    "extension_pending": 1,
    "closure_review": 1,
    "callback": 2,
    "closed": 2,
}
REPLIED_STATES = frozenset({"callback", "closed"})
CLOSURES = ("appeal.approve_closure", "appeal.answer")


@dataclass
class Entry:
    at: datetime
    title: str
    text: str = ""
    kind: str = ""


@dataclass
class Progress:
    case: Case
    state_label: str
    step: int | None
    requester_name: str
    unit_name: str
    reply: str
    rating_label: str
    resolved: bool | None
    timeline: list[Entry] = field(default_factory=list)
    can_rate: bool = False
    objection_until: datetime | None = None
    steps: tuple = STEPS


def _unit(event) -> str:
    return (event.details or {}).get("unit_name") or (event.unit.name if event.unit_id else "")


def _entry(event, *, reply_for: int | None, reply: str) -> Entry | None:
    kind, details = event.kind, event.details or {}
    if kind == "appeal.created":
        channel = Channel(details["channel"]).label if details.get("channel") in Channel.values else ""
        return Entry(
            event.at,
            _("诉求已受理"),
            _("已通过%(channel)s登记受理。") % {"channel": channel or _("政务服务便民热线")},
        )
    if kind == "appeal.dispatch":
        return Entry(event.at, _("已转交承办单位"), _("由%(unit)s负责办理。") % {"unit": _unit(event)})
    if kind in ("appeal.reassign", "appeal.arbitrate"):
        return Entry(event.at, _("已调整承办单位"), _("改由%(unit)s负责办理。") % {"unit": _unit(event)})
    if kind == "appeal.accept":
        return Entry(event.at, _("承办单位已签收"), _("%(unit)s已签收，正在办理。") % {"unit": _unit(event)})
    if kind == "appeal.approve_extension":
        days = details.get("extension") or 0
        return Entry(
            event.at, _("办理期限已延长"), _("经审批，办理期限延长 %(days)s 个工作日。") % {"days": days}
        )
    if kind in CLOSURES:
        # Only the latest closure's reply is stored (appeal.reply) and only once approved may it
        # be shown: a reply written after an objection is still under review until then.
        text = reply if event.pk == reply_for else _("承办单位已办结并作出答复。")
        return Entry(event.at, _("已办结并答复"), text, kind="reply" if event.pk == reply_for else "")
    if kind == "appeal.callback":
        rating = Rating(details["rating"]).label if details.get("rating") in Rating.values else ""
        solved = _("问题已解决") if details.get("resolved") else _("问题未解决")
        return Entry(
            event.at,
            _("已回访评价"),
            _("评价：%(rating)s；%(solved)s。") % {"rating": rating, "solved": solved},
        )
    if kind == "appeal.object":
        return Entry(event.at, _("已申诉，重新办理"), _("已收到申诉，诉求重新进入办理。"))
    if kind == "appeal.merged":
        return Entry(event.at, _("已合并办理"), _("您的诉求与同一事项的诉求合并办理，办理结果将一并答复。"))
    return None


def build(case: Case, *, now: datetime) -> Progress:
    appeal = case.appeal
    events = list(case.events.select_related("unit").order_by("at", "id"))
    replied = case.state in REPLIED_STATES and bool(appeal.reply)
    closures = [e for e in events if e.kind in CLOSURES]
    reply_for = closures[-1].pk if replied and closures else None
    timeline = [e for e in (_entry(ev, reply_for=reply_for, reply=appeal.reply) for ev in events) if e]
    deadline = services.objection_deadline(case)
    step = STEP_OF.get(case.state)
    if case.state == "closed" and appeal.rating:
        step = len(STEPS)  # every step done
    return Progress(
        case=case,
        state_label=CITIZEN_STATES.get(case.state, CITIZEN_STATES["handling"]),
        step=step,
        requester_name=mask_name(case.requester.name) if case.requester_id else "",
        unit_name=case.handling_unit.name if case.handling_unit_id else "",
        reply=appeal.reply if replied else "",
        rating_label=appeal.get_rating_display() if appeal.rating else "",
        resolved=appeal.resolved,
        timeline=list(reversed(timeline)),
        can_rate=case.state == "callback",
        objection_until=deadline if deadline and now <= deadline else None,
    )
