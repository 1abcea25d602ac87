"""Reading labelled appeals from CSV files, with errors a clerk can act on.

Exported spreadsheets arrive as UTF-8 with or without a BOM (Excel adds one) or, from older
systems, GB18030; both are accepted. Every problem is a ``DataError`` with a bilingual message,
which the CLI prints and turns into exit code 2.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from fazhi.config import config


class DataError(Exception):
    """Unusable input data (missing file or column, empty file); the message is bilingual."""


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"无法识别文件编码（应为 UTF-8）：{path} / cannot decode {path}: expected UTF-8")


def read_csv(path: str | Path, *, required: Sequence[str] = ()) -> list[dict[str, str]]:
    """Rows of a CSV file with a header row, as dicts; checks the ``required`` columns exist."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"文件不存在：{path} / file not found: {path}")
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise DataError(f"文件为空：{path} / empty file: {path}")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long pasted appeals exceed the 128 KB default
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"文件 {path} 缺少列：{'、'.join(missing)}（现有列：{'、'.join(header)}） / "
            f"{path} lacks column(s) {', '.join(missing)} (has: {', '.join(header)})"
        )
    reader.fieldnames = header
    rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    if not rows:
        raise DataError(f"文件只有表头、没有数据行：{path} / no data rows in {path}")
    return rows


def appeals_dir() -> Path:
    """Where the public appeals data lives (``<shared>/data/appeals``); may not exist."""
    return config.shared_dir / "data" / "appeals"


def public_training_records() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(train + tokenised extra, dev) records from the public data, in one schema.

    Tokenised rows go into 留言详情 with an empty 留言主题, exactly as in the outside check's
    single training CSV. Raises ``DataError`` when the data is absent.
    """
    base = appeals_dir()
    train = read_csv(base / "train.csv", required=("留言主题", "留言详情", "一级标签"))
    dev = read_csv(base / "dev.csv", required=("留言主题", "留言详情", "一级标签"))
    extra = read_csv(base / "train_tokenised_extra.csv", required=("分词文本_非原文", "一级标签"))
    train += [{"留言主题": "", "留言详情": r["分词文本_非原文"], "一级标签": r["一级标签"]} for r in extra]
    return train, dev
