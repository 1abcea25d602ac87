"""Password login with lockout after repeated failures.

Failures are counted per account: after FAZHI_LOCKOUT_ATTEMPTS consecutive failures the
account is refused, even with the right password, for FAZHI_LOCKOUT_MINUTES. Every
failure, lockout and success goes to the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from fazhi.core import audit
from fazhi.core.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        now = timezone.now()
        ip = request.META.get("REMOTE_ADDR", "") if request else ""
        user = User.objects.filter(username=username).first()
        if user and user.locked_until and user.locked_until > now:
            audit.record(action="auth.locked_out", actor=username, ip=ip, now=now)
            # PermissionDenied stops Django trying other backends and fails the login.
            raise PermissionDenied("locked")
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            audit.record(action="auth.failed", actor=username, details={"reason": "unknown user"}, ip=ip, now=now)
            return None
        if result is None:
            # Count atomically: parallel guesses must not overwrite each other's increments.
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            failures = User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).get()
            locked = failures >= settings.FAZHI_LOCKOUT_ATTEMPTS
            if locked:
                User.objects.filter(pk=user.pk).update(
                    failed_logins=0, locked_until=now + timedelta(minutes=settings.FAZHI_LOCKOUT_MINUTES))
            audit.record(action="auth.failed", actor=username, ip=ip, now=now, details={"locked": locked})
            return None
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(action="auth.login", actor=username, ip=ip, now=now)
        return result
