"""`fazhi demo`: build the demo district — org tree, users, matter catalogue, a year of appeals."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from fazhi.appeals import demo as appeals_demo
from fazhi.cases.models import Case
from fazhi.core import demo


class Command(BaseCommand):
    help = "生成演示区数据（组织、用户、事项目录、一年的诉求）"

    def add_arguments(self, parser):
        parser.add_argument("--appeals", type=int, default=50_000, help="生成的诉求数量（默认 50000）")
        parser.add_argument("--no-model", action="store_true", help="不训练智能分拨模型")

    def handle(self, *args, appeals: int, no_model: bool, **options):
        started = time.monotonic()
        with transaction.atomic():
            units = demo.build_org()
            logins = demo.build_users(units)
            appeals_demo.build_catalogue(units)
        existing = Case.objects.filter(kind="appeal").count()
        todo = max(0, appeals - existing)
        if todo:
            with tqdm(total=todo, desc="生成诉求", unit="件", file=sys.stderr) as bar:
                appeals_demo.generate(n=todo, units=units, progress=bar.update)
        if not no_model:
            from fazhi.appeals import training

            report = training.train_demo_model(stdout=self.stdout)
            self.stdout.write(report)
            training.enable_demo_auto_dispatch()
        self.stdout.write(self.style.SUCCESS(
            f"演示区已就绪：{Case.objects.filter(kind='appeal').count()} 件诉求，用时 {time.monotonic() - started:.0f} 秒"))
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<16} {role:<8} {unit}")
