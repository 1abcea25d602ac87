"""Generated appeals for the dispatch tests: small, fast, and with the awkward cases built in."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

TOPICS = {
    "城乡建设": ["电梯故障", "物业维修", "楼顶漏水", "违章搭建", "小区路灯", "房屋产权", "拆迁补偿"],
    "交通运输": ["公交线路", "出租车拒载", "红绿灯", "公交站台", "道路标线", "客运站", "地铁施工"],
    "教育文体": ["学位分配", "学校收费", "培训机构", "幼儿园", "教师补课", "学校食堂", "体育场馆"],
    "卫生计生": ["医院挂号", "医生态度", "疫苗接种", "药品价格", "社区诊所", "医保报销", "计划生育"],
}
FILLER = ["希望尽快处理", "多次反映无果", "请相关部门核实", "影响居民生活", "谢谢", "盼复"]
PLACES = ["A市", "A3区", "B2县", "C1区", "东风路", "幸福小区", "人民路"]


def make_records(n_per_label: int = 40, *, seed: int = 0) -> list[dict[str, str]]:
    """Records shaped like the public CSVs: 留言主题, 留言详情, 一级标签."""
    rng = random.Random(seed)
    rows = []
    for label, words in TOPICS.items():
        for _ in range(n_per_label):
            a, b, c = rng.sample(words, 3)
            place = rng.choice(PLACES)
            rows.append(
                {
                    "留言主题": f"{place}{a}问题",
                    "留言详情": f"我们{place}的{b}和{c}问题很久了，{rng.choice(FILLER)}。",
                    "一级标签": label,
                }
            )
    rng.shuffle(rows)
    return rows


def odd_records() -> list[dict[str, str]]:
    """A class with a single example, empty text, very long text, traditional characters,
    full-width text and a pre-tokenised row (space-separated words)."""
    return [
        {"留言主题": "", "留言详情": "河道排污，鱼虾死亡", "一级标签": "环境保护"},
        {"留言主题": "", "留言详情": "", "一级标签": "城乡建设"},
        {"留言主题": "电梯故障", "留言详情": "电梯故障，" * 3000, "一级标签": "城乡建设"},
        {
            "留言主题": "學校收費",
            "留言详情": "學校亂收費，補課費用太高，請教育局調查。",
            "一级标签": "教育文体",
        },
        {"留言主题": "ＡＢＣ公交线路", "留言详情": "公交站台太远！！？？", "一级标签": "交通运输"},
        {"留言主题": "", "留言详情": "市 医院 挂号 难 医生 态度 差 希望 处理", "一级标签": "卫生计生"},
    ]


def write_csv(
    path: Path, rows: list[dict[str, str]], *, columns: list[str] | None = None, bom: bool = True
) -> Path:
    columns = columns or ["留言主题", "留言详情", "一级标签"]
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def records() -> list[dict[str, str]]:
    return make_records() + odd_records()


@pytest.fixture(scope="session")
def model(records):
    from fazhi.dispatch import train

    return train(records, label_field="一级标签")
