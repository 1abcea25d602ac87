from __future__ import annotations

import numpy as np

from fazhi.dispatch.features import fit_block, key_lengths
from fazhi.dispatch.groups import duplicate_groups


def groups_of(texts, **kw):
    block, x = fit_block("char", texts, min_df=1, max_df=1.0)
    return duplicate_groups(x, key_lengths(block.keys), **kw)


def test_tokenised_copy_joins_its_original():
    texts = [
        "A市西湖建筑集团占道施工有安全隐患，人行道被圈进围墙",
        "市 西湖 建筑 集团 占 道 施工 安全隐患 人行道 圈 围墙",
        "学校食堂饭菜质量差，学生家长多次反映",
        "公交线路调整后站台太远，老人出行不便",
    ]
    g = groups_of(texts)
    assert g[0] == g[1]
    assert len({g[0], g[2], g[3]}) == 3


def test_groups_are_capped():
    texts = [f"完全相同的模板投诉内容第{i}号" for i in range(20)]
    g = groups_of(texts, max_size=4)
    assert np.bincount(g).max() <= 4
