"""The small vocabulary of figures the platform itself counts, with Chinese labels.

Reports name the same figure in many ways (受理诉求事件 / 共受理诉求 / 接收来电); mapping them onto
one code lets a reviewer compare units and years, and lets the platform check a report's claim
against its own events later. Anything that does not match keeps ``normalized_name = None`` —
a wrong code is worse than none, so every rule is deliberately narrow and ordered from the
most specific to the most general (the first match wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COUNT_UNITS = frozenset({"件", "宗", "个", "份", "条", "项", "篇", "部", "起", "例", "单"})
DOC_UNITS = frozenset({"件", "份", "个", "部", "篇", "项", "条"})
RATE_UNITS = frozenset({"%"})
EVENT_UNITS = frozenset({"次", "场", "期", "场次", "个", "班"})
PEOPLE_UNITS = frozenset({"人", "人次", "名"})


@dataclass(frozen=True)
class Term:
    """One figure the platform counts: a regex on the indicator's name, optionally on its sentence."""

    code: str
    label: str
    name: str
    units: frozenset[str] = field(default_factory=frozenset)
    context: str | None = None
    not_name: str | None = None
    not_context: str | None = None

    def matches(self, name: str, unit: str, sentence: str) -> bool:
        if self.units and unit not in self.units:
            return False
        if not re.search(self.name, name):
            return False
        if self.not_name and re.search(self.not_name, name):
            return False
        if self.context and not re.search(self.context, sentence):
            return False
        return not (self.not_context and re.search(self.not_context, sentence))


T = Term
TERMS: tuple[Term, ...] = (
    # Citizen appeals (12345 hotline, 民意速办)
    T("first_dispatch_accuracy", "一次分拨准确率", r"(一次|首次)(分拨|派单)准确率", RATE_UNITS),
    T("auto_dispatch_rate", "自动分拨率", r"自动(分拨|分拔|派单)", RATE_UNITS),
    T("dispatch_hours", "分拨用时", r"(分拨|派单)(用时|时长)", frozenset({"小时", "分钟"})),
    T(
        "disclosure_on_time_rate",
        "依申请公开按期答复率",
        r"(按期|按时).{0,6}(政府信息公开|依申请公开)",
        RATE_UNITS,
    ),
    T("on_time_rate", "按期办结率", r"(按期|按时|按时限)(办结|完成|答复)率", RATE_UNITS),
    T("closure_rate", "办结率", r"办结率", RATE_UNITS),
    T("proposal_satisfaction_rate", "建议提案满意率", r"满意(率|度)", RATE_UNITS, context=r"(建议|提案)"),
    T("satisfaction_rate", "满意率", r"满意(率|度)", RATE_UNITS),
    T("arbitrations", "快裁疑难工单", r"快裁", COUNT_UNITS),
    T("warning_letters", "预警提醒函", r"预警提醒函", COUNT_UNITS),
    T("appeals_closed", "办结诉求", r"(办结|化解).{0,6}(诉求|工单)", COUNT_UNITS),
    T(
        "appeals_received",
        "受理诉求",
        r"(受理|接收|收到|转办).{0,8}(诉求|工单|来电|事件)",
        COUNT_UNITS | {"个"},
    ),
    # Information disclosure
    T("disclosure_requests", "依申请公开申请", r"(依申请公开|信息公开申请)", COUNT_UNITS),
    T("proactive_items", "主动公开政府信息", r"(公开|发布).{0,16}信息", frozenset({"条", "件", "篇"})),
    # Legal advisers and legal review
    T("legal_consultations", "法律咨询", r"法律咨询", EVENT_UNITS | COUNT_UNITS),
    T("legal_opinions", "法律意见", r"(法律意见|意见书|指导意见)", EVENT_UNITS | COUNT_UNITS),
    T(
        "normative_docs_reviewed",
        "规范性文件审查",
        r"规范性文件.{0,4}$|^.{0,6}(审查|审核)",
        DOC_UNITS,
        context=r"规范性文件",
        not_name=r"(印发|备案|清理|制定|出台)",
    ),
    T("normative_docs_issued", "规范性文件印发", r"(印发|制定|出台|发布)", DOC_UNITS, context=r"规范性文件"),
    T("normative_docs_filed", "规范性文件备案", r"备案", DOC_UNITS, context=r"规范性文件"),
    T("normative_docs_cleaned", "规范性文件清理", r"清理", DOC_UNITS, context=r"规范性文件"),
    T("legal_reviews", "法制审核", r"(法制审核|合法性审查|(审查|审核).{0,6}文件)", COUNT_UNITS),
    T("contracts_reviewed", "合同审核", r"(审查|审核|审定).{0,8}合同|合同.{0,4}(审查|审核)", COUNT_UNITS),
    # Oversight: proposals, reconsideration, litigation, recommendations
    T("proposals_handled", "建议提案办理", r"((人大|代表)建议|政协提案|提案)", COUNT_UNITS),
    T(
        "reconsideration_cases",
        "行政复议收案",
        r"(新收|受理|收到|收|办理|审理).{0,4}(行政)?复议",
        COUNT_UNITS,
    ),
    T("reconsideration_correction_rate", "行政复议纠错率", r"纠错率", RATE_UNITS, context=r"复议"),
    T("reconsideration_closed", "行政复议结案", r"办结", COUNT_UNITS, context=r"行政复议"),
    T("reconsideration_corrected", "复议纠错", r"纠正.{0,12}行为", COUNT_UNITS, context=r"行政复议"),
    T("court_appearance_rate", "负责人出庭应诉率", r"出庭应诉率", RATE_UNITS),
    T("court_appearances", "负责人出庭应诉", r"出庭应诉", COUNT_UNITS | {"次"}),
    T("litigation_loss_rate", "行政诉讼败诉率", r"败诉率", RATE_UNITS),
    T("litigation_cases", "行政诉讼案件", r"行政诉讼", COUNT_UNITS),
    T("judicial_recommendations", "司法建议", r"司法建议", COUNT_UNITS),
    T("procuratorial_recommendations", "检察建议", r"检察建议", COUNT_UNITS),
    T("inspection_items", "督查件", r"督查件", COUNT_UNITS),
    T("petitions_handled", "信访件办理", r"信访(件|案件|事项)", COUNT_UNITS),
    T("mediation_success_rate", "调解成功率", r"调解成功率", RATE_UNITS),
    T("mediations", "调解纠纷", r"调解(纠纷|案件)", COUNT_UNITS),
    # Legal education, exams and the leaders' duties
    T(
        "law_exam_participation_rate",
        "学法考试参考率",
        r"(参考|参学|参考人员|参与|参加)率",
        RATE_UNITS,
        context=r"(学法|考试|考法)",
    ),
    T("law_exam_excellence_rate", "学法考试优秀率", r"优秀率", RATE_UNITS, context=r"(学法|考试|考法)"),
    T("law_exam_pass_rate", "学法考试合格率", r"(合格|及格|通过)率", RATE_UNITS, context=r"(学法|考试|考法)"),
    T("duty_reports", "述法报告", r"述法", COUNT_UNITS),
    T("legal_education_events", "普法宣传活动", r"(普法|法治宣传|法律宣传|法治讲座)", EVENT_UNITS),
    T("training_participants", "参训人数", r"(参训|培训)", PEOPLE_UNITS),
    T("study_sessions", "学习（学法）次数", r"(学习|学法)$", frozenset({"次"})),
    T("trainings_held", "培训讲座", r"(培训|讲堂|讲座)", EVENT_UNITS),
)

LABELS: dict[str, str] = {term.code: term.label for term in TERMS}


def normalize(name: str, unit: str, sentence: str) -> str | None:
    """Return the vocabulary code for an indicator, or None when no narrow rule fits."""
    for term in TERMS:
        if term.matches(name, unit, sentence):
            return term.code
    return None


def label(code: str | None) -> str | None:
    """The Chinese label shown on the review page for a vocabulary code."""
    return LABELS.get(code) if code else None
