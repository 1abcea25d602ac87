"""`manage.py import_matters FILE`: load or update the matter catalogue from XLSX, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fazhi.appeals.catalogue import COLUMNS, CatalogueError, import_matters
from fazhi.core.models import User


class Command(BaseCommand):
    help = (
        "从 XLSX 文件导入事项目录（三级）。列："
        + "、".join(COLUMNS)
        + "。任一行有误则整个文件不导入；有变化的事项升版本并记录变更。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="XLSX 文件（也接受同样列的 CSV）")
        parser.add_argument("--reason", default="", help="变更理由，如 依据2026年区级权责清单调整")
        parser.add_argument("--actor", help="以此用户名记入变更记录与审计日志")

    def handle(self, *args, **options) -> None:
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['actor']}")
        try:
            result = import_matters(options["file"], actor=actor, reason=options["reason"])
        except CatalogueError as exc:
            raise CommandError("导入失败，未保存任何事项：\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"事项目录导入完成：新增 {result.created} 项，变更 {result.changed} 项，未变 {result.unchanged} 项"
            )
        )
