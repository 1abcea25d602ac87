"""`manage.py import_holidays FILE --year 2027`: load a year's official holiday schedule."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fazhi.core.holidays import import_schedule, parse_schedule_file


class Command(BaseCommand):
    help = "从CSV或XLSX文件（列：日期、类型[假日/调休上班]、名称）导入某一年的节假日安排，替换该年已有记录。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="CSV或XLSX文件路径")
        parser.add_argument("--year", type=int, required=True, help="年份，如 2027")
        parser.add_argument("--note", default="", help="依据，如 国办发明电〔2026〕X号")
        parser.add_argument("--actor", default="import_holidays", help="写入审计日志的操作人")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        year = options["year"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows = parse_schedule_file(path, year=year)
            count = import_schedule(year=year, rows=rows, actor=options["actor"], note=options["note"])
        except ValidationError as exc:
            raise CommandError("导入失败，未保存任何记录：\n" + "\n".join(exc.messages)) from exc
        holidays = sum(1 for _, is_workday, _ in rows if not is_workday)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{year}年节假日安排{count}条（假日{holidays}天，调休上班{count - holidays}天）"
            )
        )
