"""Intake API for other systems (AI grid patrol, inspection systems, an upstream 12345 platform)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from fazhi.appeals import services
from fazhi.appeals.schemas import AppealIn, AppealOut
from fazhi.appeals.validation import IntakeError
from fazhi.core.access import roles_of
from fazhi.core.api_source import bound_source
from fazhi.core.models import Role

router = Router(tags=["appeals"])
INTAKE_ROLES = {Role.INTAKE_AGENT, Role.CENTRE_ADMIN}


def _out(case, created: bool) -> dict:
    appeal = getattr(case, "appeal", None)
    return {"number": case.number, "state": case.state, "created": created, "due_at": case.due_at,
            "due_provisional": case.due_provisional,
            "handling_unit": case.handling_unit.name if case.handling_unit_id else None,
            "suggestions": appeal.suggestions if appeal else [],
            "confidential": appeal.confidential if appeal else False}


@router.post("/appeals", response={200: AppealOut, 201: AppealOut})
def create_appeal(request, payload: AppealIn):
    """Register an appeal; resending the same (source, external_id) returns the first one (200)."""
    if not (request.user.is_superuser or roles_of(request.user) & INTAKE_ROLES):
        raise HttpError(403, "无权登记诉求")
    received_at = payload.received_at
    if received_at and timezone.is_naive(received_at):
        # A time without an offset is local (Asia/Shanghai), as the upstream platforms send it;
        # compared as-is with an aware "now" it raised TypeError (HTTP 500).
        received_at = timezone.make_aware(received_at)
    if received_at and received_at > timezone.now():
        raise HttpError(422, "输入有误：受理时间不能晚于当前时间")
    raw = payload.dict()
    raw["source"] = bound_source(request, raw.get("source") or "")
    try:
        case, created = services.intake(actor=request.user, raw=raw, received_at=received_at,
                                        phone_required=False)
    except IntakeError as exc:
        raise HttpError(422, "输入有误：" + "；".join(exc.errors.values())) from None
    return Status(201 if created else 200, _out(case, created))
