"""Case engine endpoints shared by every kind: read cases, fire transitions."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from fazhi.cases import services
from fazhi.cases.models import Case
from fazhi.cases.views import filter_cases
from fazhi.core.access import can_see_case, visible_cases

router = Router(tags=["cases"])


class CaseListItem(Schema):
    number: str
    kind: str
    title: str
    state: str
    channel: str
    received_at: datetime
    due_at: datetime | None
    due_provisional: bool
    closed_at: datetime | None
    version: int
    handling_unit: str | None

    @staticmethod
    def resolve_handling_unit(obj):
        return obj.handling_unit.name if obj.handling_unit_id else None


class EventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    at: datetime
    comment: str
    details: dict


class CaseOut(CaseListItem):
    body: str
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class TransitionIn(Schema):
    version: int
    comment: str = ""
    params: dict = {}


@router.get("/cases", response=list[CaseListItem])
@paginate(PageNumberPagination, page_size=50)
def list_cases(request, kind: str = "", state: str = "", q: str = "", overdue: str = "", open: str = ""):
    qs = visible_cases(request.user, Case.objects.select_related("handling_unit"))
    return filter_cases(qs, {"kind": kind, "state": state, "q": q, "overdue": overdue, "open": open})


def _get_visible(request, number: str) -> Case:
    case = get_object_or_404(Case, number=number)
    if not can_see_case(request.user, case):
        raise HttpError(404, "案件不存在或无权查看")
    return case


@router.get("/cases/{number}", response=CaseOut)
def get_case(request, number: str):
    return _get_visible(request, number)


@router.post("/cases/{number}/transitions/{name}", response=CaseOut)
def fire_transition(request, number: str, name: str, payload: TransitionIn):
    case = _get_visible(request, number)
    return services.transition(case=case, name=name, actor=request.user, version=payload.version,
                               comment=payload.comment, params=payload.params)
