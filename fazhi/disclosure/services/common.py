"""What every disclosure service shares: who may handle requests, the intake error, and dates.

Dates are counted in Asia/Shanghai, because the Regulations count whole local days; these helpers
keep the conversion in one place so that a form string, a date and an aware datetime all land on
the same day.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from fazhi.cases.clock import SHANGHAI
from fazhi.cases.errors import CaseError
from fazhi.core.models import Role

OFFICERS = frozenset({Role.DISCLOSURE_OFFICER, Role.CENTRE_ADMIN})


class RequestError(CaseError):
    """Bad intake input: one Chinese message per field; nothing has been saved."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def as_date(value) -> date | None:
    """A date from a form string, a date or a datetime (taken in Asia/Shanghai); None if unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, SHANGHAI).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, SHANGHAI).date()


def clock_start(day: date) -> datetime:
    """The instant a clock counts from when only the day is known (the start day is never counted)."""
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)
