"""`manage.py import_appeals FILE [--source NAME] [--rejects OUT.csv]`: bulk-import appeals."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.appeals.imports import COLUMNS, ImportFileError, import_appeals, write_rejects
from fazhi.cases.errors import CaseError
from fazhi.core.models import User


class Command(BaseCommand):
    help = (
        "从 CSV（UTF-8 或 GB18030）或 XLSX 文件批量导入诉求。列："
        + "、".join(COLUMNS)
        + "；外部编号、内容必填。同一来源的外部编号重复导入时跳过。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="CSV 或 XLSX 文件")
        parser.add_argument(
            "--source", default="import", help="来源系统标识（与外部编号一起用于去重），默认 import"
        )
        parser.add_argument("--rejects", help="把被拒绝的行（行号、外部编号、原因）写入此 CSV 文件")
        parser.add_argument("--actor", help="以此用户名记入事件与审计日志（默认为系统）")
        parser.add_argument("--batch-size", type=int, default=1000, help="每批写入的条数（默认 1000）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **options) -> None:
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['actor']}")
        started = time.monotonic()
        try:
            result = import_appeals(
                options["file"],
                source=options["source"],
                actor=actor,
                batch_size=max(1, options["batch_size"]),
                progress=not options["no_progress"],
            )
        except ImportFileError as exc:
            raise CommandError(f"导入失败，未写入任何数据：{exc.message}") from exc
        except CaseError as exc:
            raise CommandError(f"导入失败：{exc.message}") from exc
        seconds = time.monotonic() - started
        rate = result.created / seconds if seconds > 0 else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {result.created} 件，已导入过（跳过）{result.existing} 件，拒绝 {len(result.rejected)} 行；"
                f"用时 {seconds:.1f} 秒（{rate:.0f} 件/秒）"
            )
        )
        if result.numbers:
            self.stdout.write(f"编号 {result.numbers[0]} 至 {result.numbers[-1]}")
        if result.rejected:
            if options["rejects"]:
                write_rejects(result.rejected, options["rejects"])
                self.stdout.write(f"被拒绝的行已写入 {Path(options['rejects'])}")
            for r in result.rejected[:20]:
                self.stderr.write(f"第{r.row}行（{r.external_id or '无外部编号'}）：{r.reason}")
            if len(result.rejected) > 20:
                self.stderr.write(
                    f"……另有 {len(result.rejected) - 20} 行被拒绝"
                    + ("，见报告文件" if options["rejects"] else "，可用 --rejects 输出全部")
                )
