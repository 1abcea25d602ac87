"""Switching auto-dispatch on and off, with the PIPL impact assessment recorded first.

Auto-dispatch is automated decision-making (PIPL Arts. 24, 55–56). It may run only under a
recorded decision naming who approved it, when, the model version, that model's evaluation
figures and the threshold; every decision is a new row, so the history is the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fazhi.appeals.models import AutoDispatchPolicy
from fazhi.appeals.validation import IntakeError
from fazhi.core import audit

MIN_ASSESSMENT = 20


def decide(*, actor, enabled: bool, threshold: float, assessment: str, model_version: str, evaluation: dict,
           now: datetime | None = None) -> AutoDispatchPolicy:
    errors = {}
    if not 0.5 <= threshold <= 1.0:
        errors["threshold"] = "置信度阈值应在 0.5 至 1 之间"
    if enabled and not model_version:
        errors["model"] = "尚无已训练的分拨模型，不能启用自动分拨"
    if enabled and len((assessment or "").strip()) < MIN_ASSESSMENT:
        errors["assessment"] = f"启用自动分拨前须填写个人信息保护影响评估结论（不少于 {MIN_ASSESSMENT} 字）"
    if errors:
        raise IntakeError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        policy = AutoDispatchPolicy.objects.create(
            enabled=enabled, threshold=threshold, model_version=model_version, evaluation=evaluation,
            assessment=assessment.strip(), approved_by=actor, approved_at=now)
        audit.record(action="dispatch.auto_enabled" if enabled else "dispatch.auto_disabled", actor=actor,
                     target=model_version, details={"threshold": threshold, "policy": policy.pk}, now=now)
    return policy
