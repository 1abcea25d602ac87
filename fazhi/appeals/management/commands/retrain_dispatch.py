"""`fazhi dispatch retrain`: retrain on settled appeals, promote only if not worse. Cron it weekly."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.appeals import training


class Command(BaseCommand):
    help = "用本单位已办结诉求（及可选的标注文件）重新训练智能分拨模型，不劣于当前模型时才启用"

    def add_arguments(self, parser):
        parser.add_argument("--file", help="额外的标注 CSV（列：留言主题, 留言详情, 一级标签）")
        parser.add_argument("--holdout", type=float, default=0.2, help="留出最新的比例用于比较（默认 0.2）")

    def handle(self, *args, file=None, holdout=0.2, **options):
        extra = Path(file) if file else None
        if extra and not extra.exists():
            raise CommandError(f"找不到文件：{extra}")
        try:
            result = training.retrain(extra_file=extra, holdout=holdout, progress=lambda m: self.stderr.write(m))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
