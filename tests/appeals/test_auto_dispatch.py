"""Auto-dispatch end to end: suggestions at intake, the PIPL gate, and the KPI counting against the model."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from fazhi.appeals import kpis, policy, services, training
from fazhi.appeals.validation import IntakeError
from fazhi.cases import services as cases
from fazhi.cases.models import CaseEvent
from tests.factories import dispatching

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 10, tzinfo=SH)
ASSESSMENT = "影响评估：模型仅给出承办单位建议，高置信度时自动派单，任何自动派单均可人工改派，并定期复核准确率。"


@pytest.fixture
def model(org, monkeypatch, tmp_path):
    dispatching.catalogue(org)
    return dispatching.install_model(monkeypatch, tmp_path)


def intake(people, text, phone="13800138000"):
    case, _ = services.intake(actor=people.agent, raw={"content": text, "phone": phone}, now=NOW)
    case.refresh_from_db()
    return case


def test_suggestions_without_policy_do_not_dispatch(people, model):
    case = intake(people, "小区电梯故障，物业维修不及时")
    assert case.state == "registered"
    top = case.appeal.suggestions[0]
    assert top["category"] == "城乡建设" and top["unit_name"] == "区住房和建设局"
    assert len(case.appeal.suggestions) == 3
    assert sum(s["probability"] for s in case.appeal.suggestions) <= 1.0001


def test_policy_needs_an_assessment(people, model):
    with pytest.raises(IntakeError, match="影响评估"):
        policy.decide(actor=people.admin, enabled=True, threshold=0.6, assessment="同意", model_version=model.version,
                      evaluation={})
    with pytest.raises(IntakeError, match="阈值"):
        policy.decide(actor=people.admin, enabled=True, threshold=1.5, assessment=ASSESSMENT,
                      model_version=model.version, evaluation={})


def test_auto_dispatch_return_and_reassign_count_against_the_model(org, people, model):
    policy.decide(actor=people.admin, enabled=True, threshold=0.5, assessment=ASSESSMENT,
                  model_version=model.version, evaluation={})
    right = intake(people, "公交线路调整后公交站台太远", phone="13900000001")
    wrong = intake(people, "小区电梯故障，物业维修不及时", phone="13900000002")
    for case in (right, wrong):
        assert case.state == "dispatched" and case.appeal.auto_dispatched
        event = CaseEvent.objects.get(case=case, kind="appeal.dispatch")
        assert event.details["auto"] is True and event.details["model_version"] == model.version
        assert event.details["probability"] >= 0.5 and event.actor is None
    # the housing bureau says the second is not theirs; a person reassigns it
    cases.transition(case=wrong, name="return", actor=people.housing, now=NOW, comment="属物业企业责任，非本局")
    cases.transition(case=wrong, name="reassign", actor=people.dispatcher, now=NOW,
                     params={"unit": org.street_a.pk})
    f = kpis.compute(kpis.KpiFilter(now=NOW))
    assert (f["auto"], f["auto_ok"], f["auto_dispatch_accuracy"]) == (2, 1, 0.5)
    assert f["auto_dispatch_rate"] == 1.0


def test_a_policy_for_another_model_version_only_suggests(people, model):
    policy.decide(actor=people.admin, enabled=True, threshold=0.5, assessment=ASSESSMENT,
                  model_version="dispatch-old-00000000", evaluation={})
    assert intake(people, "公交线路调整后公交站台太远").state == "registered"


def test_retrain_promotes_only_when_not_worse(org, people, model, monkeypatch):
    monkeypatch.setattr(training, "history_examples", lambda **kw: dispatching.examples(30, seed=7))
    result = training.retrain(actor=people.admin, min_examples=10)
    assert result.n_holdout == 18 and result.old_version == model.version
    assert result.promoted == (result.new_accuracy >= result.old_accuracy)
    # with history that contradicts everything the model knows, the new model loses and is not installed
    flipped = [{"text": e["text"], "label": "教育文体"} for e in dispatching.examples(30, seed=9)]
    flipped[-1]["label"] = "城乡建设"
    monkeypatch.setattr(training, "history_examples", lambda **kw: flipped[:60] + dispatching.examples(10, seed=3))
    before = training.routing.current_model().version
    result = training.retrain(actor=people.admin, min_examples=10)
    if not result.promoted:
        assert training.routing.current_model().version == before
