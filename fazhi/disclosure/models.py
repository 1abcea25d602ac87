"""Disclosure tables: the request beside its Case, its letters, proactive records, reviews, annual reports.

The vocabulary (outcomes, requester types, receipt channels, review kinds) comes from the
Django-free core (outcomes.py, annual.py) so that the statistic, the letter and the stored code
cannot disagree. Display helpers live here as properties because the generic case page renders
`disclosure/detail.html` with only the case in its context.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fazhi.disclosure.annual import ReviewKind, ReviewResult
from fazhi.disclosure.fees import FeeMethod
from fazhi.disclosure.outcomes import OUTCOMES, Outcome, ReceiptChannel, RequesterType


class ProvisionForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子文档")
    DISC = "disc", _("光盘或其他存储介质")
    VIEW = "view", _("当场查阅、抄录")


class AcquisitionMethod(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("当面领取")
    FAX = "fax", _("传真")
    ONLINE = "online", _("网上获取")


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("直接送达")
    POST = "post", _("邮寄送达")
    EMAIL = "email", _("电子邮件送达")
    ONLINE = "online", _("网上送达")
    FAX = "fax", _("传真送达")


class LetterKind(models.TextChoices):
    RESPONSE = "response", _("政府信息公开申请答复书")
    AMENDMENT = "amendment", _("补正告知书")
    EXTENSION = "extension", _("延期答复告知书")
    THIRD_PARTY = "third_party", _("第三方意见征询函")
    FEE_NOTICE = "fee_notice", _("信息处理费收费通知")


class DisclosureRequest(models.Model):
    """The disclosure-specific part of a Case (one-to-one, kind "disclosure").

    `received_on` is the Art. 31 receipt date, derived from the channel and the dates the law
    names; every clock and the annual table count from it. `outcome_on` is the day the answer
    was made: the annual table counts the outcome in that day's year (ADR 0005 §2).
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="disclosure"
    )
    requester_type = models.CharField(_("申请人类型"), max_length=30, choices=RequesterType.choices)
    receipt_channel = models.CharField(_("申请方式"), max_length=20, choices=ReceiptChannel.choices)
    submitted_on = models.DateField(_("提交日期"))
    signed_on = models.DateField(_("签收日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    description = models.TextField(_("所需信息的内容描述"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=100, blank=True)
    form_of_provision = models.CharField(
        _("提供形式"), max_length=20, choices=ProvisionForm.choices, default=ProvisionForm.PAPER
    )
    acquisition_method = models.CharField(
        _("获取方式"), max_length=20, choices=AcquisitionMethod.choices, default=AcquisitionMethod.POST
    )
    outcome = models.CharField(_("处理结果"), max_length=40, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("答复日期"), null=True, blank=True, db_index=True)
    letter_delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    letter_delivery_method = models.CharField(
        _("送达方式"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    amendment_items = models.TextField(_("需补正事项"), blank=True)
    amendment_notice_on = models.DateField(_("补正告知日期"), null=True, blank=True)
    amend_by = models.DateField(_("补正期限"), null=True, blank=True)
    amendment_received_on = models.DateField(_("收到补正日期"), null=True, blank=True)
    third_party_name = models.CharField(_("第三方名称"), max_length=200, blank=True)
    # What was collected; the annual report's part 六 sums it. Set on payment or given on answering.
    fee_amount = models.DecimalField(_("信息处理费（元）"), max_digits=10, decimal_places=2, default=0)
    # The fee notice (国办函〔2020〕109号): what was charged, how, and the payment period.
    fee_method = models.CharField(_("计收方式"), max_length=20, choices=FeeMethod.choices, blank=True)
    fee_quantity = models.PositiveIntegerField(_("计费数量（本月第几件或页数）"), null=True, blank=True)
    fee_charged = models.DecimalField(_("通知收取金额（元）"), max_digits=10, decimal_places=2, default=0)
    fee_explanation = models.CharField(_("收费计算说明"), max_length=500, blank=True)
    fee_notice_on = models.DateField(_("收费通知日期"), null=True, blank=True)
    fee_pay_by = models.DateField(_("缴费期限"), null=True, blank=True)
    fee_paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    pending_extension = models.PositiveSmallIntegerField(_("申请延期（工作日）"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("已批准延期（工作日）"), null=True, blank=True)
    due_before_extension = models.DateField(_("原答复期限"), null=True, blank=True)
    letter_values = models.JSONField(_("答复书字段"), default=dict, blank=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")

    def __str__(self) -> str:
        return str(self.case)

    @property
    def requester_label(self) -> str:
        """Whom a letter is addressed to: the organisation when an organisation asked."""
        person = self.case.requester
        if person is None:
            return ""
        return person.organisation or person.name

    @property
    def outcome_row(self) -> str:
        return OUTCOMES[Outcome(self.outcome)].row_label if self.outcome else ""

    @property
    def amendment_item_list(self) -> list[str]:
        return [line.strip() for line in self.amendment_items.splitlines() if line.strip()]

    @property
    def delivery_choices(self):
        return DeliveryMethod.choices

    @property
    def fee_method_choices(self):
        return FeeMethod.choices

    @property
    def clock_status(self):
        """Days left / paused / overdue, for the request page (the generic view passes only the case)."""
        from django.utils import timezone

        from fazhi.disclosure.services import clock_status

        return clock_status(self.case, on=timezone.localdate())


class DisclosureLetter(models.Model):
    """A generated letter, kept as the bytes that were produced.

    Stored in the database rather than under MEDIA_ROOT: letters are small (≈40 KB), must be
    reproducible exactly as sent, and go with the database's backups and access control.
    """

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("文书类型"), max_length=20, choices=LetterKind.choices)
    outcome = models.CharField(_("处理结果"), max_length=40, choices=Outcome.choices, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("内容"))
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("信息公开文书")
        verbose_name_plural = _("信息公开文书")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class PublicationChannel(models.TextChoices):
    WEBSITE = "website", _("政府网站")
    NEW_MEDIA = "new_media", _("政务新媒体")
    BULLETIN_BOARD = "bulletin_board", _("公开栏")


class ProactiveType(models.TextChoices):
    """What a proactively published item counts as in table 1 (主动公开政府信息情况)."""

    RULE_ISSUED = "rule_issued", _("规章（制发）")
    RULE_REPEALED = "rule_repealed", _("规章（废止）")
    NORMATIVE_ISSUED = "normative_issued", _("行政规范性文件（制发）")
    NORMATIVE_REPEALED = "normative_repealed", _("行政规范性文件（废止）")
    LICENSING = "licensing", _("行政许可决定")
    PENALTY = "penalty", _("行政处罚决定")
    ENFORCEMENT = "enforcement", _("行政强制决定")
    FEE = "fee", _("行政事业性收费")
    OTHER = "other", _("其他（不计入表一）")


class ProactiveRecord(models.Model):
    """One proactively published item (Art. 19–26).

    `quantity` lets one row stand for a published batch (a month's licensing decisions), because
    table 1 counts decisions and offices publish them in lists.
    """

    unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="proactive_records", verbose_name=_("公开单位")
    )
    category = models.CharField(_("栏目分类"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=300)
    published_on = models.DateField(_("公开日期"), db_index=True)
    channel = models.CharField(
        _("公开渠道"), max_length=20, choices=PublicationChannel.choices, default=PublicationChannel.WEBSITE
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    record_type = models.CharField(
        _("统计类型"), max_length=30, choices=ProactiveType.choices, default=ProactiveType.OTHER
    )
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    fee_amount = models.DecimalField(_("收费金额（元）"), max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("录入时间"))
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("主动公开信息")
        verbose_name_plural = _("主动公开信息")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["unit", "published_on"])]

    def __str__(self) -> str:
        return self.title


class DisclosureReview(models.Model):
    """A reconsideration or lawsuit about the unit's disclosure work, as it stands at year end (table 3)."""

    unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        related_name="disclosure_reviews",
        verbose_name=_("被申请/被告单位"),
    )
    kind = models.CharField(_("类型"), max_length=40, choices=ReviewKind.choices)
    result = models.CharField(
        _("结果"), max_length=20, choices=ReviewResult.choices, default=ReviewResult.PENDING
    )
    year = models.PositiveIntegerField(_("统计年度"), db_index=True)
    request = models.ForeignKey(
        DisclosureRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        verbose_name=_("涉及的申请"),
    )
    case_number = models.CharField(_("案号"), max_length=100, blank=True)
    filed_on = models.DateField(_("立案/受理日期"), null=True, blank=True)
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("信息公开复议诉讼")
        verbose_name_plural = _("信息公开复议诉讼")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number}"


class AnnualReport(models.Model):
    """Staff-written parts of one unit's annual disclosure report, and what it froze when finalised.

    Tables 2 and 3 are always computed from the records; only the narrative parts, the in-force
    counts of table 1 (the platform may not hold every document ever issued) and, once finalised,
    the carried-forward request ids live here. Next year's 二 is read from those ids, not
    re-derived from dates, so that it equals the published 四 (ADR 0005 §2).
    """

    unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="disclosure_reports")
    year = models.PositiveIntegerField(_("年度"))
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems_and_improvements = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    rules_in_force = models.PositiveIntegerField(_("现行有效规章件数"), default=0)
    normative_documents_in_force = models.PositiveIntegerField(_("现行有效规范性文件件数"), default=0)
    # A unit's own report, or one covering it and every unit below it (a district's government-wide
    # report): two different reports, each with its own narrative and carried-forward list.
    include_sub_units = models.BooleanField(_("含下级单位"), default=False)
    carried_forward_ids = models.JSONField(_("结转下年度的申请"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "include_sub_units"], name="uniq_disclosure_report_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}" + (_("（含下级单位）") if self.include_sub_units else "")


# Chinese labels of the letter-template fields staff may fill (templates_docx/*.txt name them).
LETTER_FIELD_LABELS = {
    "document_number": _("文号"),
    "contact_person": _("联系人"),
    "contact_phone": _("联系电话"),
    "reconsideration_body": _("行政复议机关"),
    "court": _("人民法院"),
    "published_where": _("已主动公开的获取途径（如网址）"),
    "delivery": _("提供方式（如“现随本答复书向您提供”）"),
    "withheld_part": _("不予公开的部分"),
    "withheld_reason": _("不予公开的理由"),
    "prohibiting_law": _("禁止公开的法律、行政法规"),
    "third_party_interest": _("涉及的第三方权益"),
    "third_party_reply": _("第三方意见"),
    "query_matter": _("行政查询事项"),
    "query_channel": _("查询途径"),
    "competent_office": _("负责公开该信息的机关"),
    "competent_office_contact": _("该机关联系方式"),
    "petition_kind": _("信访、投诉、举报事项的类别"),
    "proper_channel": _("应当提出的渠道"),
    "previous_reply_date": _("此前答复日期"),
    "publication": _("公开出版物名称"),
    "publication_channel": _("出版物获取途径"),
    "reason_request_date": _("要求说明理由的日期"),
    "reason_result": _("说明理由的结果"),
    "fee_notice_date": _("收费通知日期"),
    "pay_channel": _("缴费方式"),
    "reason": _("处理理由及依据"),
    "amend_channel": _("补正方式"),
    "guidance": _("指导和释明"),
    "information_description": _("拟公开信息的描述"),
    "reply_by": _("第三方回复截止日期"),
}
