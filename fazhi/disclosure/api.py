"""Disclosure API: register a request from another system (an online portal, a province platform),
read its state, and read a unit's annual table 2/3 with the consistency problems."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from fazhi.cases.models import Case
from fazhi.core.access import acting_membership, can_see_case
from fazhi.core.api_source import bound_source
from fazhi.core.models import OrgUnit
from fazhi.disclosure import services
from fazhi.disclosure.annual import COLUMN_LABELS, ROW_LABELS, TABLE2_COLUMNS, TABLE2_ROWS
from fazhi.disclosure.registry import VIEWERS
from fazhi.disclosure.schemas import AnnualOut, DisclosureRequestIn, DisclosureRequestOut

router = Router(tags=["disclosure"])


def _out(case: Case, created: bool = False) -> dict:
    d = case.disclosure
    return {
        "number": case.number,
        "state": case.state,
        "created": created,
        "received_on": d.received_on,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "clock_state": case.clock_state,
        "outcome": d.outcome,
        "outcome_on": d.outcome_on,
    }


@router.post("/disclosure/requests", response={200: DisclosureRequestOut, 201: DisclosureRequestOut})
def create_request(request, payload: DisclosureRequestIn):
    """Register a request; resending the same (source, external_id) returns the first one (200)."""
    unit = get_object_or_404(OrgUnit, pk=payload.unit)
    raw = payload.dict()
    case, created = services.register(
        actor=request.user, unit=unit, raw=raw, source=bound_source(request, raw.pop("source") or ""), external_id=raw.pop("external_id")
    )
    case.refresh_from_db()
    return Status(201 if created else 200, _out(case, created))


@router.get("/disclosure/requests/{number}", response=DisclosureRequestOut)
def get_request(request, number: str):
    case = get_object_or_404(Case.objects.select_related("disclosure"), number=number, kind="disclosure")
    if not can_see_case(request.user, case):
        raise HttpError(404, "未找到")
    return _out(case)


@router.get("/disclosure/annual", response=AnnualOut)
def annual(request, unit: int, year: int, include_sub_units: bool = False):
    """Table 2 (25 rows × 7 columns, national order) and table 3, computed from the records;
    `include_sub_units=true` covers the unit and every unit below it (含下级单位), each request once."""
    org = get_object_or_404(OrgUnit, pk=unit)
    if not (request.user.is_superuser or acting_membership(request.user, roles=VIEWERS, targets=[org])):
        raise HttpError(403, "无权查看该单位的年度报告")
    view = services.annual_report(unit=org, year=year, include_sub_units=include_sub_units)
    t = view.tables
    return {
        "unit": org.name,
        "year": year,
        "include_sub_units": include_sub_units,
        "columns": [COLUMN_LABELS[c] for c in TABLE2_COLUMNS],
        "table2": [{"key": r, "label": ROW_LABELS[r], "values": t.requests.row(r)} for r in TABLE2_ROWS],
        "table3": {
            k: t.reviews.row(k)
            for k in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
        },
        "problems": [
            {"code": p.code, "message": p.message, "request_numbers": list(p.request_numbers)}
            for p in view.problems
        ],
    }
