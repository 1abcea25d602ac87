"""Loading a year's official holiday schedule into the override table.

The State Council publishes next year's schedule each November or December, usually before
the chinese-calendar package ships it; an administrator loads it from a small CSV/XLSX file
(日期, 类型, 名称) so that deadlines reaching into that year stop being provisional.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core import signals
from fazhi.core.models import Holiday, HolidayYear

HOLIDAY_WORDS = frozenset({"假日", "节假日", "放假", "休"})
WORKDAY_WORDS = frozenset({"调休上班", "上班", "班", "工作日"})
NAME_MAX = Holiday._meta.get_field("name").max_length

Row = tuple[date, bool, str]


def validate_rows(*, year: int, rows: list[Row], labels: list[str] | None = None) -> list[str]:
    """Every problem with the rows, in Chinese, each prefixed by its row label ("第3行")."""
    labels = labels or [f"第{i}条" for i in range(1, len(rows) + 1)]
    if not rows:
        return [f"未提供{year}年的任何节假日或调休上班日，未导入"]
    errors: list[str] = []
    seen: dict[date, str] = {}
    for label, row in zip(labels, rows, strict=True):
        day, is_workday, name = row
        if isinstance(day, datetime) or not isinstance(day, date):
            errors.append(f"{label}：日期“{day}”无效")
            continue
        if day.year != year:
            errors.append(f"{label}：日期{day.isoformat()}不在{year}年内")
        if day in seen:
            errors.append(f"{label}：日期{day.isoformat()}与{seen[day]}重复")
        else:
            seen[day] = label
        if not isinstance(is_workday, bool):
            errors.append(f"{label}：类型无效，应为“假日”或“调休上班”")
        if len(name or "") > NAME_MAX:
            errors.append(f"{label}：名称过长（最多{NAME_MAX}个字）")
    return errors


def import_schedule(*, year: int, rows: Iterable[Row], actor, note: str = "") -> int:
    """Replace `year`'s override rows with `rows` and mark the year as fully entered.

    All or nothing: any bad row raises ValidationError before anything is written, and the
    writes share one transaction. Returns the number of rows saved.
    """
    rows = list(rows)
    errors = validate_rows(year=year, rows=rows)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One announcement for the whole year, not one per deleted and created row.
        with signals.bulk_change():
            Holiday.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)).delete()
            Holiday.objects.bulk_create(
                Holiday(date=day, is_workday=is_workday, name=(name or "").strip())
                for day, is_workday, name in rows
            )
            # Re-created rather than updated so loaded_at tells when the schedule was last loaded.
            HolidayYear.objects.filter(year=year).delete()
            HolidayYear.objects.create(year=year, note=note)
        _audit(year=year, rows=rows, actor=actor, note=note)
        signals.announce([year])
    return len(rows)


def _audit(*, year: int, rows: list[Row], actor, note: str) -> None:
    try:
        from fazhi.core.audit import record
    except ImportError:  # the audit app is optional for this service
        return
    record(
        action="holidays.imported",
        actor=actor,
        target=f"holidays:{year}",
        details={
            "year": year,
            "note": note,
            "holidays": sum(1 for _, w, _ in rows if not w),
            "workdays": sum(1 for _, w, _ in rows if w),
        },
    )


# -- files -----------------------------------------------------------------------------------
def parse_schedule_file(path: str | Path, *, year: int | None = None) -> list[Row]:
    """Read (date, is_workday, name) rows from a CSV or XLSX file with columns 日期, 类型, 名称.

    Errors name the spreadsheet row (the header is row 1). When `year` is given, the year and
    duplicate checks run here too, so they also point at spreadsheet rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        table = _read_xlsx(path)
    else:
        raise ValidationError(f"不支持的文件类型“{path.suffix}”，请使用CSV或XLSX文件")
    if not table:
        raise ValidationError("文件为空")
    header = [str(cell or "").strip() for cell in table[0]]
    missing = [col for col in ("日期", "类型") if col not in header]
    if missing:
        raise ValidationError(f"第1行（表头）缺少列：{'、'.join(missing)}；应为 日期、类型、名称")
    at = {col: header.index(col) for col in ("日期", "类型", "名称") if col in header}

    rows: list[Row] = []
    labels: list[str] = []
    errors: list[str] = []
    for number, cells in enumerate(table[1:], start=2):

        def cell(col: str, cells=cells):
            i = at.get(col)
            return cells[i] if i is not None and i < len(cells) else None

        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        label = f"第{number}行"
        day = _parse_date(cell("日期"))
        kind = str(cell("类型") or "").strip()
        if day is None:
            errors.append(f"{label}：日期“{cell('日期') or ''}”无法识别，应为如 2027-01-01 的格式")
        if kind in HOLIDAY_WORDS:
            is_workday = False
        elif kind in WORKDAY_WORDS:
            is_workday = True
        else:
            errors.append(f"{label}：类型“{kind}”无效，应为“假日”或“调休上班”")
            continue
        if day is not None:
            rows.append((day, is_workday, str(cell("名称") or "").strip()))
            labels.append(label)
    if not errors and year is not None:
        errors = validate_rows(year=year, rows=rows, labels=labels)
    if errors:
        raise ValidationError(errors)
    return rows


def _read_csv(path: Path) -> list[list]:
    raw = path.read_bytes()
    # Excel on Chinese Windows saves CSV as GB18030/GBK; elsewhere UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("无法识别文件编码，请另存为UTF-8编码的CSV文件")
    return [row for row in csv.reader(text.splitlines())]


def _read_xlsx(path: Path) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise ValidationError(f"无法读取XLSX文件：{exc}") from exc
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_TEXT.match(str(value or ""))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
