"""Per-IP counters in Django's cache: the submission rate limit and the tracking lockout.

The cache is enough here: the limits are a brake on bots and on guessing query codes, not a
record anyone relies on, so losing them on a restart is harmless. A multi-worker deployment
needs a shared cache (database or memcached) for the limits to hold across workers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

SUBMIT_LIMIT = 10  # submissions per IP …
SUBMIT_WINDOW = 10 * 60  # … per 10 minutes
TRACK_ATTEMPTS = 5  # wrong number/code pairs per IP before the lockout
TRACK_LOCKOUT = 10 * 60  # seconds


def client_ip(request) -> str:
    """REMOTE_ADDR, or the first X-Forwarded-For hop when the site says a proxy sets it.

    Trusting the header by default would let anyone dodge the limits by inventing it; not
    trusting it behind a proxy would put every citizen under one shared limit. Hence a setting.
    """
    if getattr(settings, "FAZHI_PORTAL_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _bump(key: str, window: int) -> int:
    """Count one more hit in a fixed window that starts at the first hit."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


# `scope` keeps separate budgets for separate public forms (the appeals portal, the disclosure
# request form) on the same counters.
def submit_allowed(ip: str, *, scope: str = "portal", limit: int | None = None) -> bool:
    return (cache.get(f"{scope}:submit:{ip}") or 0) < (SUBMIT_LIMIT if limit is None else limit)


def count_submission(ip: str, *, scope: str = "portal", window: int = SUBMIT_WINDOW) -> None:
    _bump(f"{scope}:submit:{ip}", window)


def track_locked(ip: str, *, scope: str = "portal") -> bool:
    return cache.get(f"{scope}:track-lock:{ip}") is not None


def track_failed(ip: str, *, scope: str = "portal", attempts: int = TRACK_ATTEMPTS,
                 lockout: int = TRACK_LOCKOUT) -> bool:
    """Count a wrong try; returns True when this try locked the IP out.

    The lock is its own key so that it lasts the full ten minutes from the last allowed try,
    whenever in the counting window that try fell. A right answer does not reset the count:
    otherwise anyone holding one valid pair could interleave it to guess codes forever.
    """
    failures = _bump(f"{scope}:track-fail:{ip}", lockout)
    if failures >= attempts:
        cache.set(f"{scope}:track-lock:{ip}", True, lockout)
        cache.delete(f"{scope}:track-fail:{ip}")
        return True
    return False
