from django.core.management.base import BaseCommand

from fazhi.cases.services import tick


class Command(BaseCommand):
    help = "到期预警与超期标记（可重复运行，幂等）"

    def handle(self, *args, **options):
        result = tick()
        self.stdout.write(f"预警 {result.warned} 件，超期 {result.overdue} 件")
        for note in result.notes:
            self.stdout.write(note)
