from __future__ import annotations

import numpy as np
import pytest

from fazhi.dispatch import TrainParams, train, train_texts
from tests.dispatch.conftest import make_records


def test_predict_ranks_labels_with_probabilities(model):
    out = model.predict("幸福小区电梯故障，物业维修不及时", k=3)
    assert [label for label, _ in out][0] == "城乡建设"
    assert len(out) == 3
    probs = [p for _, p in out]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
    full = model.predict("幸福小区电梯故障", k=100)
    assert len(full) == len(model.labels) and abs(sum(p for _, p in full) - 1) < 1e-6


def test_every_generated_topic_is_recognised(model):
    assert model.predict("公交站台太远，公交线路调整")[0][0] == "交通运输"
    assert model.predict("学校收费太高，培训机构乱收费")[0][0] == "教育文体"
    assert model.predict("医院挂号难，医生态度差")[0][0] == "卫生计生"


def test_single_example_class_is_a_label(model):
    assert "环境保护" in model.labels
    assert model.metadata["label_counts"]["环境保护"] == 1


def test_awkward_inputs_do_not_fail(model):
    for text in ["", None, "   ", "电梯故障，" * 20_000, "！！？？，，"]:
        out = model.predict(text)
        assert len(out) == 3 and abs(sum(p for _, p in model.predict(text, k=10)) - 1) < 1e-6
    assert model.predict("")[0][1] < 0.9  # no evidence, no confident answer


def test_traditional_and_full_width_match_simplified(model):
    simple = model.predict("学校乱收费，补课费用太高", k=1)[0]
    traditional = model.predict("學校亂收費，補課費用太高", k=1)[0]
    full_width = model.predict("学校乱收费，补课费用太高！", k=1)[0]
    assert simple[0] == traditional[0] == full_width[0] == "教育文体"
    assert traditional[1] == pytest.approx(simple[1], abs=1e-9)


def test_pretokenised_text_is_understood(model):
    assert model.predict("医院 挂号 医生 态度 差")[0][0] == "卫生计生"


def test_predict_many_matches_predict(model):
    texts = ["电梯故障", "", "公交线路", "疫苗接种安排"]
    many = model.predict_many(texts, k=2)
    single = [model.predict(t, k=2) for t in texts]
    # 4 texts take the vectorised batch path: same ranking, probabilities equal to ~1e-7.
    assert [[lab for lab, _ in row] for row in many] == [[lab for lab, _ in row] for row in single]
    np.testing.assert_allclose(
        [[p for _, p in r] for r in many], [[p for _, p in r] for r in single], atol=1e-6
    )
    assert model.predict_many([]) == []
    proba = model.predict_proba(texts)
    assert proba.shape == (4, len(model.labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_explain_lists_terms_of_the_text(model):
    text = "幸福小区电梯故障，物业维修不及时"
    terms = model.explain(text, k=5)
    assert 0 < len(terms) <= 5
    assert all(term in text for term, _ in terms)
    assert all(weight > 0 for _, weight in terms)
    assert any(term in {"电梯", "物业", "故障", "维修", "电梯故", "物业维"} for term, _ in terms)
    assert model.explain("") == []


def test_threshold_for_comes_from_cross_validation(model):
    t97 = model.threshold_for(precision=0.97)
    t50 = model.threshold_for(precision=0.5)
    assert t50 is not None and 0 < t50 <= 1
    assert t97 is None or t97 >= t50
    assert model.threshold_for(precision=1.01) is None
    assert model.metadata["cv"]["thresholds"]["0.97"] == t97


def test_metadata_records_training(model, records):
    meta = model.metadata
    assert meta["n_train"] == len([r for r in records if r["一级标签"]])
    assert meta["labels"] == sorted({r["一级标签"] for r in records})
    assert meta["train_seconds"] > 0 and meta["params"]["folds"] == 5
    assert {"numpy", "scikit-learn", "zhconv"} <= set(meta["versions"])
    assert model.version.startswith("dispatch-")


def test_training_is_deterministic():
    rows = make_records(12, seed=3)
    a = train(rows, label_field="一级标签")
    b = train(rows, label_field="一级标签")
    assert a.version == b.version
    assert a.predict("电梯故障") == b.predict("电梯故障")


def test_training_needs_two_labels_and_skips_unlabelled_rows():
    with pytest.raises(ValueError, match="two labels"):
        train_texts(["甲", "乙"], ["同一类", "同一类"])
    rows = make_records(10) + [{"留言主题": "无标签", "留言详情": "", "一级标签": ""}]
    assert train(rows, label_field="一级标签").metadata["n_train"] == 40
    with pytest.raises(ValueError, match="标签字段"):
        train([{"text": "x"}], label_field="label", text_fields=("text",))


def test_custom_fields_and_params():
    rows = [{"text": r["留言主题"] + r["留言详情"], "label": r["一级标签"]} for r in make_records(10)]
    m = train(rows, label_field="label", text_fields=("text",), params=TrainParams(folds=3))
    assert m.metadata["cv"]["folds"] == 3
    assert m.predict("公交线路")[0][0] == "交通运输"
