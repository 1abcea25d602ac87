"""The case engine's tables: every 件 shares one spine so counting, clocks and permissions work alike."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345热线")
    WEB = "web", _("网站")
    APP = "app", _("移动应用")
    MINIPROGRAM = "miniprogram", _("小程序")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    FAX = "fax", _("传真")
    GRID_PATROL = "grid_patrol", _("AI网格员")
    INSPECTION = "inspection", _("督查系统")
    UPSTREAM = "upstream", _("上级平台")
    API = "api", _("接口")
    IMPORT = "import", _("批量导入")


class ClockState(models.TextChoices):
    NONE = "none", _("未计时")
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    STOPPED = "stopped", _("已停止")


class Requester(models.Model):
    """Personal data of whoever raised a case, kept apart from the case so it can be masked by role."""

    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, db_index=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    organisation = models.CharField(_("单位名称"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("诉求人")
        verbose_name_plural = _("诉求人")

    def __str__(self) -> str:
        return self.name or self.phone


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        """Open cases past their deadline, usable as a filter without a stored flag."""
        return self.open().filter(due_at__lt=now or timezone.now())

    def registered_as(self, source: str, external_id: str):
        """The case an outside system registered under (source, external_id) — the idempotency
        key of intake — or None (always None without an external id).

        The WHERE repeats the unique index's condition (external_id <> '') and there is no ORDER
        BY: SQLite uses a partial index only when the query names its condition, and with the
        model's default ordering it walked the whole received_at index instead — 112 ms per
        intake on the 50,000-appeal demo database. PostgreSQL uses the index either way.
        """
        if not external_id:
            return None
        # The id first: nearly every intake is new, and one column compiles and reads faster.
        found = self.filter(source=source, external_id=external_id).exclude(external_id="").order_by()
        pk = next(iter(found.values_list("pk", flat=True)[:1]), None)
        return None if pk is None else self.filter(pk=pk).first()

    def visible_to(self, units):
        """Cases owned or handled by any of `units` or the units below them."""
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(owner_unit__path__startswith=unit.path) | Q(handling_unit__path__startswith=unit.path)
        return self.filter(q)


class Case(models.Model):
    kind = models.CharField(_("类别"), max_length=30, db_index=True)
    number = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    requester = models.ForeignKey(Requester, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    owner_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("主管单位")
    )
    handling_unit = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="handled_cases",
        verbose_name=_("承办单位"),
    )
    state = models.CharField(_("状态"), max_length=30, db_index=True)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    clock_state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.NONE)
    clock = models.JSONField(default=dict, blank=True)  # rule, started_at, pauses, extensions
    due_provisional = models.BooleanField(_("期限待定（节假日未公布）"), default=False)
    source = models.CharField(_("来源系统"), max_length=40, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_at", "-id"]
        constraints = [
            # Idempotent intake: an outside system may resend an item any number of times.
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="uniq_case_source_external_id"
            )
        ]
        indexes = [models.Index(fields=["kind", "state"]), models.Index(fields=["kind", "received_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_overdue(self) -> bool:
        return self.closed_at is None and self.due_at is not None and self.due_at < timezone.now()


class CaseEvent(models.Model):
    """Append-only timeline entry; every KPI is a query over these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=60, db_index=True)  # e.g. "appeal.dispatched"
    transition = models.CharField(max_length=40, blank=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=30, blank=True)
    unit = models.ForeignKey("core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["case", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"
