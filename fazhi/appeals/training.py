"""Training the dispatch model for this installation: demo model, and `fazhi dispatch retrain`.

Every human dispatch and correction becomes a training example: an appeal's *final* category
(after returns, reassignments and arbitration) is its label. A retrained model is promoted only
if it is not worse than the current one on the same held-back slice (the newest 20%), so a bad
week of data can never silently replace a good model.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from fazhi.appeals import routing
from fazhi.cases.models import Case
from fazhi.config import config
from fazhi.core import audit

PUBLIC_TRAIN = ("appeals/train.csv", "appeals/train_tokenised_extra.csv")


def history_examples(*, limit: int | None = None) -> list[dict]:
    """(text, label) of closed appeals whose category is settled, oldest first."""
    qs = (
        Case.objects.filter(kind="appeal", appeal__category__gt="", state__in=["closed", "callback"])
        .order_by("received_at").values_list("title", "body", "appeal__category")
    )
    if limit:
        qs = qs[:limit]
    return [{"text": f"{t}\n{b}", "label": c} for t, b, c in qs.iterator(chunk_size=5000)]


def file_examples(path: Path, *, text_columns=("留言主题", "留言详情"), label_column="一级标签") -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    if "分词文本_非原文" in (reader.fieldnames or []):  # the tokenised extra: words, spaces kept
        return [{"text": r["分词文本_非原文"], "label": r[label_column]} for r in rows if r.get(label_column)]
    return [{"text": "\n".join(r.get(c) or "" for c in text_columns), "label": r[label_column]}
            for r in rows if r.get(label_column)]


def public_examples() -> list[dict]:
    """The public labelled messages, when ../shared/data is present (never copied into the repo)."""
    base = config.shared_dir / "data"
    out: list[dict] = []
    for name in PUBLIC_TRAIN:
        if (base / name).exists():
            out += file_examples(base / name)
    return out


def _fit(examples: list[dict]):
    from fazhi.dispatch import train

    return train(examples, label_field="label", text_fields=("text",))


def _accuracy(model, examples: list[dict]) -> float:
    from fazhi.dispatch import evaluate

    return float(evaluate(model, examples, label_field="label", text_fields=("text",)).accuracy)


def install(model, *, actor=None, reason: str) -> Path:
    """Make `model` the current one; keep every installed version for audits and rollback."""
    path = routing.model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    history = path.parent / "history"
    history.mkdir(exist_ok=True)
    saved = model.save(history / f"{model.version}.model")
    tmp = path.with_suffix(".tmp")
    shutil.copyfile(saved, tmp)
    tmp.replace(path)
    sidecar = Path(str(saved) + ".json")
    if sidecar.exists():
        shutil.copyfile(sidecar, Path(str(path) + ".json"))
    audit.record(action="dispatch.model_installed", actor=actor, target=model.version, details={"reason": reason})
    return path


@dataclass
class RetrainResult:
    promoted: bool
    new_version: str
    new_accuracy: float
    old_version: str | None
    old_accuracy: float | None
    n_train: int
    n_holdout: int

    def summary(self) -> str:
        old = f"{self.old_version} {self.old_accuracy:.4f}" if self.old_version else "无"
        verdict = "已启用新模型" if self.promoted else "新模型不优于当前模型，未启用"
        return (f"训练 {self.n_train} 条，留出 {self.n_holdout} 条；新模型 {self.new_version} 准确率 "
                f"{self.new_accuracy:.4f}；当前模型 {old}。{verdict}")


def retrain(*, actor=None, extra_file: Path | None = None, holdout: float = 0.2, min_examples: int = 200,
            progress=None) -> RetrainResult:
    """Train on the unit's settled history (plus an optional labelled file) and promote if not worse."""
    say = progress or (lambda _m: None)
    history = history_examples()
    if len(history) < min_examples and extra_file is None:
        raise ValueError(f"已办结且分类明确的诉求只有 {len(history)} 件，至少需要 {min_examples} 件才能训练")
    cut = int(len(history) * (1 - holdout))
    train_set, held = history[:cut], history[cut:]
    if extra_file is not None:
        train_set = train_set + file_examples(extra_file)
    say(f"training on {len(train_set)} examples, holding back {len(held)}")
    new = _fit(train_set)
    new_acc = _accuracy(new, held) if held else 0.0
    current = routing.current_model()
    old_acc = _accuracy(current, held) if current is not None and held else None
    promoted = current is None or old_acc is None or new_acc >= old_acc
    if promoted:
        install(new, actor=actor, reason="retrain")
    audit.record(action="dispatch.retrained", actor=actor, target=new.version, now=timezone.now(), details={
        "promoted": promoted, "new_accuracy": new_acc, "old_accuracy": old_acc, "n_train": len(train_set)})
    return RetrainResult(promoted, new.version, new_acc, current.version if current else None, old_acc,
                         len(train_set), len(held))


def train_demo_model(*, stdout=None) -> str:
    """The demo's model: the public labelled messages when present, else the generated history."""
    examples = public_examples()
    source = "公开留言数据"
    if not examples:
        examples, source = history_examples(limit=20000), "演示诉求"
    if len(examples) < 50:
        return "智能分拨模型：训练数据不足，未训练"
    model = _fit(examples)
    install(model, reason=f"demo ({source})")
    return f"智能分拨模型 {model.version}：基于{source} {len(examples)} 条训练完成"


def enable_demo_auto_dispatch() -> None:
    """The demo records an assessment (as its admin) so auto-dispatch can be seen working."""
    from fazhi.appeals import policy
    from fazhi.appeals.models import AutoDispatchPolicy
    from fazhi.core.models import User

    model = routing.current_model()
    if model is None or AutoDispatchPolicy.objects.exists():
        return
    threshold = model.threshold_for(precision=0.97) or 0.99
    policy.decide(actor=User.objects.filter(username="admin").first(), enabled=True, threshold=round(threshold, 3),
                  model_version=model.version, evaluation=model.metadata.get("metrics", {}),
                  assessment="演示环境评估：模型仅用于分拨建议与高置信度自动派单，不处理敏感个人信息，"
                             "所有自动派单均可由派单员改派，退单计入自动分拨准确率并用于再训练。")
