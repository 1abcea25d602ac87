"""State changes of the core app: org units, users, memberships, tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from fazhi.core import audit
from fazhi.core.models import ApiToken, Membership, OrgUnit, User


def create_unit(*, name: str, code: str, level: str, parent: OrgUnit | None = None, is_centre: bool = False) -> OrgUnit:
    return OrgUnit.objects.create(name=name, code=code, level=level, parent=parent, is_centre=is_centre)


def create_user(*, username: str, password: str, display_name: str = "", memberships=(), actor=None,
                is_staff: bool = False) -> User:
    """Create a user with (unit, role) memberships; the password is hashed with Argon2."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name,
                                        is_staff=is_staff)
        Membership.objects.bulk_create([Membership(user=user, unit=u, role=r) for u, r in memberships])
        audit.record(action="user.created", actor=actor, target=username,
                     details={"roles": sorted({r for _, r in memberships})})
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user: User, name: str, actor=None, source: str | None = None) -> str:
    """A new token for another system; `source` (default: the name) is the system it speaks for."""
    key = "fz_" + secrets.token_urlsafe(32)
    source = (source or name).strip()[:40]
    ApiToken.objects.create(user=user, name=name, source=source, key_hash=_hash(key))
    audit.record(action="token.issued", actor=actor, target=user.username, details={"name": name, "source": source})
    return key


def revoke_token(*, token_id: int, actor=None) -> bool:
    """Revoke a live token; False if there is none with that id."""
    token = ApiToken.objects.filter(pk=token_id, revoked=False).first()
    if token is None:
        return False
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(action="token.revoked", actor=actor, target=token.user.username, details={"name": token.name})
    return True


def token_for(key: str) -> ApiToken | None:
    """The live token with this key, its user loaded; None for unknown, revoked or inactive."""
    # key_hash is unique: [:1] rather than first(), whose ORDER BY only cost compiling time.
    token = next(iter(ApiToken.objects.select_related("user").filter(key_hash=_hash(key or ""), revoked=False)[:1]),
                 None)
    if token is None or not token.user.is_active:
        return None
    return token


def user_for_token(key: str) -> User | None:
    token = token_for(key)
    return token.user if token else None
