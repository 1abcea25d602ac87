"""From a dispatch-model prediction to a handling unit, and auto-dispatch when allowed.

The model predicts a category (or matter); the matter catalogue maps it to the unit that
owns it — at district level a department, or, for street-level matters, the street of the
appeal's place. Auto-dispatch fires only when an approved policy is on and the model is sure.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from fazhi.appeals.models import Appeal, AutoDispatchPolicy, Matter
from fazhi.config import config

log = logging.getLogger(__name__)


def model_path() -> Path:
    return config.data_dir / "models" / "dispatch.model"


@lru_cache(maxsize=1)
def _load(path: str, mtime: float):
    from fazhi.dispatch import load

    return load(path)


def current_model():
    path = model_path()
    if not path.exists():
        return None
    try:
        return _load(str(path), path.stat().st_mtime)
    except Exception as exc:  # noqa: BLE001 - a broken model must never block intake
        log.warning("dispatch model not loaded: %s", exc)
        return None


def unit_for(category: str, appeal: Appeal):
    """The handling unit for a predicted category at the appeal's place."""
    matter = (
        Matter.objects.filter(category=category, level=1, active=True).select_related("responsible_unit").first()
        or Matter.objects.filter(category=category, active=True).select_related("responsible_unit").first()
    )
    if matter is None:
        return None
    if matter.street_level and appeal.place_id:
        return appeal.place
    return matter.responsible_unit


def category_for_unit(unit) -> str:
    """The first-level category a department owns in the catalogue ("" for streets and unknown units)."""
    if unit is None or unit.level == "street":
        return ""
    return (Matter.objects.filter(responsible_unit=unit, level=1, active=True).values_list("category", flat=True)
            .first() or "")


def current_policy() -> AutoDispatchPolicy | None:
    return AutoDispatchPolicy.objects.first()


def suggest(appeal: Appeal, model=None) -> list[dict]:
    model = model or current_model()
    if model is None:
        return []
    case = appeal.case
    out = []
    for rank, (label, prob) in enumerate(model.predict(f"{case.title}\n{case.body}", k=3), start=1):
        unit = unit_for(label, appeal)
        out.append({"rank": rank, "category": label, "probability": round(float(prob), 4),
                    "unit": unit.pk if unit else None, "unit_name": unit.name if unit else ""})
    return out


def suggest_and_maybe_dispatch(*, case, appeal: Appeal, now, model=None) -> bool:
    """Store the top-3 suggestions on the appeal; dispatch it when the policy allows. True if dispatched."""
    model = model or current_model()
    if model is None:
        return False
    suggestions = suggest(appeal, model)
    version = getattr(model, "version", "") or ""
    appeal.suggestions = suggestions
    appeal.model_version = str(version)[:60]
    if suggestions and not appeal.category:
        appeal.category = suggestions[0]["category"]
    appeal.save(update_fields=["suggestions", "model_version", "category"])
    policy = current_policy()
    top = suggestions[0] if suggestions else None
    # Only the model version named in the approved impact assessment may decide on its own.
    if not (policy and policy.enabled and policy.model_version == str(version) and top and top["unit"]
            and top["probability"] >= policy.threshold):
        return False
    from fazhi.cases import services as cases

    cases.transition(case=case, name="dispatch", actor=None, now=now, comment="自动分拨", params={
        "unit": top["unit"], "auto": True, "probability": top["probability"], "model_version": str(version),
        "suggestion_rank": 1,
    })
    return True
