"""Where one intake API call spends its time, in-process (no HTTP server, no load generator).

    .venv/bin/python benchmarks/appeals_api_profile.py [--n 500] [--sql] [--profile 40]
    scripts/with-postgres .venv/bin/python benchmarks/appeals_api_profile.py --sql

Sends --n POST /api/v1/appeals straight through Django's WSGI handler (every middleware, the
token check, django-ninja, the intake service) against a throwaway database (a temp SQLite file
unless DATABASE_URL is set), one after the other, and prints the statements of one create, the
CPU milliseconds per create of this process and — on a local PostgreSQL — of the server, and
optionally the time per statement (--sql) and a cProfile listing (--profile N: top N by
cumulative time; cProfile roughly doubles the time, so read it for proportions).
Complements benchmarks/appeals_api.py, whose figures include queueing and the HTTP server.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="creates per measurement")
    parser.add_argument("--sql", action="store_true", help="time spent in each statement (driver included)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile: print the top N entries")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fazhi-profile-")
    os.environ.update({"FAZHI_DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 40, "FAZHI_DATA_DIR": tmp,
                       "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "fazhi.settings"})
    import django

    django.setup()
    from appeals_api import _proc_cpu, postmaster
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.core.models import OrgUnit, Role
    from fazhi.core.services import create_user, issue_token

    call_command("migrate", verbosity=0)
    centre = OrgUnit.objects.create(name="中心", code="BENCH-C", level="centre", is_centre=True)
    user = create_user(username="bench_agent", password="bench-pass-123", memberships=[(centre, Role.INTAKE_AGENT)])
    token = issue_token(user=user, name="bench")
    app, run, status = WSGIHandler(), time.time_ns(), []

    def create(i: int) -> None:
        body = json.dumps({"content": f"东湖街道翠苑小区第{i}号楼路灯不亮，晚上出行不便", "phone": f"138{i % 10**8:08d}",
                           "appeal_type": "help", "channel": "grid_patrol", "source": "bench",
                           "external_id": f"bench-{run}-{i}"}, ensure_ascii=False).encode()
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/appeals", "QUERY_STRING": "",
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {token}",
                   "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}
        response = app(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(response)
        response.close()  # request_finished, as a WSGI server sends it
        if not status.pop().startswith("201"):
            raise SystemExit(f"create {i} failed")

    for i in range(20):  # warm-up: imports, first queries, compiled statements
        create(10**8 + i)
    with CaptureQueriesContext(connection) as captured:
        create(10**8 + 99)
    print(f"appeal intake, in-process · {connection.vendor} · {len(captured.captured_queries)} statements per create:")
    for q in captured.captured_queries:
        print("   ", q["sql"][:110])

    server = postmaster(os.environ.get("DATABASE_URL", ""))
    pg, cpu, wall = _proc_cpu(server) if server else 0.0, time.process_time(), time.perf_counter()
    for i in range(args.n):
        create(i)
    per = 1000 / args.n
    line = f"{(time.process_time() - cpu) * per:.2f} ms CPU per create in this process"
    if server:
        line += f" + {(_proc_cpu(server) - pg) * per:.2f} ms in PostgreSQL"
    print(f"{line} · {(time.perf_counter() - wall) * per:.2f} ms wall · {args.n} creates")

    if args.sql:
        spent: dict[str, float] = collections.defaultdict(float)

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[sql[:90]] += time.perf_counter() - started

        with connection.execute_wrapper(timed):
            for i in range(args.n):
                create(10**6 + i)
        print("time per create in each statement (execution and driver, not the ORM's compilation):")
        for sql, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"  {seconds * per:6.3f} ms  {sql}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.n):
            create(10**7 + i)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
