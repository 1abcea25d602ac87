"""`fazhi manage appeals_rebuild_facts [--check]`: derive the appeal KPI fact table again from the events."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from fazhi.appeals import facts, kpis


class Command(BaseCommand):
    help = (
        "从事件重新生成诉求指标事实表（每件诉求一行，看板指标由此计算）。"
        "批量写入未经事务信号的数据后、或怀疑事实表与事件不一致时运行；可随时重复运行。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="每批重建的诉求数（默认 5000）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--check",
            action="store_true",
            help="重建后核对：全部时段的指标按事实表与按事件计算应完全一致（大库较慢）",
        )

    def handle(self, *args, batch_size: int, no_progress: bool, check: bool, **options) -> None:
        started = time.monotonic()
        written = facts.rebuild(progress=not no_progress, batch=batch_size)
        self.stdout.write(
            self.style.SUCCESS(f"已重建 {written} 件诉求的指标事实，用时 {time.monotonic() - started:.0f} 秒")
        )
        if check:
            f = kpis.KpiFilter()
            from_facts, from_events = kpis.compute(f), kpis.compute(f, events=True)
            differ = {
                k: (from_facts[k], from_events[k]) for k in from_events if from_facts[k] != from_events[k]
            }
            if differ:
                raise CommandError(f"事实表与事件计算的指标不一致：{differ}")
            self.stdout.write("核对一致：事实表与事件计算的全部指标相同")
