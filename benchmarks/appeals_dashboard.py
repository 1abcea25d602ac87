"""KPI dashboard query time on a large appeal history (issue 3 target: ≤ 1 s at 1,000,000 on PostgreSQL).

    scripts/with-postgres .venv/bin/python benchmarks/appeals_dashboard.py --n 1000000
    .venv/bin/python benchmarks/appeals_dashboard.py --n 100000          # throwaway SQLite

Fills a throwaway database with the demo generator (appeals with full event histories), then
times what the leader dashboard computes: the per-appeal facts from events, the summary, the
per-unit ranking and the monthly trend — cold (first request) and warm (within the minute).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-dash-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fazhi.appeals import demo as appeals_demo
    from fazhi.appeals import kpis
    from fazhi.cases.models import Case
    from fazhi.core import demo

    call_command("migrate", verbosity=0)
    units = demo.build_org()
    appeals_demo.build_catalogue(units)
    have = Case.objects.filter(kind="appeal").count()
    if have < args.n:
        started = time.perf_counter()
        appeals_demo.generate(n=args.n - have, units=units, seed=have + 1)
        print(f"generated {args.n - have:,} appeals in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    f = kpis.KpiFilter()
    timings = {}
    started = time.perf_counter()
    rows = kpis.facts(f)
    timings["facts"] = time.perf_counter() - started
    started = time.perf_counter()
    kpis.summarise(rows.values())
    kpis.by_unit(f, rows=rows, limit=15)
    kpis.monthly(f, rows=rows)
    timings["summaries"] = time.perf_counter() - started
    cold = timings["facts"] + timings["summaries"]
    print(f"KPI dashboard · {connection.vendor} · {len(rows):,} appeals")
    print(f"cold {cold:.2f} s (facts {timings['facts']:.2f} s + summaries {timings['summaries']:.2f} s) · "
          f"warm {timings['summaries']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
