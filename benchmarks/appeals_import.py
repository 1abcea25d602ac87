"""Benchmark of the bulk appeal import (issue 3 target: ≥ 2,000 appeals/s on PostgreSQL).

    .venv/bin/python benchmarks/appeals_import.py [--n 100000] [--batch-size 1000]
    scripts/with-postgres .venv/bin/python benchmarks/appeals_import.py --n 100000

Generates N synthetic appeal rows (Chinese labels, a phone repeated now and then, addresses in
the streets, some matter codes, received times over the past year) into a temporary CSV and
times `fazhi.appeals.imports.import_appeals` on it: reading, validating every row, numbering,
deadlines, repeat links, inserts and audit — everything the `import_appeals` command does.

The database: whatever DATABASE_URL says. Without DATABASE_URL a throwaway SQLite file is made
in a temporary FAZHI_DATA_DIR (so the development database is never touched). The database is
migrated, and a centre unit, three streets and a small catalogue are created if missing. DEBUG
is off unless FAZHI_DEBUG says otherwise (with it on Django records every query's text). With
DATABASE_URL set to a database that already holds cases, the benchmark refuses unless --force
(it writes N appeals with source "benchmark-…").
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STREETS = ("东湖街道", "西山街道", "南岭街道")
PROBLEMS = (
    "路灯不亮",
    "噪音扰民",
    "井盖缺失",
    "电梯故障",
    "垃圾清运不及时",
    "违章搭建",
    "公交班次太少",
    "占道经营",
)
TYPES = ("投诉", "求助", "咨询", "建议", "举报")
CHANNELS = ("12345热线", "网站", "小程序", "移动应用")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="rows to import (default 100000)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--force", action="store_true", help="write into a DATABASE_URL that already has cases"
    )
    parser.add_argument("--progress", action="store_true", help="show the progress bar")
    return parser.parse_args()


def setup_django(tmp: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["FAZHI_DATA_DIR"] = str(tmp)  # a throwaway SQLite file, never the real one
    # As in production: with DEBUG on, Django keeps the text of every query in memory.
    os.environ.setdefault("FAZHI_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(16).hex())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


def create_database_if_missing() -> None:
    """scripts/with-postgres starts an empty cluster: create the database DATABASE_URL names."""
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if connection.vendor != "postgresql" or "does not exist" not in str(exc):
            raise
        with connection._nodb_cursor() as cursor:  # Django's own way in, via the "postgres" database
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}")


def prepare() -> None:
    from django.core.management import call_command

    from fazhi.appeals.models import Matter
    from fazhi.core.models import OrgUnit

    create_database_if_missing()
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(is_centre=True).exists():
        district = OrgUnit.objects.create(name="基准区", code="BENCH-D", level="district")
        OrgUnit.objects.create(
            name="基准区12345中心", code="BENCH-C", level="centre", parent=district, is_centre=True
        )
        for i, name in enumerate(STREETS):
            OrgUnit.objects.create(name=name, code=f"BENCH-S{i}", level="street", parent=district)
    for i, name in enumerate(PROBLEMS):
        Matter.objects.get_or_create(
            code=f"BENCH-{i:02d}", defaults={"name": name, "level": 1, "category": name}
        )


def server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine only).

    On a shared machine the wall time says more about the neighbours than about the import;
    the CPU of both processes does not.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another host, or no /proc
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def generate(path: Path, n: int, seed: int, now: datetime) -> None:
    rng = random.Random(seed)
    phones = [f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}" for _ in range(max(1, n // 3))]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "外部编号",
                "标题",
                "内容",
                "诉求类型",
                "紧急程度",
                "渠道",
                "姓名",
                "电话",
                "地址",
                "事项编码",
                "受理时间",
            ]
        )
        for i in range(n):
            k = rng.randrange(len(PROBLEMS))
            street = rng.choice(STREETS)
            received = now - timedelta(days=rng.uniform(0, 365))
            writer.writerow(
                [
                    f"B-{i:07d}",
                    "",
                    f"{street}幸福路{rng.randint(1, 300)}号附近{PROBLEMS[k]}，已持续多日，请尽快处理。",
                    rng.choice(TYPES),
                    "紧急" if rng.random() < 0.03 else "一般",
                    rng.choice(CHANNELS),
                    rng.choice("王李张刘陈杨黄赵周吴") + rng.choice(["先生", "女士"]),
                    rng.choice(phones),
                    f"{street}幸福路{rng.randint(1, 300)}号",
                    f"BENCH-{k:02d}" if rng.random() < 0.7 else "",
                    received.strftime("%Y-%m-%d %H:%M:%S"),
                ]
            )


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp:
        tmp = Path(tmp)
        setup_django(tmp)
        from django.db import connection
        from django.utils import timezone

        from fazhi.appeals.imports import import_appeals
        from fazhi.cases.models import Case

        prepare()
        if os.environ.get("DATABASE_URL") and Case.objects.exists() and not args.force:
            print(
                "refused: DATABASE_URL names a database that already holds cases (use --force)",
                file=sys.stderr,
            )
            return 2
        now = timezone.now()
        path = tmp / "appeals.csv"
        started = time.perf_counter()
        generate(path, args.n, args.seed, now)
        generated = time.perf_counter() - started
        source = f"benchmark-{now:%Y%m%d%H%M%S}"
        server = server_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        result = import_appeals(
            path, source=source, now=now, batch_size=args.batch_size, progress=args.progress
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        server = server_cpu() - server if server is not None else None
        engine = connection.vendor
        print(f"database      {engine} ({connection.settings_dict['NAME']})")
        print(
            f"rows          {args.n:,} (CSV generated in {generated:.1f} s, {path.stat().st_size / 1e6:.1f} MB)"
        )
        print(
            f"created       {result.created:,}  existing {result.existing:,}  rejected {len(result.rejected):,}"
        )
        print(
            f"repeats       {Case.objects.filter(source=source, appeal__repeat_of__isnull=False).count():,}"
        )
        print(
            f"import time   {seconds:.1f} s wall, {cpu:.1f} s CPU in this process"
            + (f", {server:.1f} s CPU in the PostgreSQL backend" if server is not None else "")
        )
        print(
            f"throughput    {result.created / seconds:,.0f} appeals/s"
            f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
