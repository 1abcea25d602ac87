from django.core.management.base import BaseCommand, CommandError

from fazhi.core.audit import verify
from fazhi.core.models import AuditEntry


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        problems = verify()
        total = AuditEntry.objects.count()
        if problems:
            for p in problems:
                self.stderr.write(f"✗ {p.message}")
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题（共 {total} 条）")
        self.stdout.write(f"✓ 审计日志完整：{total} 条记录，哈希链校验通过")
