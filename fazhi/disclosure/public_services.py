"""Public disclosure intake: a citizen asks for government information without an account.

Everything goes through `services.register` with `actor=None` (the system acting on the
requester's behalf), so a web request is checked by exactly the rules staff intake applies
(`clean_request`), gets its number, clock and audit entry the same way, and a failed submission
saves nothing.

The query code is not stored in clear: a keyed hash of (number, code) sits in the details of a
timeline note written in the same transaction ("disclosure.public_code"), so no migration is
needed, staff see that the request came from the portal, and a database reader cannot track a
request. The code is shown once, on the receipt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fazhi.cases import services as cases
from fazhi.cases.models import Case, CaseEvent, ClockState
from fazhi.core.models import OrgUnit, Role
from fazhi.disclosure import services
from fazhi.disclosure.outcomes import Outcome, ReceiptChannel
from fazhi.portal import throttle
from fazhi.portal.services import normalise_number

# Only these come from the public form: the channel and the dates are the system's to set.
PUBLIC_FIELDS = (
    "requester_type",
    "name",
    "organisation",
    "id_number",
    "phone",
    "address",
    "email",
    "description",
    "purpose",
    "form_of_provision",
    "acquisition_method",
)
CODE_EVENT = "public_code"

SUBMIT_LIMIT = 5  # requests per IP …
SUBMIT_WINDOW = 10 * 60  # … per 10 minutes
TRACK_ATTEMPTS = 5  # wrong number/code pairs per IP before the lockout
TRACK_LOCKOUT = 10 * 60  # seconds


def receiving_units():
    """The offices a citizen may address: those with at least one active disclosure officer."""
    return (
        OrgUnit.objects.filter(memberships__role=Role.DISCLOSURE_OFFICER, memberships__user__is_active=True)
        .distinct()
        .order_by("path")
    )


def _digest(number: str, code: str) -> str:
    key = f"fazhi.disclosure.public:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def _intake(raw, today: date) -> dict:
    data = {key: raw.get(key) or "" for key in PUBLIC_FIELDS}
    data.update(receipt_channel=ReceiptChannel.ONLINE.value, submitted_on=today, confirmed_on=today)
    return data


def check(raw, *, now: datetime | None = None) -> None:
    """Raise services.RequestError with every problem of a public request; saves nothing."""
    today = services.local_day(now or timezone.now())
    services.clean_request(_intake(raw, today), today=today)


def submit(*, unit: OrgUnit, raw: dict, now: datetime | None = None) -> tuple[Case, str]:
    """Register a request made on the public form; returns (case, query code).

    Art. 31 counts an online request as received on the day both sides confirm. Here the
    system's acknowledgement — the receipt with its number, shown the moment the request is
    saved — is the office's confirmation, and the requester's submission is theirs, so
    submission, confirmation and receipt are all today (Asia/Shanghai) and the 20 working days
    of Art. 33 start now. An office that wants a later, manual confirmation should not use this
    form. Raises services.RequestError (nothing saved) on bad input.
    """
    now = now or timezone.now()
    data = _intake(raw, services.local_day(now))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        case, _created = services.register(actor=None, unit=unit, raw=data, now=now, source="public")
        cases.add_note(
            case=case,
            actor=None,
            comment="申请人通过网上申请平台提交，系统即时确认收到并发放查询码",
            kind_suffix=CODE_EVENT,
            now=now,
            details={"query_code_hmac": _digest(case.number, code)},
        )
    return case, code


def find(*, number: str, code: str) -> Case | None:
    """The request whose number and query code both match, else None (never says which was wrong)."""
    number, code = normalise_number(number), (code or "").strip()
    if not number or not code:
        return None
    case = (
        Case.objects.filter(kind="disclosure", number=number)
        .select_related("disclosure", "owner_unit")
        .first()
    )
    if case is None:
        _digest(number, code)  # same work either way
        return None
    stored = (
        CaseEvent.objects.filter(case=case, kind=f"disclosure.{CODE_EVENT}")
        .values_list("details", flat=True)
        .first()
    ) or {}
    expected = stored.get("query_code_hmac") or ""
    if not expected or not hmac.compare_digest(_digest(case.number, code), expected):
        return None
    return case


# -- what the requester may read ----------------------------------------------------------------
@dataclass
class PublicStatus:
    """A citizen-safe view of a request: no comments, no staff, no internal steps."""

    number: str
    unit: str
    received_on: date
    stage: str  # received | amendment | fee | processing | answered | abandoned
    label: str
    due_on: date | None = None
    extended_to: date | None = None
    # The date was counted over a year whose holiday schedule is not published yet: it may move.
    provisional: bool = False
    amendment_items: list[str] = field(default_factory=list)
    amend_by: date | None = None
    fee_amount: Decimal | None = None
    fee_explanation: str = ""
    fee_pay_by: date | None = None
    outcome: str = ""
    outcome_on: date | None = None
    delivered_on: date | None = None


STAGES = {
    "received": ("received", "已收到申请，正在审查"),
    "amendment_requested": ("amendment", "需要补正申请内容"),
    "processing": ("processing", "办理中"),
    "consulting": ("processing", "办理中"),
    "extension_pending": ("processing", "办理中"),
    "fee_pending": ("fee", "待缴纳信息处理费"),
    "answered": ("answered", "已答复"),
    "delivered": ("answered", "已答复"),
    "abandoned": ("abandoned", "逾期未补正，申请视为放弃"),
    "fee_unpaid": ("abandoned", "逾期未缴纳信息处理费，申请视为放弃"),
}


def status(case: Case) -> PublicStatus:
    d = case.disclosure
    stage, label = STAGES.get(case.state, ("processing", "办理中"))
    running = case.closed_at is None and case.clock_state != ClockState.PAUSED and case.due_at
    s = PublicStatus(
        number=case.number,
        unit=case.owner_unit.name,
        received_on=d.received_on,
        stage=stage,
        label=label,
        due_on=services.local_day(case.due_at) if running else None,
    )
    if d.extension_days and case.due_at and stage == "processing":
        s.extended_to = services.local_day(case.due_at)
    s.provisional = bool((s.due_on or s.extended_to) and case.due_provisional)
    if stage == "amendment":
        s.amendment_items, s.amend_by = d.amendment_item_list, d.amend_by
    if stage == "fee":
        s.fee_amount, s.fee_explanation, s.fee_pay_by = d.fee_charged, d.fee_explanation, d.fee_pay_by
    if d.outcome:
        s.outcome, s.outcome_on = str(Outcome(d.outcome).label), d.outcome_on
        s.delivered_on = d.letter_delivered_on
    return s


# -- per-IP limits: the portal's counters under their own scope, so the two forms do not share a budget
_SCOPE = "disclosure-public"


def submit_allowed(ip: str) -> bool:
    return throttle.submit_allowed(ip, scope=_SCOPE, limit=SUBMIT_LIMIT)


def count_submission(ip: str) -> None:
    throttle.count_submission(ip, scope=_SCOPE, window=SUBMIT_WINDOW)


def track_locked(ip: str) -> bool:
    return throttle.track_locked(ip, scope=_SCOPE)


def track_failed(ip: str) -> bool:
    """Count a wrong pair; True when this one locked the IP out for TRACK_LOCKOUT seconds."""
    return throttle.track_failed(ip, scope=_SCOPE, attempts=TRACK_ATTEMPTS, lockout=TRACK_LOCKOUT)
