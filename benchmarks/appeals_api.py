"""Latency of the appeal intake API under concurrent clients (issue 3 target: p99 ≤ 100 ms).

    .venv/bin/python benchmarks/appeals_api.py [--clients 20] [--requests 2000]
    scripts/with-postgres .venv/bin/python benchmarks/appeals_api.py

Starts the real WSGI stack (gunicorn, DEBUG off) on a free loopback port against a throwaway
database (a temp SQLite file unless DATABASE_URL is set), creates a centre, an intake agent and
an API token, then has N client threads POST /api/v1/appeals with keep-alive connections and
prints p50/p95/p99 latency and throughput. Traffic stays on 127.0.0.1; the run is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> str:
    """Migrate and create the users; returns an API token."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','fazhi.settings'); django.setup()\n"
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from fazhi.core.models import OrgUnit, Role, User\n"
        "from fazhi.core.services import create_user, issue_token\n"
        "c = OrgUnit.objects.filter(is_centre=True).first() or OrgUnit.objects.create(name='中心', code='BENCH-C',"
        " level='centre', is_centre=True)\n"
        "u = User.objects.filter(username='bench_agent').first() or create_user(username='bench_agent',"
        " password='bench-pass-123', memberships=[(c, Role.INTAKE_AGENT)])\n"
        "print(issue_token(user=u, name='bench'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def client(port: int, token: str, n: int, offset: int, latencies: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(n):
        body = json.dumps({"content": f"东湖街道翠苑小区第{offset + i}号楼路灯不亮，晚上出行不便", "phone": "13800138000",
                           "appeal_type": "help", "channel": "grid_patrol", "source": "bench",
                           "external_id": f"bench-{offset + i}"}, ensure_ascii=False)
        started = time.perf_counter()
        conn.request("POST", "/api/v1/appeals", body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 201:
            errors.append(response.status)
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fazhi-bench-")
    env = {**os.environ, "FAZHI_DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 40, "FAZHI_DATA_DIR": tmp,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)}
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fazhi.wsgi:application", "-b", f"127.0.0.1:{port}", "-w",
         str(args.workers), "--threads", "8", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        client(port, token, 20, 10**9, [], [])  # warm-up (imports, first queries)
        latencies: list[float] = []
        errors: list[int] = []
        per = args.requests // args.clients
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(port, token, per, k * per, latencies, errors))
                   for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    db = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    print(f"appeal intake API · {db} · {args.clients} clients · {len(latencies)} requests · gunicorn "
          f"{args.workers}×8 threads")
    print(f"p50 {q[49]:.1f} ms · p95 {q[94]:.1f} ms · p99 {q[98]:.1f} ms · {len(latencies) / elapsed:.0f} req/s · "
          f"errors {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
