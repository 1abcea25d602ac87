"""Which source system an API call speaks for."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError


def bound_source(request: HttpRequest, claimed: str) -> str:
    """The source a create call registers under: a token's own, whatever the body claims.

    Idempotency is keyed by (source, external_id); if a system could name another's source, a
    resend check would hand it the other system's record (or swallow its own new one). A body
    naming a different source is refused; a signed-in browser keeps what it sent.
    """
    bound = getattr(request, "api_source", None)
    if bound is None:
        return claimed
    if claimed and claimed != bound:
        raise HttpError(403, f"该接口令牌只能以来源“{bound}”登记，不能使用来源“{claimed}”")
    return bound
