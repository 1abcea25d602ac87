import gzip
import os
import tempfile

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "从备份文件恢复数据（在空数据库上执行：先 migrate）"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if not os.path.exists(file):
            raise CommandError(f"找不到备份文件：{file}")
        opener = gzip.open if file.endswith(".gz") else open
        with opener(file, "rt", encoding="utf-8") as src, tempfile.NamedTemporaryFile(
            "w", suffix=".json", delete=False, encoding="utf-8"
        ) as tmp:
            tmp.write(src.read())
        try:
            with transaction.atomic():
                call_command("loaddata", tmp.name, verbosity=0)
        finally:
            os.unlink(tmp.name)
        from fazhi.core import audit

        audit.record(action="system.restored", target=file)
        self.stdout.write(f"已从 {file} 恢复")
