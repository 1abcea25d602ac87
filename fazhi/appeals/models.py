"""Appeal-specific tables: the matter catalogue, the appeal detail beside its Case, knowledge answers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealType(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    HELP = "help", _("求助")
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    REPORT = "report", _("举报")
    PRAISE = "praise", _("表扬")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Matter(models.Model):
    """A node of the matter catalogue (民生事项标准), three levels deep.

    `responsible` maps an org level to the kind of unit that owns the matter there, e.g.
    {"district": "DEPT-HOUSING", "street": "street"}: dispatch resolves it against the
    appeal's place. Each change bumps `version` and writes a MatterChange.
    """

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    category = models.CharField(_("一级分类"), max_length=50, blank=True, db_index=True)
    keywords = models.CharField(_("关键词"), max_length=500, blank=True)
    legal_basis = models.CharField(_("法律依据"), max_length=500, blank=True)
    default_days = models.PositiveSmallIntegerField(_("默认办理时限（工作日）"), null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="matters",
        verbose_name=_("区级责任单位"),
    )
    street_level = models.BooleanField(_("属地（街道）办理"), default=False)
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MatterChange(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["matter", "version"]


class Appeal(models.Model):
    """The appeal-specific part of a Case (one-to-one)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="appeal")
    appeal_type = models.CharField(_("诉求类型"), max_length=20, choices=AppealType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals")
    category = models.CharField(_("分类"), max_length=50, blank=True, db_index=True)
    address = models.CharField(_("事发地址"), max_length=200, blank=True)
    place = models.ForeignKey("core.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("所属街道"))
    query_code = models.CharField(_("查询码"), max_length=12, blank=True)
    suggestions = models.JSONField(_("分拨建议"), default=list, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    auto_dispatched = models.BooleanField(_("自动分拨"), default=False)
    co_units = models.ManyToManyField("core.OrgUnit", blank=True, related_name="co_handled_appeals")
    reply = models.TextField(_("答复"), blank=True)
    pending_extension = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=30, choices=Rating.choices, blank=True)
    resolved = models.BooleanField(_("是否解决"), null=True)
    objections = models.PositiveSmallIntegerField(_("申诉次数"), default=0)
    merged_into = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_appeals")
    repeat_of = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="repeats")
    # GB/T 33358: the order is kept confidential if the caller asks. What that hides, and from
    # whom, is decided in one place: core.masking.can_see_requester.
    confidential = models.BooleanField(_("要求保密"), default=False)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return str(self.case)


class KnowledgeAnswer(models.Model):
    """An approved answer the intake agent can give on the spot (the unified knowledge base)."""

    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答复口径"))
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("知识库答复")
        verbose_name_plural = _("知识库")

    def __str__(self) -> str:
        return self.question


class DeadlinePolicy(models.Model):
    """An administrator's override of the default deadline for an appeal type and urgency."""

    appeal_type = models.CharField(_("诉求类型"), max_length=20, choices=AppealType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    amount = models.PositiveSmallIntegerField(_("时限"))
    unit = models.CharField(_("单位"), max_length=20,
                            choices=[("working_days", _("工作日")), ("natural_days", _("自然日")),
                                     ("natural_hours", _("小时"))])

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [models.UniqueConstraint(fields=["appeal_type", "urgency"], name="uniq_deadline_policy")]


class AutoDispatchPolicy(models.Model):
    """The switch for auto-dispatch, with the PIPL impact assessment that must precede it.

    Auto-dispatch is automated decision-making (PIPL Arts. 24, 55–56): it may be switched on
    only together with a recorded assessment naming who approved it, the model version, its
    evaluation figures and the threshold. Each row is one decision; the latest one rules.
    """

    enabled = models.BooleanField(_("启用自动分拨"), default=False)
    threshold = models.FloatField(_("置信度阈值"), default=0.97)
    model_version = models.CharField(_("模型版本"), max_length=80, blank=True)
    evaluation = models.JSONField(_("评估指标"), default=dict, blank=True)
    assessment = models.TextField(_("个人信息保护影响评估结论"), blank=True)
    approved_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"))

    class Meta:
        verbose_name = _("自动分拨策略")
        verbose_name_plural = _("自动分拨策略")
        ordering = ["-approved_at", "-id"]


class AppealFact(models.Model):
    """One row per appeal holding the per-appeal values the KPIs count (ADR 0006).

    Derived, never edited: `facts.refresh()` rewrites a row from the appeal's events and case
    fields with the same SQL the event-derived KPIs use (kpis_sql.per_appeal), in the transaction
    that wrote the event, and `fazhi manage appeals_rebuild_facts` rebuilds the whole table. It
    exists because folding millions of events at read time cannot meet the dashboard's 1 s.

    The values are those of the appeal's whole history ("as of now"). A KPI over a period reads
    them with the period's bounds on the timestamps below; `multi` marks the few appeals (repeated
    closures, callbacks or objections) whose figures in a period can differ from the whole
    history's, and when the period cuts through their closure history the KPIs count them from
    their events instead.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="fact")
    # Copied from the case and the appeal, for the filters and the intake figures.
    received_at = models.DateTimeField(db_index=True)
    unit = models.ForeignKey("core.OrgUnit", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")  # the current handling unit
    owner_unit = models.ForeignKey("core.OrgUnit", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+", db_index=False)
    matter = models.ForeignKey(Matter, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    category = models.CharField(max_length=50, blank=True, db_index=True)
    channel = models.CharField(max_length=20, db_index=True)
    case_closed_at = models.DateTimeField(null=True)  # Case.closed_at and due_at: "open overdue"
    due_at = models.DateTimeField(null=True)
    repeat = models.BooleanField(default=False)
    merged = models.BooleanField(default=False)
    # Intake figures, from the whole dispatch history.
    dispatched = models.BooleanField(default=False)
    moved = models.BooleanField(default=False)  # returned, reassigned or arbitrated after the first dispatch
    returned = models.BooleanField(default=False)
    auto = models.BooleanField(default=False)
    arbitrated = models.BooleanField(default=False)
    accepted = models.BooleanField(default=False)  # signed for (签收) by a handling unit, at any time
    hours = models.FloatField(null=True)  # working hours to the first dispatch, as the event stored it
    # Closure figures: when each thing happened, and what it was.
    approved_at = models.DateTimeField(null=True, db_index=True)  # latest approved closure or answer
    first_approved_at = models.DateTimeField(null=True)  # the trend counts an appeal in each month approved
    approvals = models.PositiveSmallIntegerField(default=0)  # approved closures and answers
    on_time = models.BooleanField(default=False)  # the latest approved closure was on time
    objected_at = models.DateTimeField(null=True)  # latest objection
    first_callback_at = models.DateTimeField(null=True)
    sat_first = models.BooleanField(default=False)
    sat_last = models.BooleanField(default=False)
    res_first = models.BooleanField(default=False)
    res_last = models.BooleanField(default=False)
    # First and last closure, approval, answer, objection or callback; see the class docstring.
    trail_start = models.DateTimeField(null=True)
    trail_end = models.DateTimeField(null=True)
    multi = models.BooleanField(default=False)
    # Counted in AppealFactMonth (see there); a refresh takes the row back out first.
    rolled_up = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("诉求指标事实")
        verbose_name_plural = _("诉求指标事实")
        _timed = models.Q(dispatched=True, hours__isnull=False)
        _filters = ["received_at", "channel", "category", "matter", "owner_unit"]
        indexes = [
            models.Index(fields=["objected_at"], condition=models.Q(objected_at__isnull=False),
                         name="appealfact_objected_at"),
            models.Index(fields=["first_callback_at"], name="appealfact_first_cb"),
            models.Index(fields=["trail_start"], condition=models.Q(multi=True), name="appealfact_multi"),
            models.Index(fields=["received_at"], condition=models.Q(rolled_up=False), name="appealfact_live"),
            # p90 of the hours to dispatch: read from the top of these (PostgreSQL, index-only)
            models.Index(fields=["-hours"], include=["unit", *_filters], condition=_timed, name="appealfact_hours"),
            models.Index(fields=["unit", "-hours"], include=_filters, condition=_timed, name="appealfact_unit_hours"),
        ]


class AppealFactMonth(models.Model):
    """Sums of settled AppealFact rows per month and filter key: the all-time and whole-month
    dashboard reads these few thousand rows instead of a million facts (ADR 0006).

    Append-only, so a writer never waits on a hot row: `facts.roll_up()` adds the sums of newly
    settled facts (closed two weeks ago, a single closure history) and marks them rolled up;
    when such a fact changes after all, `facts.refresh()` adds its negated sums and the fact is
    live again. Each family of figures sits in the month of its own timestamp: intake figures
    in the month received, closed/on time in the month approved, objected in the month of the
    objection, ratings in the month of the first callback. Rebuilt with the facts.
    """

    month = models.DateField(db_index=True)  # the first day of the month, Beijing time
    unit = models.ForeignKey("core.OrgUnit", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", db_index=False)
    owner_unit = models.ForeignKey("core.OrgUnit", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+", db_index=False)
    matter = models.ForeignKey(Matter, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", db_index=False)
    category = models.CharField(max_length=50, blank=True)
    channel = models.CharField(max_length=20)
    received = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    first_dispatch_ok = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    auto = models.IntegerField(default=0)
    auto_ok = models.IntegerField(default=0)
    arbitrated = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    hours_n = models.IntegerField(default=0)
    hours_missing = models.IntegerField(default=0)
    hours_sum = models.FloatField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    objected = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    sat_first = models.IntegerField(default=0)
    sat_last = models.IntegerField(default=0)
    res_first = models.IntegerField(default=0)
    res_last = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("诉求指标月汇总")
        verbose_name_plural = _("诉求指标月汇总")
