"""Disclosure pages, grouped by page: requests, the annual report, the dashboard, the records
behind tables 1 and 3. Views parse input and call services; nothing more.

The names are re-exported so that `from fazhi.disclosure import views; views.queue` keeps working.
"""

from fazhi.disclosure.views.annual import annual, annual_export
from fazhi.disclosure.views.records import proactive, proactive_import, proactive_template, reviews
from fazhi.disclosure.views.requests import act, answer, intake, letter, queue
from fazhi.disclosure.views.stats import dashboard

__all__ = [
    "act",
    "annual",
    "annual_export",
    "answer",
    "dashboard",
    "intake",
    "letter",
    "proactive",
    "proactive_import",
    "proactive_template",
    "queue",
    "reviews",
]
