import io
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from fazhi.disclosure.letters import (
    render_amendment_notice,
    render_extension_notice,
    render_response_letter,
    render_third_party_consultation,
    response_letter_fields,
)
from fazhi.disclosure.outcomes import Outcome, outcome_info
from fazhi.disclosure.templates_docx import TEMPLATE_NAMES, default_template
from fazhi.disclosure.templates_docx.markup import TemplateError, validate

COMMON = {
    "request_number": "YSQ-2026-0001",
    "requester_name": "张三",
    "received_on": date(2026, 3, 2),
    "content_summary": "某路段改造工程的立项批复",
    "unit_name": "某某区住房和建设局",
}
# Every outcome-specific value any section asks for; each must show up where it is used.
EXTRA = {
    "withheld_part": "第三页中的个人身份信息",
    "withheld_reason": "涉及个人隐私",
    "prohibiting_law": "《中华人民共和国统计法》第三十九条",
    "amendment_notice_date": date(2026, 3, 5),
    "amendment_deadline": date(2026, 3, 20),
    "previous_reply_date": date(2026, 1, 10),
    "reason_request_date": date(2026, 3, 6),
    "fee_notice_date": date(2026, 3, 9),
    "reason": "经核实，申请人已于答复前书面撤回申请，本机关终止处理。",
}


def paragraphs(data: bytes) -> list:
    return docx.Document(io.BytesIO(data)).paragraphs


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in paragraphs(data))


def response(outcome, **extra):
    return render_response_letter(
        outcome=outcome, reply_date=date(2026, 3, 20), extra={**EXTRA, **extra}, **COMMON
    )


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_a_complete_letter(outcome):
    data = response(outcome)
    paras = paragraphs(data)
    text = text_of(data)
    assert paras[0].text == "政府信息公开申请答复书"
    assert paras[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paras[1].text == "张三："
    assert "申请编号：YSQ-2026-0001" in text
    assert "2026年3月2日收到" in text
    assert "“某路段改造工程的立项批复”" in text
    assert outcome_info(outcome).legal_basis in text
    assert "六十日内" in text and "申请行政复议" in text and "六个月内" in text and "提起行政诉讼" in text
    assert [p.text for p in paras[-2:]] == ["某某区住房和建设局", "2026年3月20日"]
    assert paras[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "【待填写" not in text and "{" not in text


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome.PARTLY_DISCLOSED, ["第三页中的个人身份信息不予公开，理由是：涉及个人隐私。"]),
        (Outcome.WITHHELD_PROHIBITED_BY_LAW, ["《中华人民共和国统计法》第三十九条禁止公开"]),
        (Outcome.UNAVAILABLE_STILL_UNCLEAR, ["本机关已于2026年3月5日向您发出补正告知书"]),
        (Outcome.NOT_PROCESSED_REPEAT, ["本机关已于2026年1月10日"]),
        (Outcome.OTHER_NOT_AMENDED, ["请您于2026年3月20日前补正", "视为放弃申请"]),
        (Outcome.OTHER_FEE_UNPAID, ["2026年3月9日向您发出收费通知"]),
        (Outcome.OTHER, ["申请人已于答复前书面撤回申请"]),
    ],
)
def test_outcome_specific_values_are_used(outcome, expected):
    text = text_of(response(outcome))
    for words in expected:
        assert words in text


def test_already_published_variant_cites_article_36_1():
    text = text_of(response(Outcome.DISCLOSED, published_where="本局门户网站“政府信息公开”专栏"))
    assert "第三十六条第（一）项" in text and "门户网站" in text
    assert "第三十六条第（二）项" not in text


def test_not_held_names_the_competent_office_when_known():
    plain = text_of(response(Outcome.UNAVAILABLE_NOT_HELD))
    assert "第三十六条第（五）项" not in plain
    text = text_of(response(Outcome.UNAVAILABLE_NOT_HELD, competent_office="某某区自然资源局",
                            competent_office_contact="0755-88880000"))  # fmt: skip
    assert "该信息由某某区自然资源局负责公开" in text and "第三十六条第（五）项" in text
    assert "0755-88880000" in text


def test_optional_unit_details():
    text = text_of(response(Outcome.DISCLOSED, document_number="某住建信复〔2026〕1号", contact_phone="12345",
                            reconsideration_body="某某区人民政府", court="某某区人民法院"))  # fmt: skip
    assert "某住建信复〔2026〕1号" in text and "联系电话：12345" in text
    assert "向某某区人民政府申请行政复议" in text and "向某某区人民法院提起行政诉讼" in text
    assert "有管辖权" not in text


def test_missing_values_are_listed_together_or_marked_in_a_draft():
    with pytest.raises(TemplateError, match="withheld_part、withheld_reason"):
        render_response_letter(
            outcome=Outcome.PARTLY_DISCLOSED, reply_date=date(2026, 3, 20), extra={}, **COMMON
        )
    draft = render_response_letter(
        outcome=Outcome.PARTLY_DISCLOSED, reply_date=date(2026, 3, 20), extra={}, strict=False, **COMMON
    )
    assert "【待填写：withheld_part】" in text_of(draft)


def test_fields_for_the_form():
    fields = response_letter_fields(outcome=Outcome.PARTLY_DISCLOSED)
    assert fields["withheld_part"].required and not fields["delivery"].required
    assert fields["delivery"].default == "现随本答复书向您提供"
    assert not fields["document_number"].required and fields["requester_name"].required
    assert not response_letter_fields(outcome=Outcome.DISCLOSED)["published_where"].required


def test_east_asian_font_is_set_for_word_and_wps():
    document = docx.Document(io.BytesIO(response(Outcome.DISCLOSED)))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert run._element.rPr.rFonts.get(qn("w:eastAsia")) in {"仿宋", "宋体"}
    assert document.paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert document.core_properties.author == "某某区住房和建设局"
    assert round(document.sections[0].page_width.mm) == 210


def test_an_edited_template_is_used_and_cannot_reach_attributes():
    edited = default_template("response_letter").replace(
        "# 政府信息公开申请答复书", "# 某某区住房和建设局政府信息公开申请答复书\n^ {request_number.__class__}"
    )
    assert validate(edited, required_sections=["letter"]) != []  # the bad field is reported
    data = render_response_letter(
        outcome=Outcome.DISCLOSED, reply_date=date(2026, 3, 20), extra={}, template=edited, **COMMON
    )
    text = text_of(data)
    assert text.startswith("某某区住房和建设局政府信息公开申请答复书")
    assert "{request_number.__class__}" in text and "class 'str'" not in text


def test_shipped_templates_are_valid_and_cover_every_outcome():
    for name in TEMPLATE_NAMES:
        required = ["letter", *Outcome.values] if name == "response_letter" else ["letter"]
        assert validate(default_template(name), required_sections=required) == []
    broken = default_template("response_letter").replace("--- other ---", "--- misc ---")
    assert validate(broken, required_sections=["letter", *Outcome.values]) == ["缺少分节：other"]
    with pytest.raises(TemplateError, match="other"):
        render_response_letter(outcome=Outcome.OTHER, reply_date=date(2026, 3, 20), extra=EXTRA, template=broken,
                               **COMMON)  # fmt: skip


def test_amendment_notice():
    data = render_amendment_notice(
        notice_date=date(2026, 3, 5), amendment_items=["所需信息的文件名称或文号", "所需信息的形成时间"],
        amend_by=date(2026, 3, 20), extra={"guidance": "您可以参考本局政府信息公开指南描述所需信息。"}, **COMMON,
    )  # fmt: skip
    paras = [p.text for p in paragraphs(data)]
    assert paras[0] == "政府信息公开申请补正告知书"
    text = "\n".join(paras)
    assert "第三十条" in text and "YSQ-2026-0001" in text
    assert "（一）所需信息的文件名称或文号" in paras and "（二）所需信息的形成时间" in paras
    assert "请您于2026年3月20日前" in text and "视为放弃申请" in text and "参考本局政府信息公开指南" in text
    with pytest.raises(TemplateError, match="一次性"):
        render_amendment_notice(notice_date=date(2026, 3, 5), amendment_items=[], amend_by=date(2026, 3, 20),
                                **COMMON)  # fmt: skip
    with pytest.raises(TemplateError, match="补正期限"):
        render_amendment_notice(notice_date=date(2026, 3, 5), amendment_items=["x"], amend_by=date(2026, 3, 5),
                                **COMMON)  # fmt: skip


def test_extension_notice():
    data = render_extension_notice(
        notice_date=date(2026, 3, 25), reason="申请涉及的信息量较大、需跨部门调取", original_due=date(2026, 3, 30),
        extended_due=date(2026, 4, 28), **COMMON,
    )  # fmt: skip
    text = text_of(data)
    assert text.startswith("政府信息公开申请延期答复告知书")
    assert (
        "第三十三条第二款" in text
        and "答复期限延长至2026年4月28日" in text
        and "法定答复期限（2026年3月30日）内" in text
    )
    with pytest.raises(TemplateError, match="晚于原答复期限"):
        render_extension_notice(notice_date=date(2026, 3, 25), reason="x", original_due=date(2026, 3, 30),
                                extended_due=date(2026, 3, 30), **COMMON)  # fmt: skip
    with pytest.raises(TemplateError, match="届满前"):
        render_extension_notice(notice_date=date(2026, 4, 1), reason="x", original_due=date(2026, 3, 30),
                                extended_due=date(2026, 4, 28), **COMMON)  # fmt: skip


def test_third_party_consultation_does_not_name_the_requester():
    common = {k: v for k, v in COMMON.items() if k != "requester_name"}
    data = render_third_party_consultation(
        third_party_name="某某建筑工程有限公司", letter_date=date(2026, 3, 6),
        extra={"reply_by": date(2026, 3, 27), "information_description": "中标单位的报价明细"}, **common,
    )  # fmt: skip
    paras = [p.text for p in paragraphs(data)]
    text = "\n".join(paras)
    assert paras[0] == "政府信息公开第三方意见征询函" and paras[1] == "某某建筑工程有限公司："
    assert "第三十二条" in text and "15个工作日内（即2026年3月27日前）" in text
    assert "公共利益造成重大影响" in text and "张三" not in text
    without_date = text_of(render_third_party_consultation(
        third_party_name="某公司", letter_date=date(2026, 3, 6), **common))  # fmt: skip
    assert "15个工作日内书面提出" in without_date
