"""`fazhi manage disclosure_sweep`: close the requests whose fee was not paid in time.

Run it beside `fazhi tick` (every 10 minutes is plenty): it is idempotent and catches up after
a gap, like the tick, because a closed request leaves the fee-pending state.
"""

from django.core.management.base import BaseCommand

from fazhi.disclosure.services import sweep_unpaid_fees


class Command(BaseCommand):
    help = "依申请公开：收费通知发出后 20 个工作日内未缴费的申请按（六）2 办结（可重复运行，幂等）"

    def handle(self, *args, **options):
        closed = sweep_unpaid_fees()
        self.stdout.write(f"逾期未缴费办结 {len(closed)} 件" + (f"：{'、'.join(closed)}" if closed else ""))
