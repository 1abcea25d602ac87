"""Org units, users and their roles, the holiday calendar, numbering and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("部门")
    COMPANY = "company", _("企业")
    CENTRE = "centre", _("中心")


class OrgUnit(models.Model):
    """A node of the org-unit tree.

    `path` is a materialised path ("/1/7/42/") so that "this unit and everything below it"
    is one indexed prefix query on both SQLite and PostgreSQL, with no recursive CTEs.
    """

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    level = models.CharField(_("层级"), max_length=20, choices=UnitLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_centre = models.BooleanField(_("是否为中心（可见全部）"), default=False)
    leader = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_units",
        verbose_name=_("负责人"),
    )

    class Meta:
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from django.db import transaction

        with transaction.atomic():
            super().save(*args, **kwargs)
            expected = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            if self.path == expected:
                return
            old, self.path = self.path, expected
            OrgUnit.objects.filter(pk=self.pk).update(path=expected)
            if old:  # a move: every descendant's path hangs off the old one and must follow
                for child in OrgUnit.objects.filter(path__startswith=old).exclude(pk=self.pk).only("pk", "path"):
                    OrgUnit.objects.filter(pk=child.pk).update(path=expected + child.path[len(old):])

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    CENTRE_ADMIN = "centre_admin", _("中心管理员")
    INTAKE_AGENT = "intake_agent", _("受理员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    REVIEWER = "reviewer", _("审核员")
    LEGAL_OFFICER = "legal_officer", _("法制审核员")
    DISCLOSURE_OFFICER = "disclosure_officer", _("信息公开专员")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计员")
    CITIZEN = "citizen", _("群众")


class User(AbstractUser):
    """A staff member or registered citizen; names are shown masked to roles that need not see them."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


class Holiday(models.Model):
    """An override of the chinese-calendar package: a holiday or a make-up workday (调休).

    Admins enter years the package does not know yet (or import them from a file); a row
    here always wins over the package.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否为工作日（调休上班）"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class HolidayYear(models.Model):
    """Marks a year whose official schedule has been entered in full.

    Until a year is marked (or known to the package), deadlines reaching into it are
    computed on weekends alone and flagged provisional.
    """

    year = models.PositiveIntegerField(_("年份"), unique=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已录入的年度节假日安排")
        verbose_name_plural = _("已录入的年度节假日安排")

    def __str__(self) -> str:
        return str(self.year)


class Counter(models.Model):
    """Per-kind, per-year sequence for human-readable case numbers (SQ-2026-000123)."""

    key = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="uniq_counter")]


class AuditEntry(models.Model):
    """Append-only, hash-chained audit log.

    Each entry's hash covers its content and the previous entry's hash, so editing or
    deleting any entry breaks the chain at that point and `fazhi audit verify` names it.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}"


class ApiToken(models.Model):
    """A bearer token for other systems (an upstream 12345 platform, AI grid patrol).

    Only the SHA-256 of the token is stored; the token itself is shown once at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    # Requests made with this token are registered under this source, so the idempotency key
    # (source, external_id) of one system can never collide with another's.
    source = models.CharField(_("来源系统标识"), max_length=40, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"
