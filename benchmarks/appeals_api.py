"""Latency of the appeal intake API under concurrent clients (issue 3 target: p99 ≤ 100 ms).

    .venv/bin/python benchmarks/appeals_api.py [--clients 20] [--requests 2000]
    scripts/with-postgres .venv/bin/python benchmarks/appeals_api.py [--model var/models/dispatch.model]

Starts the real WSGI stack (gunicorn, DEBUG off) on a free loopback port against a throwaway
database (a temp SQLite file unless DATABASE_URL is set), creates a centre, an intake agent and
an API token, then has N client threads POST /api/v1/appeals with keep-alive connections and
prints p50/p95/p99 latency and throughput for each phase given by --rate:

- paced phases (open loop): the clients together send R requests a second on a fixed schedule
  and each latency is measured from the request's scheduled time, so queueing counts. This is
  the service's latency under a stated load. For scale: the busiest district in the seed reports
  (花都区, 259,962 work orders a year) averages under 0.01 a second; 10 a second is a thousand
  times that, and more than any hotline's peak hour.
- a closed-loop phase (rate 0): every client sends its next request as soon as the last one is
  answered. Its throughput is the server's capacity on this machine and its latency is mostly
  queueing (clients ÷ throughput).

Under each phase a second line gives the CPU milliseconds per request spent by the load
generator itself (this process: http.client keep-alive connections, one thread per client), the
gunicorn master and workers, PostgreSQL's server processes (when DATABASE_URL names a local
server), and the whole machine — more than their sum when something else is running, which
is how to tell a noisy run.

Traffic stays on 127.0.0.1; the run is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = time.time_ns()  # external ids unique per run, so a rerun on the same database measures creation


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


def client(port: int, token: str, n: int, offset: int, latencies: list, errors: list, *, interval: float = 0.0,
           phase: float = 0.0, start: float | None = None) -> None:
    """Send n appeals on one keep-alive connection.

    interval 0: back to back (closed loop — measures saturation). interval > 0: one request
    every `interval` seconds from `start + phase` (open loop), each latency measured from its
    scheduled time, so a slow server is not excused by sending less (no coordinated omission).
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for i in range(n):
        body = json.dumps({"content": f"东湖街道翠苑小区第{offset + i}号楼路灯不亮，晚上出行不便",
                           "phone": f"138{(offset + i) % 10**8:08d}",
                           "appeal_type": "help", "channel": "grid_patrol", "source": "bench",
                           "external_id": f"bench-{RUN}-{offset + i}"}, ensure_ascii=False)
        if interval:
            scheduled = start + phase + i * interval
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            started = scheduled
        else:
            started = time.perf_counter()
        conn.request("POST", "/api/v1/appeals", body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 201:
            errors.append(response.status)
    conn.close()


TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """CPU seconds of a process with its reaped children (utime, stime, cutime, cstime) plus,
    recursively, those of its live children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # gone meanwhile
        return 0.0
    return sum(int(x) for x in fields[11:15]) / TICK + sum(_proc_cpu(int(c)) for c in children)


def postmaster(url: str) -> int | None:
    """The pid of the PostgreSQL server listening on DATABASE_URL's port on this machine, if any."""
    from urllib.parse import urlparse

    port = urlparse(url).port or 5432
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres") and b"-p" in argv and str(port).encode() in argv:
            return int(entry.name)
    return None


class CpuMeter:
    """CPU seconds spent by this process (the load generator), the server, and PostgreSQL, per phase."""

    def __init__(self, server: int, database: int | None):
        self.server, self.database = server, database

    def read(self) -> dict[str, float]:
        return {"client": time.process_time(), "gunicorn": _proc_cpu(self.server),
                "postgres": _proc_cpu(self.database) if self.database else 0.0}


def run(port: int, token: str, *, clients: int, requests: int, rate: float) -> tuple[list[float], list[int], float]:
    """One load phase; returns latencies (ms), error statuses and elapsed seconds."""
    latencies: list[float] = []
    errors: list[int] = []
    per = requests // clients
    interval = clients / rate if rate else 0.0
    start = time.perf_counter() + 0.2
    threads = [threading.Thread(target=client, args=(port, token, per, k * per + int(rate) * 10**6, latencies, errors),
                                kwargs={"interval": interval, "phase": interval * k / clients, "start": start})
               for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def machine_busy() -> float:
    """CPU seconds all processes on the machine have spent (other users' load included)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK  # all but idle and iowait


def report(label: str, latencies: list[float], errors: list[int], elapsed: float, cpu: dict[str, float]) -> str:
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    n = len(latencies)
    per = " · ".join(f"{k} {v / n * 1000:.1f}" for k, v in cpu.items() if v)
    return (f"{label:<22} p50 {q[49]:7.1f} ms · p95 {q[94]:7.1f} ms · p99 {q[98]:7.1f} ms · "
            f"{n / elapsed:5.0f} req/s · {n} requests · errors {len(errors)}\n"
            f"{'':<22} CPU ms per request: {per}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--model", help="a dispatch model file (e.g. var/models/dispatch.model) to install")
    parser.add_argument("--rate", type=float, nargs="+", default=[10, 25, 40, 0],
                        help="total requests per second of each phase, shared by the clients; 0 = back to back")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fazhi-bench-")
    env = {**os.environ, "FAZHI_DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 40, "FAZHI_DATA_DIR": tmp,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)}
    if args.model:
        # Intake then also predicts and stores the top-3 suggestions, as in a deployment with a model.
        models = Path(tmp) / "models"
        models.mkdir()
        for suffix in ("", ".json"):
            if Path(args.model + suffix).exists():
                shutil.copyfile(args.model + suffix, models / ("dispatch.model" + suffix))
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fazhi.wsgi:application", "-b", f"127.0.0.1:{port}", "-w",
         str(args.workers), "--threads", str(args.threads), "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        client(port, token, 20, 10**9, [], [])  # warm-up (imports, first queries)
        lines, failed = [], 0
        meter = CpuMeter(server.pid, postmaster(os.environ.get("DATABASE_URL", "")))
        for rate in args.rate:
            before, busy = meter.read(), machine_busy()
            latencies, errors, elapsed = run(port, token, clients=args.clients, requests=args.requests, rate=rate)
            cpu = {k: v - before[k] for k, v in meter.read().items()}
            cpu["machine"] = machine_busy() - busy
            label = f"paced {rate:g} req/s" if rate else "closed loop (max)"
            lines.append(report(label, latencies, errors, elapsed, cpu))
            failed += len(errors)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)  # the throwaway SQLite database and the copied model
    db = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    print(f"appeal intake API · {db} · {args.clients} clients · gunicorn {args.workers}×{args.threads} threads"
          + (" · with a dispatch model" if args.model else ""))
    for line in lines:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
