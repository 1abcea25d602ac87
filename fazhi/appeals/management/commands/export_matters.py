"""`manage.py export_matters FILE`: write the active matter catalogue to XLSX (re-importable)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fazhi.appeals.catalogue import export_matters
from fazhi.appeals.models import Matter


class Command(BaseCommand):
    help = "把现行事项目录导出为 XLSX 文件，列与 import_matters 相同，可修改后再导入。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="输出的 XLSX 文件")

    def handle(self, *args, **options) -> None:
        export_matters(options["file"])
        count = Matter.objects.filter(active=True).count()
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 项事项到 {options['file']}"))
