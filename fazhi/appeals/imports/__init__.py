"""Bulk import of appeals from a CSV or XLSX file (an upstream 12345 platform's export, a backlog).

Columns (row 1): 外部编号, 标题, 内容, 诉求类型, 紧急程度, 渠道, 姓名, 电话, 地址, 事项编码, 受理时间,
是否保密; 外部编号 and 内容 are required. Chinese labels (投诉, 紧急, 12345热线 …) and codes are both
accepted; 是否保密 takes 是/否, true/false or 1/0 (empty: 否).

Every row is checked by `validation.clean_intake` — the same checks as every other channel — and
a bad row is reported with its spreadsheet row number, never half-written. Accepted rows are
idempotent by (source, external id): importing the same file twice adds nothing.

Calling `services.intake` per row costs ~15 queries an appeal. Here all rows are validated first
(rows.py), then written in received order, in batches of ~1,000 per transaction (writer.py):
numbers reserved with one UPDATE, deadlines from the cached calendar, repeats linked as intake
links them, four multi-row inserts, one audit entry per batch. A failure stops at a batch
boundary: earlier batches stay, and a re-run skips them.

    files.py   reading CSV (UTF-8, BOM, GB18030) and XLSX; the rejects report
    rows.py    the columns, label mapping, time parsing, per-row checks
    derived.py each row's street, deadline and repeat link, as intake works them out
    writer.py  numbering, ids, inserts, one transaction per batch
"""

from fazhi.appeals.imports.files import ImportFileError, cell_text, header_map, read_table, write_rejects
from fazhi.appeals.imports.rows import COLUMNS, REQUIRED, Rejected, check_rows, parse_time
from fazhi.appeals.imports.writer import BATCH, ImportResult, import_appeals, reserve_numbers

__all__ = [
    "BATCH",
    "COLUMNS",
    "REQUIRED",
    "ImportFileError",
    "ImportResult",
    "Rejected",
    "cell_text",
    "check_rows",
    "header_map",
    "import_appeals",
    "parse_time",
    "read_table",
    "reserve_numbers",
    "write_rejects",
]
