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
