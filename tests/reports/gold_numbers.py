"""Hand-checked decisions for every number in the five seed reports.

One entry per run of Arabic digits in the *cleaned* text of each seed, in document order
(the benchmark checks the token to stay aligned), plus the Chinese-numeral counts. Each entry
is either X (not a statistic: date, document number, heading, name in quotes or a title,
hotline number, version…), C (a year-on-year change attached to the figure before it), or
one or more expected indicator rows I(value, unit, key, qualifier, normalized_name) where
``key`` is a phrase a correct name must contain. Keys are short phrases, not excerpts.
"""

from __future__ import annotations

X = "excluded"
C = "change"


def I(value, unit, key, q=None, norm=None):  # noqa: E743 - reads like the table it is
    return (value, unit, q, norm, key)


GOLD: dict[str, list[tuple]] = {
    "000": [
        ("2024", X),
        ("2024", X),
        ("2024", X),
        ("5", X),
        ("21", X),
        ("5", I(5, "个", "方面")),
        ("31", I(31, "次", "工作")),
        (
            "100",
            [
                I(100, "%", "参考率", norm="law_exam_participation_rate"),
                I(100, "%", "优秀率", norm="law_exam_excellence_rate"),
            ],
        ),
        ("70", I(70, "册", "周刊", "余")),
        ("2024", X),
        ("2024", X),
        ("2", I(2, "次", "审查清理")),
        ("2024", X),
        ("196", I(196, "个", "督查件", norm="inspection_items")),
        ("19", I(19, "件", "提案", norm="proposals_handled")),
        ("100", I(100, "%", "满意率", norm="proposal_satisfaction_rate")),
        ("2024", X),
        ("5", X),
        ("17", X),
        ("50", I(50, "家", "单位")),
        ("54", I(54, "人", "培训", norm="training_participants")),
        ("200", I(200, "次", "法律咨询", "余", "legal_consultations")),
        ("86", I(86, "件", "法制审核", "余", "legal_reviews")),
        ("1", X),
        ("166739", I(166739, "宗", "受理诉求事件", norm="appeals_received")),
        ("100", I(100, "%", "按期办结率", norm="on_time_rate")),
        ("99.95", I(99.95, "%", "满意率", norm="satisfaction_rate")),
        ("90.77", I(90.77, "%", "一次分拨准确率", norm="first_dispatch_accuracy")),
        ("5.50", C),
        ("2.79", I(2.79, "小时", "分拨用时", norm="dispatch_hours")),
        ("74.24", C),
        ("61", I(61, "宗", "快裁", norm="arbitrations")),
        ("21", I(21, "项", "管理职责")),
        ("3451", I(3451, "项", "民生事项标准")),
        ("63", I(63, "份", "数据分析报告")),
        ("110", I(110, "份", "预警提醒函", norm="warning_letters")),
        ("9", I(9, "类", "主题活动")),
        ("2", X),
        ("156", I(156, "平方公里", "数据底板")),
        ("113", I(113, "栋", "BIM模型")),
        ("2024", X),
        ("2.0", X),
        ("4411", I(4411, "个", "点位")),
        ("98", I(98, "%", "预警准确率", "以上")),
        ("3", X),
        ("600", I(600, "家", "重点企业", "超")),
        ("2000", I(2000, "位", "高端人才")),
        ("220", I(220, "项", "秒报")),
        ("130", I(130, "项", "秒批")),
        ("105", I(105, "项", "一件事一次办")),
        ("1020", I(1020, "项", "可办理事项")),
        ("2023", X),
        ("4", X),
        ("11037", I(11037, "条", "公开政府信息", norm="proactive_items")),
        ("1226", I(1226, "条", "公开政府信息", norm="proactive_items")),
        ("399", I(399, "件", "依申请公开", norm="disclosure_requests")),
        ("83", C),
        ("5", X),
        ("2024", X),
        ("5", X),
        ("5", X),
        ("2024", X),
        ("2023", X),
        ("2023", X),
        ("2024", X),
        ("2025", X),
    ],
    "001": [
        ("2023", X),
        ("1310", X),
        ("1", X),
        ("6", X),
        ("3", X),
        ("2022", X),
        ("2025", X),
        ("2023", X),
        ("2.0", X),
        ("2023", X),
        ("70", I(70, "篇", "文章", "余")),
        ("1600", I(1600, "项", "可用事项", "近")),
        ("245", I(245, "项", "可办事项")),
        ("6", I(6, "个", "港澳服务点")),
        ("2023", X),
        ("3", I(3, "个", "新增")),
        ("500", I(500, "项", "高频政务服务事项", "余")),
        ("100", I(100, "项", "跨境通办", "余")),
        ("3", I(3, "省", "合作协议")),
        ("6", I(6, "市", "合作协议")),
        ("244", I(244, "项", "高频事项")),
        ("117", X),
        ("200", I(200, "类", "分办场景")),
        ("20", I(20, "%", "提速")),
        ("2023", X),
        ("10725", I(10725, "宗", "受理诉求", norm="appeals_received")),
        ("99.32", I(99.32, "%", "满意度", norm="satisfaction_rate")),
        ("1311", I(1311, "项", "上线")),
        ("2023", X),
        ("16", I(16, "个", "主题")),
        ("93", I(93, "件", "服务事项")),
        ("127", I(127, "个", "主题")),
        ("889", I(889, "件", "一件事")),
        ("2023", X),
        ("53", I(53, "个", "事项")),
        ("379", I(379, "个", "事项")),
        ("143", I(143, "个", "要素")),
        ("2777", I(2777, "项", "市级")),
        ("13428", I(13428, "项", "县级")),
        ("12345", X),
        ("85", I(85, "%", "自动分拔", norm="auto_dispatch_rate")),
        ("26", I(26, "份", "报告")),
        ("42", I(42, "名", "首席数据官")),
        ("2", I(2, "家", "审核通过")),
        ("34", I(34, "件", "提案", norm="proposals_handled")),
        ("2023", X),
        ("60", I(60, "次", "指导意见", norm="legal_opinions")),
        ("52", I(52, "份", "合同", norm="contracts_reviewed")),
        ("453", I(453, "条", "主动公开政府信息", norm="proactive_items")),
        ("55", I(55, "篇", "报道")),
        ("4", I(4, "宗", "政府信息公开申请", norm="disclosure_requests")),
        ("2024", X),
        ("2024", X),
        ("1310", X),
        ("1", X),
        ("6", X),
        ("3", X),
        ("12345", X),
    ],
    "002": [
        ("2022", X),
        ("2022", X),
        ("1", X),
        ("2", X),
        ("1", X),
        ("109", I(109, "个", "业务系统")),
        ("40", I(40, "G", "骨干网")),
        ("758", I(758, "个", "互联网出口")),
        ("2", X),
        ("20", I(20, "类", "核心数据")),
        ("3", X),
        ("100", I(100, "个", "网格事件", "超")),
        ("2022", X),
        ("12", X),
        ("31", X),
        ("25790", I(25790, "件", "上报工单")),
        ("1", X),
        ("2022", X),
        ("1", X),
        ("12", X),
        ("13075", I(13075, "条", "政府信息", norm="proactive_items")),
        ("55", I(55, "条", "网民留言")),
        ("29", I(29, "次", "民意征集")),
        ("2022", X),
        ("235", I(235, "条", "网站信息")),
        ("2080", I(2080, "次", "维护服务")),
        ("520", I(520, "个", "技术问题")),
        ("12", I(12, "个", "政务新媒体")),
        ("2", X),
        ("2022", X),
        ("1", X),
        ("12", X),
        ("12345", X),
        ("12345", X),
        ("259962", I(259962, "宗", "转办工单", norm="appeals_received")),
        ("101.04", C),
        ("97.48", I(97.48, "%", "按时完成率", norm="on_time_rate")),
        ("107", I(107, "宗", "表扬")),
        ("3", X),
        ("15", X),
        ("3", X),
        ("15", X),
        ("12", X),
        ("31", X),
        ("923", I(923, "宗", "受理涉整改工单", norm="appeals_received")),
        ("923", I(923, "宗", "办结", norm="appeals_closed")),
        ("100", I(100, "%", "按时办结率", norm="on_time_rate")),
        ("93.28", I(93.28, "%", "满意率", norm="satisfaction_rate")),
        ("6", I(6, "小时", "教育类工单")),
        ("1", I(1, "小时", "白云机场工单")),
        ("24", X),
        ("2022", X),
        ("11239", I(11239, "个", "来电", norm="appeals_received")),
        ("12345", X),
        ("8", I(8, "个", "被巡察单位")),
        ("1", X),
        ("2", X),
        ("4.15", X),
        ("6.26", X),
        ("12.4", X),
        ("2022", X),
        (
            "100",
            [
                I(100, "%", "参与率", norm="law_exam_participation_rate"),
                I(100, "%", "合格率", norm="law_exam_pass_rate"),
            ],
        ),
    ],
    "003": [
        ("2024", X),
        ("2023", X),
        ("2024", X),
        ("2", I(2, "名", "通报表扬")),
        ("97", I(97, "次", "第一议题", norm="study_sessions")),
        ("2", I(2, "次", "中心组学习", norm="study_sessions")),
        ("6", I(6, "次", "议题")),
        ("196", I(196, "份", "述法报告", norm="duty_reports")),
        ("800", I(800, "件", "法律意见", "余", "legal_opinions")),
        ("15", I(15, "件", "规范性文件", norm="normative_docs_reviewed")),
        ("14", I(14, "件", "印发", norm="normative_docs_issued")),
        ("6", I(6, "件", "备案", norm="normative_docs_filed")),
        ("31", I(31, "件", "清理", norm="normative_docs_cleaned")),
        ("48", I(48, "场", "法治讲座", norm="legal_education_events")),
        ("70", I(70, "次", "法律宣传", "余", "legal_education_events")),
        ("500", I(500, "家", "企业", "超")),
        ("700", I(700, "人", "法律工作者", "超")),
        ("1200", I(1200, "项", "服务功能", "余")),
        ("5", I(5, "大", "基础库")),
        ("25", I(25, "类", "主题库")),
        ("14", I(14, "类", "专题库")),
        ("80", I(80, "个", "应用")),
        ("32", I(32, "个", "单位")),
        ("1", I(1, "期", "培训班", norm="trainings_held")),
        ("5", I(5, "期", "培训", norm="trainings_held")),
        ("8", I(8, "期", "讲堂", norm="trainings_held")),
        ("750", I(750, "人次", "参训", norm="training_participants")),
        ("1", I(1, "名", "同志")),
        ("2023", X),
        ("2", I(2, "名", "同志")),
        ("10", I(10, "人", "称号")),
        ("3", I(3, "名", "执法标兵")),
        ("12.88", I(128800, "宗", "乱摆卖", "余")),
        ("3680", I(3680, "宗", "户外广告", "余")),
        ("1057", I(1057, "瓶", "黑煤气")),
        ("1536", I(1536, "宗", "养犬")),
        ("284", I(284, "宗", "突发案件")),
        ("6893", I(6893, "名", "劳动者")),
        ("2.3", I(2.3, "亿元", "欠薪")),
        ("296", I(296, "宗", "噪声违法案件")),
        ("32", I(32, "家", "正面清单")),
        ("6000", I(6000, "家", "小微企业", "余")),
        ("2514", I(2514, "场次", "排查")),
        ("4231", I(4231, "宗", "调解纠纷", norm="mediations")),
        ("4126", I(4126, "宗", "调解成功")),
        ("97.52", I(97.52, "%", "调解成功率", norm="mediation_success_rate")),
        ("56630.99", I(56630.99, "万元", "金额")),
        ("876", I(876, "宗", "行政复议案件", norm="reconsideration_cases")),
        ("731", I(731, "件", "办结", norm="reconsideration_closed")),
        ("169", I(169, "宗", "调解结案")),
        ("19", I(19, "件", "纠正", norm="reconsideration_corrected")),
        ("207", I(207, "件", "人大代表建议", norm="proposals_handled")),
        ("228", I(228, "件", "政协提案", norm="proposals_handled")),
        ("92", I(92, "宗", "行政诉讼", norm="litigation_cases")),
        ("7", I(7, "份", "司法建议", norm="judicial_recommendations")),
        ("5", I(5, "份", "检察建议", norm="procuratorial_recommendations")),
        ("17", I(17, "个", "审计项目")),
        ("399", I(399, "条", "审计意见")),
        ("100", I(100, "%", "政府信息公开申请", norm="disclosure_on_time_rate")),
        ("1", X),
        ("2", X),
        ("3", X),
        ("12", I(12, "大", "应用场景")),
        ("2023", X),
        ("1", X),
        ("2024", X),
        ("2023", X),
        ("2025", X),
    ],
    "004": [
        ("2023", X),
        ("2023", X),
        ("2023", X),
        ("2023", X),
        ("4", I(4, "次", "学习", norm="study_sessions")),
        ("2023", X),
        ("2023", X),
        ("2023", X),
        ("79", I(79, "件", "审查各类文件", norm="legal_reviews")),
        ("79", I(79, "件", "法律意见书", norm="legal_opinions")),
        ("83", I(83, "宗", "民生诉求", norm="appeals_received")),
        ("79", I(79, "宗", "化解", norm="appeals_closed")),
        ("35", I(35, "件", "信访件", norm="petitions_handled")),
        ("6", I(6, "次", "赴京接访")),
        ("60", I(60, "人次", "接访群众", "余")),
        ("22", I(22, "次", "接访群众")),
        ("150", I(150, "人次", "接访群众", "余")),
        ("2023", X),
        ("3", I(3, "次", "法律讲座", norm="trainings_held")),
        ("2023", X),
        (
            "100",
            [
                I(100, "%", "参考率", norm="law_exam_participation_rate"),
                I(100, "%", "优秀率", norm="law_exam_excellence_rate"),
            ],
        ),
        ("2023", X),
        ("40", I(40, "条", "信息", "余", "proactive_items")),
        ("2023", X),
        ("2024", X),
        ("2024", X),
        ("2024", X),
    ],
}

# Chinese-numeral counts ("两个项目"); bare 一/二 and words like 二十大, 一体化 are not numbers.
GOLD_CHINESE: dict[str, list[tuple]] = {
    "000": [("两个", I(2, "个", "项目"))],
    "001": [],
    "002": [("三个", I(3, "个", "热点专题"))],
    "003": [("两人", I(2, "人", "入选")), ("两个", I(2, "个", "正面清单"))],
    "004": [],
}


RUN_RE = r"\d+(?:\.\d+)?"


def _row_ok(row, expected) -> bool:
    value, unit, qualifier, norm, key = expected
    return (
        abs(float(row.value) - float(value)) < 1e-6
        and row.unit == unit
        and row.qualifier == qualifier
        and row.normalized_name == norm
        and key in row.name
    )


def score(analysis, seed: str) -> dict:
    """Compare an analysis of seed ``seed`` with the gold decisions.

    decisions: every digit run (and gold Chinese-numeral count) is correct when it was
    extracted as an indicator / attached as a change / left out exactly as the gold says.
    rows: an extracted row is correct when value, unit, qualifier and normalized_name equal
    the gold and the name contains the gold key.
    """
    import re

    text = analysis.text
    runs = list(re.finditer(RUN_RE, text))
    gold = GOLD[seed]
    tokens = [m.group(0) for m in runs]
    if tokens != [g[0] for g in gold]:
        raise AssertionError(
            f"gold for {seed} is out of step with the text: {tokens} vs {[g[0] for g in gold]}"
        )
    changes = [m for m in analysis.mentions if m.kind == "change"]
    correct_decisions = 0
    wrong: list[str] = []
    row_ok: dict[int, bool] = {}
    for match, (token, expected) in zip(runs, gold, strict=True):
        pos = match.start()
        covering = [i for i, r in enumerate(analysis.indicators) if r.start <= pos < r.end]
        is_change = any(m.start <= pos < m.end for m in changes)
        if expected == X:
            ok = not covering and not is_change
        elif expected == C:
            ok = is_change
        else:
            ok = bool(covering)
            rows = expected if isinstance(expected, list) else [expected]
            starting = [i for i in covering if analysis.indicators[i].start == pos]
            for i, exp in zip(starting, rows, strict=False):
                row_ok[i] = _row_ok(analysis.indicators[i], exp)
            for i in starting[len(rows) :]:
                row_ok[i] = False
        correct_decisions += ok
        if not ok:
            wrong.append(f"{token}@{pos}: expected {expected!r}")
    chinese_rows = [i for i, r in enumerate(analysis.indicators) if not r.raw[0].isdigit()]
    chinese_gold = GOLD_CHINESE[seed]
    found_tokens = [analysis.indicators[i].raw for i in chinese_rows]
    for token, expected in chinese_gold:
        matches = [
            i for i in chinese_rows if analysis.indicators[i].raw.startswith(token) and i not in row_ok
        ]
        if matches:
            correct_decisions += 1
            row_ok[matches[0]] = _row_ok(analysis.indicators[matches[0]], expected)
        else:
            wrong.append(f"{token}: Chinese numeral not extracted")
    for i in chinese_rows:
        if i not in row_ok:
            row_ok[i] = False
            wrong.append(
                f"{analysis.indicators[i].raw}: Chinese numeral extracted but not in gold ({found_tokens})"
            )
    for i, row in enumerate(analysis.indicators):
        if i not in row_ok:
            row_ok[i] = False
        if not row_ok[i]:
            wrong.append(
                f"row {row.raw} {row.value}{row.unit} q={row.qualifier} {row.normalized_name} '{row.name}'"
            )
    total = len(runs) + len(chinese_gold)
    rows = len(analysis.indicators)
    good_rows = sum(row_ok.values())
    return {
        "seed": seed,
        "numbers": total,
        "gold_indicators": sum(1 for _, e in gold if e not in (X, C)) + len(chinese_gold),
        "gold_excluded": sum(1 for _, e in gold if e == X),
        "gold_changes": sum(1 for _, e in gold if e == C),
        "correct_decisions": correct_decisions,
        "recall": correct_decisions / total if total else 1.0,
        "rows": rows,
        "correct_rows": good_rows,
        "precision": good_rows / rows if rows else 1.0,
        "wrong": wrong,
    }
