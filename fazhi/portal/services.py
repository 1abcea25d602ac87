"""Portal services: what a citizen may do without an account.

Every change goes through the appeals and case-engine services with `actor=None` — the system
acting on the citizen's behalf — so the portal never writes a model itself and the timeline,
clocks, audit chain and KPIs treat a web submission or rating like any other.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fazhi.appeals import services as appeals
from fazhi.appeals.workflow import OBJECTION_DAYS
from fazhi.cases import services as cases
from fazhi.cases.models import Case

# Only these fields come from the public form: a citizen cannot pick the channel, the urgency,
# the matter or an external id (which would let a resend hijack someone else's appeal).
PUBLIC_FIELDS = ("appeal_type", "title", "content", "name", "phone", "address")
DASHES = re.compile(r"[‐‑‒–—―－﹣ー]")


def submit(*, raw: dict, confidential: bool = False, now: datetime | None = None) -> Case:
    """Register an appeal from the portal (channel web); raises IntakeError on bad input.

    A request for confidentiality (GB/T 33358: the order kept confidential if the caller asks)
    is stored on the appeal like on every channel (core.masking.can_see_requester says what it
    hides) and also recorded as its own event in the same transaction, so staff see it on the
    timeline and a failed intake leaves neither behind.
    """
    now = now or timezone.now()
    data = {key: raw.get(key, "") for key in PUBLIC_FIELDS}
    data["channel"] = "web"
    data["confidential"] = bool(confidential)
    with transaction.atomic():
        case, _created = appeals.intake(actor=None, raw=data, now=now, phone_required=True)
        if confidential:
            cases.add_note(
                case=case,
                actor=None,
                comment="群众要求对其个人信息保密（承办单位不可见姓名和电话）",
                kind_suffix="confidential_requested",
                now=now,
                details={"confidential": True},
            )
    return case


def normalise_number(number: str) -> str:
    """Citizens type numbers from SMS or paper: full-width dashes, lower case, stray spaces."""
    return DASHES.sub("-", (number or "").strip().upper().replace(" ", ""))


def find(*, number: str, code: str) -> Case | None:
    """The appeal whose tracking number and query code both match, else None.

    The caller must not say which of the two was wrong, or the lockout would only have to
    guess one of them; the code is compared in constant time for the same reason.
    """
    number, code = normalise_number(number), (code or "").strip()
    case = (
        (
            Case.objects.filter(kind="appeal", number=number)
            .select_related("appeal", "requester", "handling_unit")
            .first()
        )
        if number
        else None
    )
    expected = case.appeal.query_code if case is not None and hasattr(case, "appeal") else ""
    if not expected or not code or not hmac.compare_digest(code.encode(), expected.encode()):
        return None
    return case


def get(number: str) -> Case | None:
    """Reload an appeal the citizen has already proved (number and code) in this session."""
    return (
        Case.objects.filter(kind="appeal", number=number)
        .select_related("appeal", "requester", "handling_unit")
        .first()
    )


def objection_deadline(case: Case) -> datetime | None:
    """Until when a closed appeal may be objected to: 7 natural days after the callback.

    An appeal answered on the spot has no callback; its closure starts the window instead.
    The workflow enforces its own rule when the objection is made; this only decides whether
    the portal offers the form.
    """
    if case.state != "closed":
        return None
    last = case.events.filter(kind="appeal.callback").order_by("-at", "-id").first()
    start = last.at if last else case.closed_at
    return start + timedelta(days=OBJECTION_DAYS) if start else None


def rate(*, case: Case, rating: str, resolved: bool, version: int, now: datetime | None = None) -> Case:
    """The citizen's own callback (回访评价) from the portal, replacing the agent's phone call."""
    return cases.transition(
        case=case,
        name="callback",
        actor=None,
        version=version,
        now=now,
        comment="群众网上评价",
        params={"rating": rating, "resolved": "yes" if resolved else "no"},
    )


def object_to(*, case: Case, reason: str, version: int, now: datetime | None = None) -> Case:
    """申诉: the citizen is not satisfied with a closed appeal; it goes back to handling."""
    return cases.transition(
        case=case, name="object", actor=None, version=version, now=now, comment=(reason or "").strip()
    )
