"""A small dispatch model trained on generated messages, and a catalogue mapping its labels to units."""

from __future__ import annotations

import random

from fazhi.appeals.models import Matter

VOCAB = {
    "城乡建设": ["电梯故障", "物业维修", "楼顶漏水", "违章搭建", "小区路灯", "房屋产权"],
    "交通运输": ["公交线路", "出租车拒载", "红绿灯", "公交站台", "道路标线", "客运站"],
    "教育文体": ["学位分配", "学校收费", "培训机构", "幼儿园", "教师补课", "学校食堂"],
}
FILLER = ["希望尽快处理", "多次反映无果", "请相关部门核实", "影响居民生活", "谢谢"]


def examples(n_per_label: int = 40, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for label, words in VOCAB.items():
        for _ in range(n_per_label):
            out.append({"text": f"{rng.choice(words)}{rng.choice(words)}，{rng.choice(FILLER)}", "label": label})
    return out


def catalogue(org) -> None:
    for i, (label, unit) in enumerate([("城乡建设", org.housing), ("交通运输", org.transport),
                                       ("教育文体", org.education)], start=1):
        Matter.objects.create(code=f"T{i}", name=label, level=1, category=label, responsible_unit=unit)


def install_model(monkeypatch, tmp_path):
    """Train, install under tmp_path and point routing at it; returns the model."""
    from fazhi.appeals import routing, training
    from fazhi.dispatch import train

    monkeypatch.setattr(routing, "model_path", lambda: tmp_path / "dispatch.model")
    model = train(examples(), label_field="label", text_fields=("text",))
    training.install(model, reason="test")
    return routing.current_model()
