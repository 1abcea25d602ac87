"""Dispatch suggestions at intake, from the dispatch model when one is installed.

Kept apart from services so intake works (with no suggestions) before any model exists.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def on_intake(*, case, appeal, now):
    """Suggest (and maybe auto-dispatch) a just-registered appeal; returns the case as it now is.

    Without an installed model nothing is opened at all: on SQLite even an empty transaction
    takes the database's write lock. A model or routing failure is logged and never undoes (or
    hides) the registered appeal: the dispatcher still sees it in the queue.
    """
    from fazhi.appeals import routing

    model = routing.current_model()
    if model is None:
        return case
    try:
        with transaction.atomic():
            dispatched = routing.suggest_and_maybe_dispatch(case=case, appeal=appeal, now=now, model=model)
    except Exception:  # noqa: BLE001 - logged, see above
        log.exception("dispatch suggestion failed for %s", case.number)
        case.refresh_from_db()
        return case
    if dispatched:
        case.refresh_from_db()
    return case
