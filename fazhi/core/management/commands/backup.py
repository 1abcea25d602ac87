"""Backup as a Django JSON dump: database-neutral, so a SQLite pilot can move to PostgreSQL."""

import gzip

from django.core.management import call_command
from django.core.management.base import BaseCommand

from fazhi.core import audit


class Command(BaseCommand):
    help = "备份全部数据到文件（.json 或 .json.gz）"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        opener = gzip.open if file.endswith(".gz") else open
        with opener(file, "wt", encoding="utf-8") as out:
            call_command("dumpdata", "--natural-foreign", "--exclude=contenttypes", "--exclude=auth.permission",
                         "--exclude=sessions", stdout=out)
        audit.record(action="system.backup", target=file)
        self.stdout.write(f"已备份到 {file}")
