"""The import's columns and the check of every row, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from fazhi.appeals.imports.files import ImportFileError, cell_text, header_map
from fazhi.appeals.models import AppealType, Matter, Urgency
from fazhi.appeals.validation import IntakeData, IntakeError, clean_intake
from fazhi.cases.clock import SHANGHAI
from fazhi.cases.models import Channel

COLUMNS = {
    "外部编号": "external_id",
    "标题": "title",
    "内容": "content",
    "诉求类型": "appeal_type",
    "紧急程度": "urgency",
    "渠道": "channel",
    "姓名": "name",
    "电话": "phone",
    "地址": "address",
    "事项编码": "matter",
    "受理时间": "received_at",
    "是否保密": "confidential",  # optional: 是/否, true/false, 1/0; empty means 否
}
REQUIRED = ("外部编号", "内容")

# Chinese labels as the upstream systems write them, mapped to the stored codes.
_CHOICES = {
    "appeal_type": {str(label): code for code, label in AppealType.choices},
    "urgency": {
        **{str(label): code for code, label in Urgency.choices},
        "普通": "normal",
        "加急": "urgent",
        "特急": "urgent",
    },
    "channel": {
        **{str(label): code for code, label in Channel.choices},
        "热线": "hotline",
        "12345": "hotline",
        "电话": "hotline",
        "网络": "web",
        "网上": "web",
        "APP": "app",
        "信件": "letter",
        "走访": "visit",
    },
}
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
)


@dataclass(frozen=True)
class Rejected:
    row: int  # spreadsheet row number; the header is row 1
    external_id: str
    reason: str


@dataclass
class Row:
    """An accepted row, and what the writer fills in for it."""

    row: int
    data: IntakeData
    received_at: datetime
    place_id: int | None = None
    case_id: int | None = None
    number: str = ""


def parse_time(value, *, now: datetime) -> datetime:
    """受理时间 from a cell: a datetime, an Excel serial number or text; naive means Asia/Shanghai.
    An empty cell means `now`; ValueError with a Chinese message when it cannot be read."""
    if value is None or cell_text(value) == "":
        return now
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        value = from_excel(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if not isinstance(value, datetime):
        text = cell_text(value)
        parsed = None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _TIME_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise ValueError(f"受理时间“{text}”无法识别，应为如 2026-03-02 10:00 的格式")
        value = parsed
    return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)


def check_rows(
    table: list[tuple[int, list]], *, source: str, now: datetime
) -> tuple[list[Row], list[Rejected]]:
    """Validate every data row with clean_intake; the accepted rows come back in received order."""
    at = header_map(table[0][1], COLUMNS, REQUIRED)
    if len(table) < 2:
        raise ImportFileError("文件中没有数据行（第1行为表头）")
    matters = {m.code: m for m in Matter.objects.filter(active=True)}
    accepted: list[Row] = []
    rejected: list[Rejected] = []
    first_row: dict[str, int] = {}
    for number, cells in table[1:]:
        raw = {key: (cells[i] if i < len(cells) else None) for key, i in at.items()}
        received_cell = raw.pop("received_at", None)
        raw = {key: cell_text(value) for key, value in raw.items()}
        for key, labels in _CHOICES.items():
            if raw.get(key):
                raw[key] = labels.get(raw[key], raw[key])
        raw["channel"] = raw.get("channel") or Channel.IMPORT
        raw["source"] = source
        external_id = raw.get("external_id", "")
        try:
            if not external_id:
                raise IntakeError({"external_id": "外部编号不能为空"})
            received_at = parse_time(received_cell, now=now)
            if received_at > now:
                raise IntakeError({"received_at": "受理时间不能晚于当前时间"})
            # Known matter codes are looked up once for the whole file; an unknown one goes to
            # clean_intake, so the message is the one every other channel gives.
            matter = matters.get(raw.get("matter", ""))
            data = clean_intake({**raw, "matter": "" if matter else raw.get("matter")}, phone_required=False)
            data.matter = matter
        except IntakeError as exc:
            rejected.append(Rejected(number, external_id, "；".join(exc.errors.values())))
            continue
        except ValueError as exc:
            rejected.append(Rejected(number, external_id, str(exc)))
            continue
        if external_id in first_row:
            rejected.append(Rejected(number, external_id, f"外部编号与第{first_row[external_id]}行重复"))
            continue
        first_row[external_id] = number
        accepted.append(Row(number, data, received_at))
    accepted.sort(key=lambda r: r.received_at)  # stable: file order among equal times
    return accepted, rejected
