"""SQLite's query-planner statistics, kept current while the server runs.

SQLite gathers no statistics by itself, and without them it guesses: the repeat-appeal lookup
at intake (the same phone within 30 days) was driven from the (kind, received_at) index, reading
every appeal of the month, instead of from the phone index — 6 ms per intake at 10,000 appeals,
28 ms at 20,000, growing with the table. PostgreSQL's autovacuum keeps its own statistics.

So after a request, at most once every EVERY seconds per server thread (the first time EVERY
seconds after the thread's first request), SQLite is asked to `PRAGMA optimize`: it analyzes only
the tables this connection has queried whose statistics are missing or out of date (the table
grew 25-fold since), and otherwise does nothing, in microseconds; `analysis_limit` caps the rows
it samples per index, so even then it takes milliseconds (11 ms for the whole 50,000-appeal demo
database). It runs after the response has been sent (request_finished), never inside a
transaction, and a failure (the database busy past its timeout) is only logged: statistics are
an optimisation. With them the lookup above takes 0.9 ms on the demo database instead of 13 ms.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)
EVERY = 60.0  # seconds, per thread
ANALYSIS_LIMIT = 1000


def optimize_now_and_then(sender=None, **kwargs) -> None:
    if connection.vendor != "sqlite" or connection.connection is None or connection.in_atomic_block:
        return
    now = time.monotonic()
    last = getattr(connection, "_fazhi_optimized_at", None)  # on the thread's connection wrapper
    if last is None:
        # Not at the first request: statistics of a new database's near-empty tables would steer
        # the planner no better than none, and SQLite redoes them only after 25-fold growth.
        connection._fazhi_optimized_at = now
        return
    if now - last < EVERY:
        return
    connection._fazhi_optimized_at = now
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            cursor.execute("PRAGMA optimize")
    except DatabaseError:
        logger.warning("PRAGMA optimize failed; SQLite keeps its old statistics", exc_info=True)
