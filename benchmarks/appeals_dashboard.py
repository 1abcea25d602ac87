"""KPI dashboard time on a large appeal history (issue 3 target: ≤ 1 s at 1,000,000 on PostgreSQL).

    scripts/with-postgres .venv/bin/python benchmarks/appeals_dashboard.py --n 1000000
    .venv/bin/python benchmarks/appeals_dashboard.py --n 50000            # throwaway SQLite
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/appeals_dashboard.py --n 1000000  # reuse a filled DB

Fills the database with the demo generator (appeals with full event histories, and their KPI
facts) up to --n, then times what the leader dashboard computes (kpis.report: figures, unit
ranking, monthly trend) — cold (the first request of the minute), warm (kpis.dashboard's
one-minute memo), and the filtered views a leader clicks next (last month, one unit, one
category). `--events` times the event-derived reference instead (the KPIs before the fact table).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is reported")
    parser.add_argument("--events", action="store_true", help="time the event-derived reference queries")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-dash-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fazhi.appeals import demo as appeals_demo
    from fazhi.appeals import kpis
    from fazhi.appeals.models import Appeal
    from fazhi.cases.models import Case
    from fazhi.core import demo

    call_command("migrate", verbosity=0)
    units = demo.build_org()
    appeals_demo.build_catalogue(units)
    have = Case.objects.filter(kind="appeal").count()
    if have < args.n:
        started = time.perf_counter()
        appeals_demo.generate(n=args.n - have, units=units, seed=have + 1)
        print(
            f"generated {args.n - have:,} appeals in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
    from fazhi.appeals import facts
    from fazhi.appeals.models import AppealFact, AppealFactMonth

    if AppealFact.objects.count() < Case.objects.filter(kind="appeal").count():  # a database filled elsewhere
        started = time.perf_counter()
        facts.rebuild(progress=True)
        print(f"rebuilt the KPI facts in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    facts.roll_up()
    with connection.cursor() as cursor:  # the steady state autovacuum keeps: statistics, visibility map
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    now = timezone.now()
    everything = kpis.KpiFilter()
    busiest = max(kpis.by_unit(everything, limit=1), key=lambda u: u["received"])["unit"]
    category = Appeal.objects.values_list("category", flat=True).first()
    views = {
        "all time": everything,
        "last 30 days": kpis.KpiFilter(start=now - timedelta(days=30), end=now),
        "one unit": kpis.KpiFilter(unit=busiest),
        "one category, this year": kpis.KpiFilter(
            category=category, start=now - timedelta(days=365), end=now
        ),
    }
    print(
        f"KPI dashboard · {connection.vendor} · {have if have >= args.n else args.n:,} appeals "
        f"(best of {args.repeat}) · {AppealFact.objects.filter(rolled_up=False).count():,} live facts, "
        f"{AppealFactMonth.objects.count():,} monthly sums"
    )
    ev = args.events
    for label, f in views.items():
        if ev:
            figures = _best(lambda f=f: kpis.compute(f, events=True), args.repeat)
            trend = _best(lambda f=f: kpis.monthly(f, events=True), args.repeat)
            print(f"  {label:<26} from events: figures and units {figures:.2f} s, trend {trend:.2f} s")
            continue
        total = _best(lambda f=f: kpis.report(f), args.repeat)
        figures = _best(lambda f=f: kpis.compute(f), args.repeat)
        trend = _best(lambda f=f: kpis.monthly(f), args.repeat)
        kpis._FACTS_CACHE.clear()
        kpis.dashboard(f)
        warm = _best(lambda f=f: kpis.dashboard(f), args.repeat)
        print(
            f"  {label:<26} no memo {total:6.2f} s (figures and units {figures:.2f} s, trend {trend:.2f} s)"
            f" · warm {warm * 1000:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
