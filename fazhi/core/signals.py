"""Signals of the core app, and the announcement that the holiday schedule changed.

Open cases store their deadlines, so a corrected or newly loaded schedule has to reach them
(DOMAIN §0): whoever changes Holiday/HolidayYear rows — the import service, or an admin
editing one row — ends in announce(), which drops the cached calendar at once and, once the
transaction commits, sends `holidays_changed` so the case engine recomputes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from fazhi.core import calendar

# Sent (on commit) after a year's holiday schedule is loaded or corrected, with years=[...].
holidays_changed = Signal()

_local = threading.local()


def announce(years: Iterable[int]) -> None:
    """Invalidate the calendar now and tell listeners after commit (nothing if rolled back).

    Invalidated twice: now, so code later in this transaction sees the new rows; and again
    at commit, so a request in another thread that rebuilt the cache from the old rows in
    between cannot keep them.
    """
    years = sorted(set(years))
    calendar.invalidate()

    def send() -> None:
        calendar.invalidate()
        holidays_changed.send(sender=announce, years=years)

    transaction.on_commit(send)


@contextmanager
def bulk_change() -> Iterator[None]:
    """Hold back the per-row announcements while a service replaces many rows and announces once."""
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


@receiver(post_save, sender="core.Holiday", dispatch_uid="core.holiday_saved")
@receiver(post_delete, sender="core.Holiday", dispatch_uid="core.holiday_deleted")
def _holiday_row_changed(sender, instance, **kwargs) -> None:
    if getattr(_local, "depth", 0):
        calendar.invalidate()
        return
    announce([instance.date.year])


@receiver(post_save, sender="core.HolidayYear", dispatch_uid="core.holiday_year_saved")
@receiver(post_delete, sender="core.HolidayYear", dispatch_uid="core.holiday_year_deleted")
def _holiday_year_changed(sender, instance, **kwargs) -> None:
    if getattr(_local, "depth", 0):
        calendar.invalidate()
        return
    announce([instance.year])
