"""Disclosure services, one module per job; this package re-exports them under one name.

Callers write `from fazhi.disclosure import services` and `services.register(...)`, so the split
into modules is invisible to views, the API, the workflow and the tests:

- `common`     who handles requests, the intake error, local dates
- `intake`     registering a request (Arts. 29, 31) and firing its transitions
- `documents`  rendering and keeping the notices; the answer letter's fields
- `answers`    recording an outcome (Art. 36) with its answer letter
- `clock`      the statutory clock as staff see it
- `fees`       the information-processing fee notice on the clock (pause, payment, (六)2)
- `proactive`  proactive-disclosure records
- `report`     the annual disclosure report: tables, checks, finalising, export
- `dashboard`  the dashboard's figures

The state changes of a request go through the case engine (`act` → cases.services.transition);
the workflow's effects call `make_letter` and `record_outcome`. Time and actor are passed in, so
the views, the API and the tests run the same code.
"""

from fazhi.cases.errors import GuardRefused
from fazhi.disclosure.services.answers import draft_response, record_outcome
from fazhi.disclosure.services.clock import ClockStatus, clock_status
from fazhi.disclosure.services.common import OFFICERS, RequestError, as_date, clock_start, local_day
from fazhi.disclosure.services.dashboard import dashboard
from fazhi.disclosure.services.documents import (
    AUTO_FIELDS,
    letter_extra,
    make_letter,
    missing_letter_fields,
)
from fazhi.disclosure.services.fees import nth_in_month, sweep_unpaid_fees
from fazhi.disclosure.services.intake import CASE_CHANNEL, act, clean_request, register
from fazhi.disclosure.services.proactive import import_proactive
from fazhi.disclosure.services.report import (
    AnnualView,
    annual_report,
    export_annual,
    finalise_annual,
    save_annual_text,
)

__all__ = [
    "AUTO_FIELDS",
    "CASE_CHANNEL",
    "OFFICERS",
    "AnnualView",
    "ClockStatus",
    "GuardRefused",
    "RequestError",
    "act",
    "annual_report",
    "as_date",
    "clean_request",
    "clock_start",
    "clock_status",
    "dashboard",
    "draft_response",
    "export_annual",
    "finalise_annual",
    "import_proactive",
    "letter_extra",
    "local_day",
    "make_letter",
    "missing_letter_fields",
    "nth_in_month",
    "record_outcome",
    "register",
    "save_annual_text",
    "sweep_unpaid_fees",
]
