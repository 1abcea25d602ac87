"""Reading tabular files for imports (appeals, the matter catalogue) and writing the rejects report."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (type, encoding, columns); nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_table(path: str | Path) -> list[tuple[int, list]]:
    """(row number, cells) for every non-blank row of a CSV (UTF-8, with or without BOM, or
    GB18030) or XLSX file, header included; ImportFileError for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"文件不存在：{path}")
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise ImportFileError("文件为空")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".txt", ""):
        rows = _read_csv(path)
    else:
        raise ImportFileError(f"不支持的文件类型“{path.suffix}”，请使用 CSV 或 XLSX 文件")
    rows = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
    if not rows:
        raise ImportFileError("文件为空")
    return rows


def _read_csv(path: Path) -> list[tuple[int, list]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFileError("文件不是文本格式的 CSV，请使用 CSV 或 XLSX 文件")
    # Excel on Chinese Windows saves CSV as GB18030/GBK; elsewhere UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件")
    try:
        return list(enumerate(csv.reader(text.splitlines()), start=1))
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from exc


def _read_xlsx(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises several unrelated types for a broken file
        raise ImportFileError(f"无法读取 XLSX 文件（{type(exc).__name__}），请确认文件未损坏") from exc
    try:
        return [
            (n, list(row)) for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def cell_text(value) -> str:
    """A cell as text: Excel gives phone numbers and codes as numbers, 13800138000.0 included."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def header_map(header: list, columns: dict[str, str], required: Iterable[str]) -> dict[str, int]:
    """Column key -> index, or ImportFileError naming missing, unknown or repeated columns."""
    names = [cell_text(c) for c in header]
    unknown = [n for n in names if n and n not in columns]
    missing = [c for c in required if c not in names]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"缺少必需的列：{'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别的列：{'、'.join(unknown)}")
    if repeated:
        problems.append(f"列重复：{'、'.join(repeated)}")
    if problems:
        raise ImportFileError(f"第1行（表头）有误：{'；'.join(problems)}。可用的列：{'、'.join(columns)}")
    return {columns[n]: i for i, n in enumerate(names) if n}


def write_rejects(rejected, path: str | Path) -> None:
    """The rejected rows (row, external id, reason) as a CSV — UTF-8 with BOM, so Excel shows the
    Chinese — to fix and import again."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(["行号", "外部编号", "原因"])
        writer.writerows([r.row, r.external_id, r.reason] for r in rejected)
