"""The appeals hub's three speed figures in one run (issue 3), against their targets.

    .venv/bin/python benchmarks/appeals.py                 # everything (about 30–40 minutes)
    .venv/bin/python benchmarks/appeals.py --quick         # small sizes, a smoke run of the harness

1. bulk import rate (appeals/s) of 100,000 appeals into SQLite and into PostgreSQL
   (benchmarks/appeals_import.py; target ≥ 2,000/s on PostgreSQL);
2. p50/p99 latency of the API create call under 20 concurrent clients on loopback, paced and
   back to back (benchmarks/appeals_api.py; target p99 ≤ 100 ms);
3. the leader dashboard's KPI query time on 1,000,000 appeals in PostgreSQL
   (benchmarks/appeals_dashboard.py; target ≤ 1 s).

Each part runs the named script in a subprocess, PostgreSQL parts on a throwaway cluster made by
scripts/with-postgres, and its own output is shown as it comes; a summary follows at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = str(ROOT / "scripts" / "with-postgres")


def run(label: str, command: list[str]) -> str:
    """Run one part, echo its output, return it (an empty string if it failed)."""
    print(f"\n== {label}\n$ {' '.join(command)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "FAZHI_DEBUG": "0"})
    print(done.stdout.rstrip())
    if done.returncode:
        print(done.stderr.rstrip()[-2000:])
        print(f"(failed with exit code {done.returncode})")
    print(f"({time.perf_counter() - started:.0f} s)", flush=True)
    return done.stdout if done.returncode == 0 else ""


def grab(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    return found.group(1) if found else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 imported, 400 API calls, 20,000 on the dashboard")
    parser.add_argument("--skip", nargs="*", default=[], choices=["import", "api", "dashboard"])
    args = parser.parse_args()
    n_import, n_api, n_dash = (10_000, 400, 20_000) if args.quick else (100_000, 2_000, 1_000_000)
    out: dict[str, str] = {}
    if "import" not in args.skip:
        cmd = [PY, "benchmarks/appeals_import.py", "--n", str(n_import)]
        out["import_sqlite"] = run(f"import {n_import:,} appeals · SQLite", cmd)
        out["import_pg"] = run(f"import {n_import:,} appeals · PostgreSQL", [PG, *cmd])
    if "api" not in args.skip:
        cmd = [PY, "benchmarks/appeals_api.py", "--clients", "20", "--requests", str(n_api)]
        out["api_pg"] = run("intake API · 20 clients · PostgreSQL", [PG, *cmd])
        out["api_sqlite"] = run("intake API · 20 clients · SQLite", cmd)
    if "dashboard" not in args.skip:
        cmd = [PY, "benchmarks/appeals_dashboard.py", "--n", str(n_dash)]
        out["dashboard_pg"] = run(f"KPI dashboard · {n_dash:,} appeals · PostgreSQL", [PG, *cmd])

    print("\n== summary (targets from issue 3)")
    rate = r"throughput\s+([\d,]+) appeals/s"
    if "import_pg" in out:
        print(f"import rate       SQLite {grab(rate, out['import_sqlite'])}/s · "
              f"PostgreSQL {grab(rate, out['import_pg'])}/s   (target ≥ 2,000/s on PostgreSQL)")
    for key, db in (("api_pg", "PostgreSQL"), ("api_sqlite", "SQLite")):
        if key in out:
            for line in out[key].splitlines():
                if " p99 " in line:
                    print(f"API {db:<11}   {' '.join(line.split())}")
    if "dashboard_pg" in out:
        for line in out["dashboard_pg"].splitlines():
            if re.search(r"\b(cold|warm|dashboard)\b", line, re.IGNORECASE):
                print(f"dashboard         {' '.join(line.split())}")
        print("                  (target ≤ 1 s at 1,000,000 on PostgreSQL)")
    return 0 if all(out.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
